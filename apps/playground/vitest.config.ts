import { defineConfig, mergeConfig } from 'vitest/config'
import viteConfig from './vite.config.ts'

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      name: 'playground',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      // The browser tests build the page and drive Chromium: give them room on a small machine.
      testTimeout: 60_000,
      hookTimeout: 180_000,
    },
  }),
)
