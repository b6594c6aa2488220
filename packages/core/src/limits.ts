/**
 * Bounds that keep every input cheap to analyse. Crossing one is a `limit`
 * error naming the limit and its value, never a crash or a hang.
 */
export const limits = {
  /** Longest source text accepted, in characters. */
  maxSourceChars: 1_000_000,
  /** Deepest nesting of brackets and calls. */
  maxNestingDepth: 500,
  /** Most modules one program may create. */
  maxModules: 100_000,
  /** Longest list a comprehension, `range` or a repetition may build. */
  maxListLength: 100_000,
  /** Largest value of one tensor dimension or constructor size argument. */
  maxDimension: 2 ** 53 - 1,
  /** Most steps (statements, loop iterations, calls, comprehension items) one Python program may run. */
  maxSteps: 2_000_000,
  /** Most list, tuple, dict and set items one Python program may create in all. */
  maxItems: 5_000_000,
  /** Most characters of strings one Python program may create in all. */
  maxStringChars: 10_000_000,
  /** Most bits of one Python integer. */
  maxIntBits: 65_536,
  /** Deepest nesting of Python calls (recursion). */
  maxCallDepth: 200,
  /** Deepest module tree (a module inside a module …), which also bounds the length of dotted names. */
  maxModuleDepth: 1_000,
  /** Most bytes of headers and metadata read from one weight file (safetensors header, `data.pkl`, GGUF metadata, ONNX graph, JSON sidecars). */
  maxWeightsHeaderBytes: 100_000_000,
  /** Most tensors one set of weight files may declare. */
  maxWeightsTensors: 1_000_000,
} as const
