/**
 * Everything below the answer, loaded right after the first answer is on screen so that the
 * JavaScript the page needs before it can answer stays small: the module table, the memory
 * planner and its panel, the explanation and the PyTorch snippet.
 */
export { default as ModuleTable } from './components/ModuleTable.svelte'
export { default as TensorTable } from './components/TensorTable.svelte'
export { default as MemoryPanel } from './components/MemoryPanel.svelte'
export { default as Explanation } from './components/Explanation.svelte'
export { default as SharePanel } from './components/SharePanel.svelte'
export { computeMemory } from './lib/memory.ts'
export { verifySnippet } from '@nnsize/core'
