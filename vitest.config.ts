import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: ['packages/core', 'apps/cli', 'apps/playground', 'test'],
  },
})
