// The entry of dist/core.cjs: everything the command line takes from the core, in one bundle that the command
// line's own bundle (dist/cli.cjs) loads on the first real question. `--help`, `--version` and usage errors never
// load it. In the source, program.ts imports the three parts separately; the build points all three at this bundle.
export * from './answer.js'
export * from './memory.js'
export * from './extras.js'
