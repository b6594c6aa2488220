// The parts of @nnsize/core that every run needs, imported module by module: the CLI bundles the core from its
// source, and importing the files rather than the package index lets the bundler keep the memory planner and the
// explain/verify/compare formatters in chunks of their own that load only when asked for (see memory.ts, extras.ts).
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
