// Everything a question needs, as one module that program.ts imports on the first real question (`--help`,
// `--version` and usage errors never load it): the core's analysis, request parser, memory planner and present
// layer, the terminal and Markdown reports, the completion scripts. The build makes it dist/core.cjs, beside the
// command line's dist/cli.cjs, with torchvision and timm in dist/zoo.cjs, the Hugging Face families in dist/hf.cjs
// the weight-file readers in dist/weights.cjs and the memory and speed planners in dist/plan.cjs, each required on
// first use.
export { analyze, analysisToJSON, analyzeWeights, catalogue, compareWeights, fileHandleReader, models, NnsizeError, programShareState, shareUrl, verifySnippet, weightsComparisonToJSON, weightsFormatOf, weightsToJSON } from '@nnsize/core'
export { analyzeOptionsOf, memoryOptionsOf, parseRequest, requestToRaw, speedOptionsOf } from '@nnsize/core/request'
export { planMemory } from '@nnsize/core/memory'
export { planSpeed } from '@nnsize/core/speed'
export { acceleratorTable, renderMarkdownTable } from '@nnsize/core/present'
export { renderTextTable } from './layout.js'
export { compareAnalyses, comparisonToJSON, diagnose, diagnosticLines, explainAnalysis, explainMemory, explainSpeed, memoryPlanToJSON, speedPlanToJSON, moduleTable, renderCsv, fileTensorTable } from '@nnsize/core/present'
export { explanationLines, renderMarkdownReport, renderReport } from './report.js'
export { renderComparison, renderMarkdownComparison } from './compare-report.js'
export { completionScript, shells } from './completion.js'
