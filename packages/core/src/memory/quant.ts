import { NnsizeError } from '../errors.js'
import { didYouMean, suggest } from '../suggest.js'
import { dtypeBytes, isFloatingDType } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { numel } from '../tensor/shape.js'

/** A parameter or buffer as weight formats see it: name, shape, dtype and the class of the module that owns it. */
export interface WeightTensor {
  name: string
  kind: 'parameter' | 'buffer'
  shape: readonly number[]
  dtype: DType
  /** Class of the owning module (`Linear`, `Embedding`); decides what bitsandbytes and GPTQ quantise. */
  moduleType?: string | undefined
  /** Exact bytes as stored, for tensors read from a weight file (a GGUF `Q4_K` tensor): the `auto` format keeps them. */
  bytes?: bigint | undefined
}

/** How a weight format stores the tensors it quantises. */
export interface WeightFormat {
  id: string
  aliases: readonly string[]
  description: string
  /** Bits per weight for large tensors, as text (`4.5`, `4.127`). */
  bitsPerWeight: string
  /** Which tensors it quantises: every float tensor, float matrices (2+ dimensions), or the weights of linear layers. */
  appliesTo: 'float' | 'matrices' | 'linear'
  /** Dtype of the float tensors it leaves alone; `null`: as built. */
  otherDType: DType | null
  /** Bytes of one quantised tensor. */
  tensorBytes(t: WeightTensor): bigint
  /** Bytes held once for the whole model (shared lookup tables). */
  sharedBytes: bigint
  source: string
}

/** Linear-layer classes that bitsandbytes (through transformers) and GPTQ replace. */
const LINEAR_TYPES = new Set(['Linear', 'NonDynamicallyQuantizableLinear', 'Conv1D'])

/** The output head, which bitsandbytes (through transformers) leaves unquantised. */
const LM_HEAD = /(^|\.)lm_head(\.|$)/

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b

const plain = (id: string, aliases: string[], dtype: DType, description: string): WeightFormat => ({
  id,
  aliases,
  description,
  bitsPerWeight: String(dtypeBytes[dtype] * 8),
  appliesTo: 'float',
  otherDType: dtype,
  tensorBytes: (t) => numel(t.shape) * BigInt(dtypeBytes[dtype]),
  sharedBytes: 0n,
  source: 'PyTorch dtypes',
})

/** A GGUF block type: `blockBytes` bytes for every `blockSize` weights along the innermost dimension. */
const gguf = (type: string, blockSize: number, blockBytes: number): WeightFormat => ({
  id: type.toLowerCase(),
  aliases: [`gguf-${type.toLowerCase()}`],
  description: `GGUF ${type}: ${blockBytes}-byte blocks of ${blockSize} weights along each row; 1-D tensors stay F32`,
  bitsPerWeight: String((blockBytes * 8) / blockSize),
  appliesTo: 'matrices',
  otherDType: 'float32',
  tensorBytes: (t) => {
    const row = BigInt(t.shape.at(-1)!)
    const rows = row === 0n ? 0n : numel(t.shape) / row
    return rows * ceilDiv(row, BigInt(blockSize)) * BigInt(blockBytes)
  },
  sharedBytes: 0n,
  source: 'https://github.com/ggml-org/llama.cpp/blob/master/ggml/src/ggml-common.h (block_* structs)',
})

/** Inference weight formats: plain dtypes, bitsandbytes, GPTQ and the GGUF tensor types. */
export const weightFormats: readonly WeightFormat[] = [
  {
    id: 'auto',
    aliases: ['native', 'default'],
    description: 'every tensor in the dtype the model is built with',
    bitsPerWeight: 'as built',
    appliesTo: 'float',
    otherDType: null,
    tensorBytes: (t) => t.bytes ?? numel(t.shape) * BigInt(dtypeBytes[t.dtype]),
    sharedBytes: 0n,
    source: 'PyTorch defaults',
  },
  plain('fp32', ['float32', '32'], 'float32', 'float32 weights'),
  plain('fp16', ['float16', 'half', '16'], 'float16', 'float16 weights'),
  plain('bf16', ['bfloat16'], 'bfloat16', 'bfloat16 weights'),
  {
    id: 'fp8',
    aliases: ['float8', 'fp8-e4m3'],
    description: 'FP8 (e4m3) weights of linear layers with one float32 scale per tensor; other tensors in float16',
    bitsPerWeight: '8',
    appliesTo: 'linear',
    otherDType: 'float16',
    tensorBytes: (t) => numel(t.shape) + 4n,
    sharedBytes: 0n,
    source: 'per-tensor FP8 weight quantisation (vLLM `fp8`, torchao float8 weight-only)',
  },
  {
    id: 'int8',
    aliases: ['llm-int8', 'bnb-int8', '8bit'],
    description: 'bitsandbytes LLM.int8(): int8 weights of linear layers plus one float32 scale per output row (`SCB`); other tensors in float16; `lm_head` kept',
    bitsPerWeight: '8 + 32/in_features',
    appliesTo: 'linear',
    otherDType: 'float16',
    tensorBytes: (t) => numel(t.shape) + BigInt(t.shape[0] ?? 1) * 4n,
    sharedBytes: 0n,
    source: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/main/bitsandbytes/nn/modules.py (Int8Params: CB int8, SCB float32)',
  },
  {
    id: 'int4',
    aliases: ['gptq', 'gptq-int4', 'int4-g128'],
    description: 'GPTQ 4-bit, group size 128 (AutoGPTQ/GPTQModel QuantLinear): packed int32 `qweight`, float16 `scales` and packed 4-bit `qzeros` per group of 128 input features, int32 `g_idx` per input feature; other tensors in float16',
    bitsPerWeight: '≈ 4.16',
    appliesTo: 'linear',
    otherDType: 'float16',
    tensorBytes: (t) => {
      const out = BigInt(t.shape[0] ?? 1)
      const inFeatures = t.shape.length >= 2 ? numel(t.shape.slice(1)) : 1n
      const groups = ceilDiv(inFeatures, 128n)
      return ceilDiv(inFeatures, 8n) * out * 4n + groups * ceilDiv(out, 8n) * 4n + groups * out * 2n + inFeatures * 4n
    },
    sharedBytes: 0n,
    source: 'https://github.com/AutoGPTQ/AutoGPTQ/blob/main/auto_gptq/nn_modules/qlinear/qlinear_cuda.py (QuantLinear buffers)',
  },
  {
    id: 'nf4',
    aliases: ['bnb-nf4', '4bit', 'fp4', 'bnb-fp4'],
    description: 'bitsandbytes 4-bit (NF4/FP4) without double quantisation: two weights per byte, one float32 `absmax` per block of 64, a 16-entry float32 code per tensor; other tensors in float16; `lm_head` kept',
    bitsPerWeight: '4.5',
    appliesTo: 'linear',
    otherDType: 'float16',
    tensorBytes: (t) => {
      const n = numel(t.shape)
      return ceilDiv(n, 2n) + ceilDiv(n, 64n) * 4n + 64n
    },
    sharedBytes: 0n,
    source: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/main/bitsandbytes/functional.py (quantize_4bit, blocksize 64)',
  },
  {
    id: 'nf4-dq',
    aliases: ['qlora', 'nf4-double-quant', 'bnb-nf4-dq', 'fp4-dq'],
    description: 'bitsandbytes 4-bit with double quantisation (QLoRA): two weights per byte, the per-64 `absmax` itself quantised to uint8 with one float32 scale per 256 blocks and a float32 offset, a 16-entry code per tensor; the 256-entry dynamic map is shared; other tensors in float16; `lm_head` kept',
    bitsPerWeight: '4.127',
    appliesTo: 'linear',
    otherDType: 'float16',
    tensorBytes: (t) => {
      const n = numel(t.shape)
      const blocks = ceilDiv(n, 64n)
      return ceilDiv(n, 2n) + blocks + ceilDiv(blocks, 256n) * 4n + 4n + 64n
    },
    sharedBytes: 1024n,
    source: 'Dettmers et al., QLoRA (arXiv:2305.14314), section 3; bitsandbytes quantize_4bit(compress_statistics=True)',
  },
  gguf('Q4_0', 32, 18),
  gguf('Q4_1', 32, 20),
  gguf('Q5_0', 32, 22),
  gguf('Q5_1', 32, 24),
  gguf('Q8_0', 32, 34),
  gguf('Q2_K', 256, 84),
  gguf('Q3_K', 256, 110),
  gguf('Q4_K', 256, 144),
  gguf('Q5_K', 256, 176),
  gguf('Q6_K', 256, 210),
  gguf('IQ1_S', 256, 50),
  gguf('IQ1_M', 256, 56),
  gguf('IQ2_XXS', 256, 66),
  gguf('IQ2_XS', 256, 74),
  gguf('IQ2_S', 256, 82),
  gguf('IQ3_XXS', 256, 98),
  gguf('IQ3_S', 256, 110),
  gguf('IQ4_NL', 32, 18),
  gguf('IQ4_XS', 256, 136),
  gguf('TQ1_0', 256, 54),
  gguf('TQ2_0', 256, 66),
  gguf('MXFP4', 32, 17),
]

/** Every accepted weight-format name. */
export const weightFormatNames: readonly string[] = [...weightFormats.map((f) => f.id), ...weightFormats.flatMap((f) => f.aliases)]

/** Finds a weight format by id or alias (`q4_k`, `Q4_K`, `nf4-dq`, `int8`). */
export function findWeightFormat(name: string): WeightFormat {
  const key = name.trim().toLowerCase()
  const format = weightFormats.find((f) => f.id === key || f.aliases.includes(key))
  if (format) return format
  const suggestions = suggest(key, weightFormatNames)
  throw new NnsizeError('option', `Unknown weight format \`${name}\`.${didYouMean(suggestions)} Known: ${weightFormats.map((f) => `\`${f.id}\``).join(', ')}.`, { suggestions })
}

/** Whether `format` quantises this tensor (others keep `otherDType`). */
export function quantises(format: WeightFormat, t: WeightTensor): boolean {
  if (!isFloatingDType(t.dtype)) return false
  if (format.appliesTo === 'float') return true
  if (t.kind !== 'parameter' || t.shape.length < 2) return false
  if (format.appliesTo === 'matrices') return true
  return LINEAR_TYPES.has(t.moduleType ?? '') && (t.name === 'weight' || t.name.endsWith('.weight')) && !LM_HEAD.test(t.name)
}

/** Bytes of the model's tensors stored in `format`, with the count of quantised tensors and elements. */
export function weightBytes(tensors: readonly WeightTensor[], format: WeightFormat): { bytes: bigint; quantisedBytes: bigint; quantisedElements: bigint; quantisedTensors: number; otherBytes: bigint; otherElements: bigint } {
  let quantisedBytes = 0n
  let quantisedElements = 0n
  let quantisedTensors = 0
  let otherBytes = 0n
  let otherElements = 0n
  for (const t of tensors) {
    if (quantises(format, t)) {
      quantisedBytes += format.tensorBytes(t)
      quantisedElements += numel(t.shape)
      quantisedTensors++
    } else {
      const dtype = format.otherDType !== null && isFloatingDType(t.dtype) ? format.otherDType : t.dtype
      // Kept as built (`auto`): a tensor read from a file keeps its exact stored bytes.
      otherBytes += format.otherDType === null && t.bytes !== undefined ? t.bytes : numel(t.shape) * BigInt(dtypeBytes[dtype])
      otherElements += numel(t.shape)
    }
  }
  if (quantisedTensors > 0) quantisedBytes += format.sharedBytes
  return { bytes: quantisedBytes + otherBytes, quantisedBytes, quantisedElements, quantisedTensors, otherBytes, otherElements }
}
