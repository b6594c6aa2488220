// Everything a question needs, loaded on the first real question (`--help` and `--version` never load it): the
// core's analysis and formatters, the terminal and Markdown reports, the completion scripts. Bundled in dist/core.cjs.
export * from './core.js'
export { explanationLines, renderMarkdownReport, renderReport } from './report.js'
export { completionScript, shells } from './completion.js'
