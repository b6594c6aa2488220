import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { csp } from './build/csp.ts'
import { precache } from './build/precache.ts'

const coreSource = fileURLToPath(new URL('../../packages/core/src', import.meta.url))

/**
 * `NNSIZE_BASE` sets the public path (`/nnsize/` for a project page). The default `./` makes every
 * URL relative, so the same build works from any sub-path.
 */
export default defineConfig({
  base: process.env.NNSIZE_BASE ?? './',
  plugins: [svelte(), csp(), precache()],
  resolve: {
    // Build from the core's source so the page always matches the working tree: @nnsize/core and its subpaths.
    alias: [{ find: /^@nnsize\/core(\/[a-z]+)?$/, replacement: `${coreSource}$1/index.ts` }],
  },
  build: {
    target: 'es2022',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
})
