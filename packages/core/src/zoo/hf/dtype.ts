import { dtypeAliases, isFloatingDType } from '../../tensor/dtype.js'
import type { DType } from '../../tensor/dtype.js'
import { buffersOf, paramsOf, walkModules } from '../../model/module.js'
import type { ModuleNode, TensorDef } from '../../model/module.js'
import { isJSONObject } from './json.js'

/**
 * Where the dtype of a checkpoint's weights was read: the config's `dtype` (as transformers 5 writes it), its
 * `torch_dtype` (earlier versions; also in a multimodal config's `text_config`), the catalogue (the published
 * config names none; the checkpoint's files were read), or `default` (no dtype anywhere: float32, PyTorch's default).
 */
export type CheckpointDTypeSource = 'config dtype' | 'config torch_dtype' | 'catalogue' | 'default' | 'weights file'

/** The dtype a checkpoint stores its floating-point weights in, which sizes the parameters, and where it came from. */
export interface CheckpointDType {
  dtype: DType
  source: CheckpointDTypeSource
}

function show(value: unknown): string {
  if (typeof value === 'string') return `\`"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"\``
  return Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `\`${String(value)}\``
}

/** A dtype name as configs write it (`bfloat16`, `float16`, `torch.float32`), or undefined when it names no floating-point dtype. */
function floatingDType(value: unknown): DType | undefined {
  if (typeof value !== 'string') return undefined
  const name = value.startsWith('torch.') ? value.slice(6) : value
  const dtype = Object.hasOwn(dtypeAliases, name) ? dtypeAliases[name] : undefined
  return dtype !== undefined && isFloatingDType(dtype) ? dtype : undefined
}

/**
 * The dtype of a config's checkpoint: `dtype`, then `torch_dtype`, then the same keys of `text_config`; else
 * `catalogue` when given (a catalogue checkpoint whose published config names none), else float32. A value that
 * names no floating-point dtype (`"auto"`, `"int8"`) is passed over, with a note.
 */
export function checkpointDType(config: unknown, catalogue?: DType): { dtype: CheckpointDType; note?: string } {
  const objects = isJSONObject(config) ? [config, ...(isJSONObject(config['text_config']) ? [config['text_config']] : [])] : []
  let skipped: string | undefined
  for (const object of objects) {
    for (const key of ['dtype', 'torch_dtype'] as const) {
      if (!Object.hasOwn(object, key) || object[key] === null) continue
      const dtype = floatingDType(object[key])
      if (dtype) return { dtype: { dtype, source: key === 'dtype' ? 'config dtype' : 'config torch_dtype' }, ...(skipped ? { note: skipped } : {}) }
      skipped ??= `The config's \`${key}\` (${show(object[key])}) names no floating-point dtype; it is not used to size the weights.`
    }
  }
  const fallback: CheckpointDType = catalogue ? { dtype: catalogue, source: 'catalogue' } : { dtype: 'float32', source: 'default' }
  return { dtype: fallback, ...(skipped ? { note: skipped } : {}) }
}

/**
 * Tensors a family keeps in float32 when loaded in half precision (transformers' `_keep_in_fp32_modules_strict`
 * for bfloat16 and float16, `_keep_in_fp32_modules` for float16 only), as substrings of their names.
 */
export interface KeepFloat32 {
  halfPrecision?: readonly string[]
  float16?: readonly string[]
}

/**
 * Gives the floating-point tensors of `root` the checkpoint's `dtype`, as `from_pretrained(..., dtype="auto")`
 * does: it builds the model with `dtype` as torch's default, so every tensor made under the default dtype takes it
 * (non-persistent buffers included: Gemma's `embed_scale`), and loading keeps the dtype each tensor was made in.
 * Tensors for which `hasOwnDType` is true were made in a dtype of their own (rotary `inv_freq`, computed in
 * float32; wav2vec2's `torch.FloatTensor` codevectors) and keep it; integer buffers keep theirs; parameters and
 * persistent buffers named in `keep` are loaded in float32.
 */
export function applyCheckpointDType(root: ModuleNode, dtype: DType, keep: KeepFloat32 = {}, hasOwnDType: (t: TensorDef) => boolean = () => false): void {
  if (dtype === 'float32') return
  const half = dtype === 'bfloat16' || dtype === 'float16'
  const patterns = [...(half ? (keep.halfPrecision ?? []) : []), ...(dtype === 'float16' ? (keep.float16 ?? []) : [])]
  for (const { path, node } of walkModules(root)) {
    for (const own of [paramsOf(node), buffersOf(node)]) {
      own.forEach((t, name) => {
        if (!t || !isFloatingDType(t.dtype) || hasOwnDType(t)) return
        const loaded = t.kind === 'parameter' || t.persistent
        if (loaded && patterns.length > 0 && patterns.some((p) => (path === '' ? name : `${path}.${name}`).includes(p))) return
        t.dtype = dtype
      })
    }
  }
}
