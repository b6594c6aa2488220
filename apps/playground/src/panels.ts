/**
 * Everything below the answer, loaded right after the first answer is on screen so that the
 * JavaScript the page needs before it can answer stays small: the module table, the memory
 * planner and its panel, the explanation, the PyTorch snippet, the examples gallery and the
 * "Load a model…" menu (a disabled button of the same size holds its place until then).
 */
export { default as ModuleTable } from './components/ModuleTable.svelte'
export { default as TensorTable } from './components/TensorTable.svelte'
export { default as MemoryPanel } from './components/MemoryPanel.svelte'
export { default as SpeedPanel } from './components/SpeedPanel.svelte'
export { default as Explanation } from './components/Explanation.svelte'
export { default as SharePanel } from './components/SharePanel.svelte'
export { default as Examples } from './components/Examples.svelte'
export { default as ModelPicker } from './components/ModelPicker.svelte'
export { default as ClassPicker } from './components/ClassPicker.svelte'
export { computeMemory } from './lib/memory.ts'
export { availableExamples } from './lib/availability.ts'
export { default as WeightsReport } from './components/WeightsReport.svelte'
export { snippetOf } from './lib/answer.ts'
