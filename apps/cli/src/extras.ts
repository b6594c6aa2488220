// The core's explain, verify and compare formatters, loaded only for --explain, --verify and --compare (see core.ts).
export { explainAnalysis, explainMemory } from '../../../packages/core/src/format/explain.js'
export { verifySnippet } from '../../../packages/core/src/format/verify.js'
export { compareAnalyses, comparisonTable, comparisonToJSON } from '../../../packages/core/src/format/compare.js'
export { renderComparison, renderMarkdownComparison } from './compare-report.js'
