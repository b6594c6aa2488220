import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { resolve } from 'node:path'

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
