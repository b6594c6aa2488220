// Everything a question needs, as one module that program.ts imports on the first real question (`--help`,
// `--version` and usage errors never load it): the core's analysis, request parser, memory planner and present
// layer, the terminal and Markdown reports, the completion scripts. The build makes it dist/core.cjs, beside the
// command line's dist/cli.cjs.
export {
  analyze,
  analysisToJSON,
  analyzeOptionsOf,
  catalogue,
  compareAnalyses,
  comparisonToJSON,
  diagnose,
  diagnosticLines,
  explainAnalysis,
  explainMemory,
  memoryOptionsOf,
  memoryPlanToJSON,
  models,
  moduleTable,
  NnsizeError,
  parseRequest,
  planMemory,
  renderCsv,
  requestToRaw,
  shareUrl,
  verifySnippet,
} from '@nnsize/core'
export { explanationLines, renderMarkdownReport, renderReport } from './report.js'
export { renderComparison, renderMarkdownComparison } from './compare-report.js'
export { completionScript, shells } from './completion.js'
