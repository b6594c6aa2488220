/** The package version, set by the bundler (build.mjs) and by vitest.config.ts. */
declare const NNSIZE_VERSION: string
