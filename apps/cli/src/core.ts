// The parts of @nnsize/core that the command line uses, imported module by module from the core's source, so that the
// bundle (dist/core.cjs, see engine.ts) holds only what is used.
export { analyze } from '../../../packages/core/src/analyze.js'
export { NnsizeError } from '../../../packages/core/src/errors.js'
export { formatErrorWithSource } from '../../../packages/core/src/format/error.js'
export { analysisToJSON } from '../../../packages/core/src/format/json.js'
export {
  breakdownTable,
  describeMemoryOptions,
  memoryIsSplit,
  memoryRows,
  memoryTable,
  moduleTable,
  renderCsv,
  renderMarkdownTable,
  summaryRows,
  summaryTable,
  tensorTable,
} from '../../../packages/core/src/format/table.js'
export { shareUrl } from '../../../packages/core/src/share.js'
export { models } from '../../../packages/core/src/zoo/index.js'
export { catalogue } from '../../../packages/core/src/zoo/hf/catalogue.js'
export { explainAnalysis, explainMemory } from '../../../packages/core/src/format/explain.js'
export { verifySnippet } from '../../../packages/core/src/format/verify.js'
export { compareAnalyses, comparisonTable, comparisonToJSON } from '../../../packages/core/src/format/compare.js'
