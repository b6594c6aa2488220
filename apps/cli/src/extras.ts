// The core's explain, verify and compare formatters, imported only for --explain, --verify and --compare (bundled in
// dist/core.cjs, see engine.ts).
export { explainAnalysis, explainMemory } from '../../../packages/core/src/format/explain.js'
export { verifySnippet } from '../../../packages/core/src/format/verify.js'
export { compareAnalyses, comparisonTable, comparisonToJSON } from '../../../packages/core/src/format/compare.js'
export { renderComparison, renderMarkdownComparison } from './compare-report.js'
