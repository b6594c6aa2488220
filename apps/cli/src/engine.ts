// Everything a question needs, as one module that program.ts imports on the first real question (`--help`,
// `--version` and usage errors never load it): the core's analysis, memory planner and formatters, the terminal and
// Markdown reports, the completion scripts. The build makes it dist/core.cjs, beside the command line's dist/cli.cjs.
export * from './core.js'
export * from './memory.js'
export { explanationLines, renderMarkdownReport, renderReport } from './report.js'
export { renderComparison, renderMarkdownComparison } from './compare-report.js'
export { completionScript, shells } from './completion.js'
