import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

export default defineConfig({
  resolve: {
    // the CLI bundles the core from source; tests do the same, so no core build is needed
    // @nnsize/core and its subpaths from the core's source, as the build does
    alias: [{ find: /^@nnsize\/core(\/[a-z]+)?$/, replacement: `${fileURLToPath(new URL('../../packages/core/src', import.meta.url))}$1/index.ts` }],
  },
  define: { NNSIZE_VERSION: JSON.stringify(pkg.version) },
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/global-setup.ts'],
    // the command runs answer each question themselves; test/server.test.ts turns the background server on
    env: { NNSIZE_SERVER: '0' },
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
})
