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
  /**
   * Which tensors it quantises: every float tensor, float matrices (2+ dimensions), or the weights of linear layers
   * (`lm_head` kept unless {@link WeightFormat.quantisesHead}); `experts`: the expert weights of a mixture of experts
   * (fused 3-D tensors or per-expert linear layers), or the weights of linear layers in a model without experts.
   */
  appliesTo: 'float' | 'matrices' | 'linear' | 'experts'
  /** The output head (`lm_head`) is quantised too (EXL2's `head_bits`); `tensorBytes` sizes it. */
  quantisesHead?: boolean
  /** Linear layers whose name ends in one of these segments stay unquantised (the routers ModelOpt leaves alone). */
  keeps?: RegExp
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

/** An expert's weight: a fused expert tensor (`GptOssExperts.gate_up_proj`) or a per-expert linear layer (`experts.3.w1`). */
function isExpertWeight(t: WeightTensor): boolean {
  if (t.kind !== 'parameter' || t.shape.length < 2 || /(^|\.|_)bias$/.test(t.name)) return false
  return (t.moduleType ?? '').endsWith('Experts') || /(^|\.)experts\.\d+\./.test(t.name)
}

/** Rows and row length of a tensor, rows along its last dimension. */
function rowsOf(t: WeightTensor): [rows: bigint, row: bigint] {
  const row = BigInt(t.shape.at(-1) ?? 1)
  return [row === 0n ? 0n : numel(t.shape) / row, row]
}

/** Output and input features of a linear weight `[out, in]` (1-D: one output). */
function linearShape(t: WeightTensor): [out: bigint, inFeatures: bigint] {
  return [BigInt(t.shape[0] ?? 1), t.shape.length >= 2 ? numel(t.shape.slice(1)) : 1n]
}

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
const gguf = (type: string, blockSize: number, blockBytes: number, id = type.toLowerCase()): WeightFormat => ({
  id,
  aliases: id === type.toLowerCase() ? [`gguf-${type.toLowerCase()}`] : [],
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

const BNB_SOURCE = 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/main/bitsandbytes/functional.py (quantize_4bit, blocksize 64)'

/** bitsandbytes 4-bit without double quantisation: NF4 and FP4 store the same bytes (`quant_type` only changes the code). */
const bnb4 = (id: string, aliases: string[], type: 'NF4' | 'FP4'): WeightFormat => ({
  id,
  aliases,
  description: `bitsandbytes 4-bit ${type} without double quantisation: two weights per byte, one float32 \`absmax\` per block of 64, a 16-entry float32 code per tensor; other tensors in float16; \`lm_head\` kept`,
  bitsPerWeight: '4.5',
  appliesTo: 'linear',
  otherDType: 'float16',
  tensorBytes: (t) => {
    const n = numel(t.shape)
    return ceilDiv(n, 2n) + ceilDiv(n, 64n) * 4n + 64n
  },
  sharedBytes: 0n,
  source: BNB_SOURCE,
})

/** bitsandbytes 4-bit with double quantisation (QLoRA's `bnb_4bit_use_double_quant`), NF4 or FP4. */
const bnb4dq = (id: string, aliases: string[], type: 'NF4' | 'FP4'): WeightFormat => ({
  id,
  aliases,
  description: `bitsandbytes 4-bit ${type} with double quantisation (QLoRA): two weights per byte, the per-64 \`absmax\` itself quantised to uint8 with one float32 scale per 256 blocks and a float32 offset, a 16-entry code per tensor; the 256-entry dynamic map is shared; other tensors in float16; \`lm_head\` kept`,
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
})

/** The bit widths hqq's `Quantizer` supports, with how many values its packing puts in how many bytes. */
const HQQ_PACKING: ReadonlyMap<number, { values: bigint; bytes: bigint }> = new Map([
  [8, { values: 1n, bytes: 1n }],
  [6, { values: 1n, bytes: 1n }],
  [5, { values: 1n, bytes: 1n }],
  [4, { values: 2n, bytes: 1n }],
  [3, { values: 10n, bytes: 4n }],
  [2, { values: 4n, bytes: 1n }],
  [1.58, { values: 4n, bytes: 1n }],
  [1, { values: 8n, bytes: 1n }],
])

/**
 * HQQ (`hqq.core.quantize.BaseQuantizeConfig(nbits, group_size)`, `axis=1`, scale and zero not quantised): the weight
 * viewed as rows of `group_size`, the rows packed along their length (`4bit_u8` two to a byte, `3bit_32` ten to an
 * int32, `2bit_u8` four, `1bit_u8` eight; 5, 6 and 8 bits one byte each), and a float16 scale and zero per row
 * (group). transformers' `HqqConfig` replaces every linear layer but `lm_head` (`skip_modules`).
 */
function hqq(nbits: number, groupSize: number): WeightFormat {
  const packing = HQQ_PACKING.get(nbits)!
  const g = BigInt(groupSize)
  const id = `hqq-${nbits}bit-g${groupSize}`
  return {
    id,
    aliases: nbits === 4 && groupSize === 64 ? ['hqq', 'hqq-4bit'] : [],
    description: `HQQ ${nbits}-bit, group size ${groupSize} (hqq \`HQQLinear\`, \`axis=1\`): packed \`W_q\` and a float16 \`scale\` and \`zero\` per group of ${groupSize}; linear layers but \`lm_head\`; other tensors in float16`,
    bitsPerWeight: String((Number(packing.bytes) * 8) / Number(packing.values) + 32 / groupSize),
    appliesTo: 'linear',
    otherDType: 'float16',
    tensorBytes: (t) => {
      const groups = ceilDiv(numel(t.shape), g)
      return ceilDiv(groups, packing.values) * g * packing.bytes + groups * 4n
    },
    sharedBytes: 0n,
    source: 'https://github.com/mobiusml/hqq/blob/master/hqq/core/quantize.py (Quantizer.quantize, hqq_base_quant_config: nbits 4, group_size 64, axis 1) and hqq/core/bitpack.py',
  }
}

/** exllamav2's `qparams_headoptions[6]` (the default `-hb 6`): groups of 128 input rows, 15% at 8 bits then 6, 4-bit scales. */
const EXL2_HEAD = { groupSize: 128n, bits: [8n, 6n], percent: [15n, 85n], scaleBits: 4n }

/**
 * Bits exllamav2 stores for one linear layer under fixed quantisation parameters (`QParams.total_bits`, rows = input
 * features): the weights of each bit width, 16 + 32 bits of `q_scale_max` and `q_groups` per group, `scale_bits` per
 * group and output column (`q_scale`), 32 per input row (`q_invperm`).
 */
function exl2HeadBits(inFeatures: bigint, out: bigint): bigint {
  const { groupSize, bits, percent, scaleBits } = EXL2_HEAD
  // `math.ceil(min(rows * p, remaining_rows) / gsz)`, in hundredths so that it stays exact (Python's ceil: toward +∞)
  const ceilSigned = (a: bigint, b: bigint): bigint => (a >= 0n ? (a + b - 1n) / b : a / b)
  let remaining = inFeatures
  const perWidth: bigint[] = []
  for (const p of percent) {
    const wanted = inFeatures * p < remaining * 100n ? inFeatures * p : remaining * 100n
    const g = ceilSigned(wanted, 100n * groupSize)
    perWidth.push(g)
    remaining -= g * groupSize
  }
  const groups = perWidth.reduce((a, g) => a + g, 0n)
  let left = inFeatures
  let total = 0n
  perWidth.forEach((g, i) => {
    const r = g * groupSize > left ? left : g * groupSize
    left -= r
    total += r * out * bits[i]!
  })
  return total + groups * 16n + groups * 32n + groups * out * scaleBits + inFeatures * 32n
}

const EXL2_NAME = /^exl2[-_:]?(\d{1,2}(?:\.\d{1,4})?)(?:-?bpw)?$/

/**
 * EXL2 at an average of `bpw` bits per weight (exllamav2's `-b`): the linear layers of the decoder blocks take
 * ⌈elements × bpw / 8⌉ bytes — the bpw is exllamav2's own budget, which counts the scales, groups and permutation it
 * stores, and mixes bit widths per layer to meet it, so per-tensor figures are approximate while the total is what the
 * budget allows; `lm_head` at the default `-hb 6` (8/6-bit mix, ≈ 6.3 bits, computed exactly); embeddings and norms
 * in float16.
 */
function exl2(bpwText: string): WeightFormat {
  const [whole, fraction = ''] = bpwText.split('.')
  const scale = 10n ** BigInt(fraction.length)
  // bpw × 10^(its decimals), so that bytes stay exact: 4.65 → 465 / 100
  const scaledBits = BigInt(whole!) * scale + BigInt(fraction === '' ? '0' : fraction)
  const bpw = Number(bpwText)
  if (!(bpw >= 2 && bpw <= 8)) throw new NnsizeError('option', `EXL2 takes an average of 2 to 8 bits per weight, got \`${bpwText}\`: write it as \`exl2-4.65bpw\` or \`exl2:4.65\`.`, { suggestions: ['exl2-4.0bpw', 'exl2-4.65bpw', 'exl2-6.0bpw'] })
  const canonical = fraction === '' ? `${whole}.0` : `${whole}.${fraction}`
  return {
    id: `exl2-${canonical}bpw`,
    aliases: [],
    description: `EXL2 at ${canonical} bits per weight on average (exllamav2): the linear layers of the decoder blocks in ⌈elements × ${canonical} / 8⌉ bytes, scales and permutations included (the mix of 2- to 8-bit groups per layer is chosen by the quantiser, so each tensor's figure is approximate); \`lm_head\` at the default 6-bit head (8/6-bit mix, ≈ 6.3 bits); embeddings and norms in float16`,
    bitsPerWeight: `≈ ${canonical}`,
    appliesTo: 'linear',
    quantisesHead: true,
    otherDType: 'float16',
    tensorBytes: (t) => {
      const [out, inFeatures] = linearShape(t)
      if (LM_HEAD.test(t.name)) return ceilDiv(exl2HeadBits(inFeatures, out), 8n)
      return ceilDiv(numel(t.shape) * scaledBits, scale * 8n)
    },
    sharedBytes: 0n,
    source: 'https://github.com/turboderp-org/exllamav2/blob/master/exllamav2/conversion/qparams.py (QParams.total_bits, qparams_headoptions) and optimize.py (weight_budget = numel × target bpw)',
  }
}

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
  bnb4('nf4', ['bnb-nf4', '4bit'], 'NF4'),
  bnb4('bnb-fp4', [], 'FP4'),
  bnb4dq('nf4-dq', ['qlora', 'nf4-double-quant', 'bnb-nf4-dq'], 'NF4'),
  bnb4dq('bnb-fp4-dq', ['fp4-dq'], 'FP4'),
  {
    id: 'awq',
    aliases: ['awq-int4', 'awq-g128', 'autoawq'],
    description: 'AWQ 4-bit, group size 128 (AutoAWQ `WQLinear_GEMM`): `qweight` in × out/8 int32, `qzeros` in/128 × out/8 int32 and float16 `scales` in/128 × out per linear layer of the decoder blocks; embeddings, norms, biases and `lm_head` in float16',
    bitsPerWeight: '4.15625',
    appliesTo: 'linear',
    otherDType: 'float16',
    tensorBytes: (t) => {
      const [out, inFeatures] = linearShape(t)
      const groups = ceilDiv(inFeatures, 128n)
      const packedOut = ceilDiv(out, 8n) * 4n
      return inFeatures * packedOut + groups * packedOut + groups * out * 2n
    },
    sharedBytes: 0n,
    source: 'https://github.com/casper-hansen/AutoAWQ/blob/main/awq/modules/linear/gemm.py (WQLinear_GEMM buffers; w_bit 4, group_size 128)',
  },
  {
    id: 'mxfp4',
    aliases: ['ocp-mxfp4', 'mx-fp4'],
    description: 'OCP MXFP4: FP4 (E2M1) weights, two per byte, and one E8M0 (8-bit) scale per block of 32 along each row; in a mixture of experts only the expert weights (as transformers\' `Mxfp4Config` and the gpt-oss checkpoints), otherwise the weights of linear layers; everything else, `lm_head` included, in bfloat16',
    bitsPerWeight: '4.25',
    appliesTo: 'experts',
    otherDType: 'bfloat16',
    tensorBytes: (t) => {
      const [rows, row] = rowsOf(t)
      return rows * ceilDiv(row, 32n) * 17n
    },
    sharedBytes: 0n,
    source: 'OCP Microscaling Formats (MX) v1.0 specification, section 5 (MXFP4: k = 32, E8M0 scale, E2M1 elements); transformers quantizer_mxfp4.py (`*_blocks` uint8, `*_scales` uint8)',
  },
  {
    id: 'nvfp4',
    aliases: ['modelopt-nvfp4', 'nv-fp4'],
    description: 'NVIDIA NVFP4 (TensorRT Model Optimizer): FP4 (E2M1) weights, two per byte, one FP8 (E4M3) `weight_scale` per block of 16 along each row, and per tensor a float32 `weight_scale_2` and the activations\' float32 `input_scale`; the weights of linear layers except `lm_head` and MoE routers; everything else in bfloat16',
    bitsPerWeight: '4.5',
    appliesTo: 'linear',
    keeps: /(^|\.)(router|gate)\.weight$/,
    otherDType: 'bfloat16',
    tensorBytes: (t) => {
      const [rows, row] = rowsOf(t)
      return ceilDiv(numel(t.shape), 2n) + rows * ceilDiv(row, 16n) + 4n + 4n
    },
    sharedBytes: 0n,
    source: 'https://developer.nvidia.com/blog/introducing-nvfp4-for-efficient-and-accurate-low-precision-inference/ (E2M1, FP8 E4M3 scale per 16 values, FP32 per-tensor scale); vLLM modelopt.py (weight, weight_scale, weight_scale_2, input_scale)',
  },
  hqq(4, 64),
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
  gguf('MXFP4', 32, 17, 'gguf-mxfp4'),
]

const HQQ_NAME = /^hqq[-_:]?(\d(?:\.58)?)(?:-?bits?)?(?:[-_:]g?(\d{1,7}))?$/

/** Every accepted weight-format name. */
export const weightFormatNames: readonly string[] = [...weightFormats.map((f) => f.id), ...weightFormats.flatMap((f) => f.aliases)]

/** Finds a weight format by id or alias (`q4_k`, `Q4_K`, `nf4-dq`, `int8`). */
export function findWeightFormat(name: string): WeightFormat {
  const key = name.trim().toLowerCase()
  const format = weightFormats.find((f) => f.id === key || f.aliases.includes(key))
  if (format) return format
  if (key === 'fp4' || key === 'float4') {
    throw new NnsizeError('option', `\`${name}\` is ambiguous: \`bnb-fp4\` (bitsandbytes FP4, 4.5 bits per weight), \`mxfp4\` (OCP MX, 4.25 bits) or \`nvfp4\` (NVIDIA, 4.5 bits + two float32 scales per tensor).`, { suggestions: ['bnb-fp4', 'mxfp4', 'nvfp4'] })
  }
  const exl2Match = EXL2_NAME.exec(key)
  if (exl2Match) return exl2(exl2Match[1]!)
  const hqqMatch = HQQ_NAME.exec(key)
  if (hqqMatch) {
    const nbits = Number(hqqMatch[1])
    const groupSize = hqqMatch[2] === undefined ? 64 : Number(hqqMatch[2])
    if (!HQQ_PACKING.has(nbits)) throw new NnsizeError('option', `HQQ takes ${[...HQQ_PACKING.keys()].join(', ')} bits, got \`${hqqMatch[1]}\` in \`${name}\`.`, { suggestions: ['hqq-4bit-g64'] })
    if (!(groupSize >= 8 && groupSize % 8 === 0 && groupSize <= 1_048_576)) throw new NnsizeError('option', `HQQ's group size must be a multiple of 8 (hqq's check), got \`${hqqMatch[2]}\` in \`${name}\`.`, { suggestions: ['hqq-4bit-g64'] })
    return hqq(nbits, groupSize)
  }
  const suggestions = suggest(key, weightFormatNames)
  throw new NnsizeError('option', `Unknown weight format \`${name}\`.${didYouMean(suggestions)} Known: ${weightFormats.map((f) => `\`${f.id}\``).join(', ')}.`, { suggestions })
}

/** Whether `format` quantises this tensor (others keep `otherDType`). */
export function quantises(format: WeightFormat, t: WeightTensor, hasExperts = false): boolean {
  if (!isFloatingDType(t.dtype)) return false
  if (format.appliesTo === 'float') return true
  if (t.kind !== 'parameter' || t.shape.length < 2) return false
  if (format.appliesTo === 'matrices') return true
  if (format.appliesTo === 'experts' && hasExperts) return isExpertWeight(t)
  if (format.keeps?.test(t.name)) return false
  return LINEAR_TYPES.has(t.moduleType ?? '') && (t.name === 'weight' || t.name.endsWith('.weight')) && (format.quantisesHead === true || !LM_HEAD.test(t.name))
}

/** Bytes of the model's tensors stored in `format`, with the count of quantised tensors and elements. */
export function weightBytes(tensors: readonly WeightTensor[], format: WeightFormat): { bytes: bigint; quantisedBytes: bigint; quantisedElements: bigint; quantisedTensors: number; otherBytes: bigint; otherElements: bigint } {
  let quantisedBytes = 0n
  let quantisedElements = 0n
  let quantisedTensors = 0
  let otherBytes = 0n
  let otherElements = 0n
  const hasExperts = format.appliesTo === 'experts' && tensors.some(isExpertWeight)
  for (const t of tensors) {
    if (quantises(format, t, hasExperts)) {
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
