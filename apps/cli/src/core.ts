// The parts of @nnsize/core that a question needs, imported module by module from the core's source (the CLI
// bundles the core; the build puts this, memory.ts and extras.ts together in dist/core.cjs, see engine.ts).
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
