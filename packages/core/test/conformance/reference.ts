import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { resolve } from 'node:path'
import { expect } from 'vitest'
import type { Analysis, TensorEntry } from '../../src/index.js'

/** Folder of the PyTorch-generated reference cases: `$NNSIZE_REFERENCE_DIR` or `../shared/reference` beside the repository. */
export const referenceDir = process.env['NNSIZE_REFERENCE_DIR'] ?? resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../../shared/reference')

/** One line of `layers.jsonl` or `torchvision.jsonl`. */
export interface ReferenceCase {
  id: string
  expr: string
  input_shape?: number[]
  input_shapes?: number[][]
  input_dtype?: string
  output_shape?: number[]
  params: number
  trainable_params: number
  param_bytes: number
  buffers: number
  buffer_bytes: number
  param_shapes?: Record<string, number[]>
  param_tensors?: number
  saved_activation_bytes?: number
  saved_activation_bytes_incl_input?: number
  optimizer_state_bytes?: Record<string, number>
}

/** The re-measurement of the reference cases under PyTorch 2.13 committed with the tests (`test/fixtures/torch213`). */
export const torch213FixtureDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../fixtures/torch213')

/** Reads a JSON-lines reference file (relative to {@link referenceDir}, or absolute); fails loudly when it is missing. */
export function readCases<T = ReferenceCase>(file: string): T[] {
  const path = resolve(referenceDir, file)
  if (!existsSync(path)) throw new Error(`Reference file ${path} not found: set NNSIZE_REFERENCE_DIR to the folder of layers.jsonl`)
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T)
}

/** `input_shapes` when present, else `[input_shape]`. */
export function inputShapesOf(c: ReferenceCase): number[][] | undefined {
  return c.input_shapes ?? (c.input_shape ? [c.input_shape] : undefined)
}

/** The inputs of one line of `code.jsonl` (see CODE.md): the files, what to build, and how forward is called. */
export interface CodeCase {
  id: string
  files: Record<string, string>
  main: string
  import_root: string
  entry: string
  input_shape?: number[]
  input_shapes?: number[][]
  input_dtype?: string
  input_dtypes?: Array<string | null>
  forward_call?: string
  input_requires_grad?: boolean[]
}

/** The `--input` text of a `code.jsonl` case: shapes with their dtypes (`12,4:int64`). */
export function codeInputText(c: CodeCase): string {
  const shapes = c.input_shapes ?? [c.input_shape!]
  return shapes.map((shape, i) => `${shape.join(',')}:${c.input_dtypes?.[i] ?? c.input_dtype ?? 'float32'}`).join('; ')
}

/** The construction half of one line of `code.jsonl` (see CODE.md): counts, dtypes, names and shapes. */
export interface CodeCountsCase extends CodeCase {
  params: number
  trainable_params: number
  param_bytes: number
  param_tensors: number
  param_dtypes: Record<string, number>
  buffers: number
  buffer_bytes: number
  buffer_tensors: number
  buffer_dtypes: Record<string, number>
  non_persistent_buffers?: string[]
  tied_params?: string[][]
  frozen_params?: string[]
  param_shapes: Record<string, number[]>
  buffer_shapes: Record<string, number[]>
}

/** The forward half of one line of `code.jsonl` (see CODE.md). */
export interface CodeForwardCase extends CodeCase {
  mode?: string
  output_shape?: number[]
  output_shapes?: number[][]
  output_structure?: string
  saved_activation_bytes?: number
  saved_activation_bytes_incl_input?: number
}

/** The FLOP half of one line of `code.jsonl` (see CODE.md, `flops_fwd_flopcounter`). */
export interface CodeFlopsCase extends CodeCase {
  flops_fwd_flopcounter?: number
  flops_fwd_by_op?: Record<string, number>
}

function dtypeTotals(tensors: readonly TensorEntry[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const t of tensors) out[t.dtype] = (out[t.dtype] ?? 0) + Number(t.elementCount)
  return out
}

/** Checks what a model's construction gives against a case: counts, bytes, dtypes, names and shapes in order, persistence, frozen and tied parameters. */
export function expectCodeCounts(result: Analysis, c: CodeCountsCase): void {
  const params = result.tensors.filter((t) => t.kind === 'parameter')
  const buffers = result.tensors.filter((t) => t.kind === 'buffer')
  expect(Number(result.params.total), 'parameters').toBe(c.params)
  expect(Number(result.params.trainable), 'trainable parameters').toBe(c.trainable_params)
  expect(Number(result.params.bytes), 'parameter bytes').toBe(c.param_bytes)
  expect(params.length, 'parameter tensors').toBe(c.param_tensors)
  expect(dtypeTotals(params), 'parameter dtypes').toEqual(c.param_dtypes)
  expect(Number(result.buffers.total), 'buffer elements').toBe(c.buffers)
  expect(Number(result.buffers.bytes), 'buffer bytes').toBe(c.buffer_bytes)
  expect(buffers.length, 'buffer tensors').toBe(c.buffer_tensors)
  expect(dtypeTotals(buffers), 'buffer dtypes').toEqual(c.buffer_dtypes)
  // Names and shapes in `named_parameters()` / `named_buffers()` order.
  expect(params.map((t) => [t.name, t.shape]), 'parameter names and shapes').toEqual(Object.entries(c.param_shapes))
  expect(buffers.map((t) => [t.name, t.shape]), 'buffer names and shapes').toEqual(Object.entries(c.buffer_shapes))
  expect(buffers.filter((t) => !t.persistent).map((t) => t.name), 'non-persistent buffers').toEqual(c.non_persistent_buffers ?? [])
  expect(params.filter((t) => !t.trainable).map((t) => t.name), 'frozen parameters').toEqual(c.frozen_params ?? [])
  // Tied parameters: one tensor under several names, listed once under the first.
  for (const group of c.tied_params ?? []) {
    const listed = group.filter((name) => params.some((t) => t.name === name))
    expect(listed, `tied group ${group.join(', ')}`).toEqual([group[0]])
  }
}

/** Checks a forward pass's output: the first tensor's shape, every tensor's shape in order, and the structure (`T`, `(T, None)`). */
export function expectCodeOutputs(forward: NonNullable<Analysis['forward']>, c: CodeForwardCase): void {
  expect(forward.outputShape, 'output shape').toEqual(c.output_shape)
  if (c.output_shapes) expect(forward.outputShapes, 'output shapes').toEqual(c.output_shapes)
  expect(forward.outputStructure, 'output structure').toBe(c.output_structure ?? 'T')
}

/** Checks the bytes a training-mode forward pass saves for backward, without and with the inputs. */
export function expectCodeSavedBytes(forward: NonNullable<Analysis['forward']>, c: CodeForwardCase): void {
  expect(Number(forward.savedBytes), 'saved activation bytes').toBe(c.saved_activation_bytes)
  expect(Number(forward.savedBytesWithInput), 'saved activation bytes incl. input').toBe(c.saved_activation_bytes_incl_input)
}

/** Checks the FLOPs of a forward pass as `FlopCounterMode` counts them: the total and the split by aten op. */
export function expectCodeFlops(forward: NonNullable<Analysis['forward']>, c: CodeFlopsCase): void {
  expect(Number(forward.flopCounter.total), 'total').toBe(c.flops_fwd_flopcounter)
  const byOp = Object.fromEntries(Object.entries(forward.flopCounter.byOp).map(([op, n]) => [op, Number(n)]))
  expect(byOp, 'by op').toEqual(c.flops_fwd_by_op ?? {})
}
