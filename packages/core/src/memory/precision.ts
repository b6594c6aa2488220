import { NnsizeError } from '../errors.js'
import { didYouMean, suggest } from '../suggest.js'
import { dtypeBytes } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'

/** How a training run holds weights, gradients, optimizer state and activations. */
export interface PrecisionMode {
  id: string
  aliases: readonly string[]
  description: string
  /** Dtype of the floating-point parameters as held on the device; `null`: as the model builds them. */
  weightDType: DType | null
  /** Dtype of the gradients; `null`: the parameter's dtype. */
  gradDType: DType | null
  /** Dtype of the parameters the optimizer steps (its state follows it); `null`: the parameter's dtype. */
  optimizerDType: DType | null
  /** A float32 master copy of every trainable parameter is kept with the optimizer state. */
  masterWeights: boolean
  /** Extra per-trainable-parameter copy kept during forward and backward (autocast's weight cache, FP8 weights). */
  weightCopyDType: DType | null
  /** Bytes per element of floating-point activations; `null`: as traced (float32 inputs give float32 activations). */
  activationBytes: number | null
  source: string
}

/** Training precision modes. `auto` keeps every tensor in the dtype the model was built with. */
export const precisionModes: readonly PrecisionMode[] = [
  {
    id: 'auto',
    aliases: ['native', 'default'],
    description: 'every tensor in the dtype the model is built with (float32 unless a layer says `dtype=`)',
    weightDType: null,
    gradDType: null,
    optimizerDType: null,
    masterWeights: false,
    weightCopyDType: null,
    activationBytes: null,
    source: 'PyTorch defaults',
  },
  {
    id: 'fp32',
    aliases: ['32', '32-true', 'float32', 'full'],
    description: 'float32 weights, gradients, optimizer state and activations',
    weightDType: 'float32',
    gradDType: 'float32',
    optimizerDType: 'float32',
    masterWeights: false,
    weightCopyDType: null,
    activationBytes: 4,
    source: 'PyTorch defaults',
  },
  {
    id: 'amp-fp16',
    aliases: ['fp16-mixed', '16-mixed', 'fp16-amp', 'amp', 'autocast-fp16'],
    description: 'torch.autocast(float16) with a GradScaler, as Lightning\'s `16-mixed`/`fp16-mixed` and Accelerate\'s `fp16`: float32 weights, gradients and optimizer state; float16 activations and a cached float16 copy of every trainable weight',
    weightDType: 'float32',
    gradDType: 'float32',
    optimizerDType: 'float32',
    masterWeights: false,
    weightCopyDType: 'float16',
    activationBytes: 2,
    source: 'https://pytorch.org/docs/stable/amp.html (autocast caches casts of leaf tensors that require grad inside an autocast region)',
  },
  {
    id: 'amp-bf16',
    aliases: ['bf16-mixed', 'bf16-amp', 'autocast-bf16'],
    description: 'torch.autocast(bfloat16), as Lightning\'s `bf16-mixed` and Accelerate\'s `bf16`: float32 weights, gradients and optimizer state; bfloat16 activations and a cached bfloat16 copy of every trainable weight',
    weightDType: 'float32',
    gradDType: 'float32',
    optimizerDType: 'float32',
    masterWeights: false,
    weightCopyDType: 'bfloat16',
    activationBytes: 2,
    source: 'https://pytorch.org/docs/stable/amp.html',
  },
  {
    id: 'fp16',
    aliases: ['16-true', 'fp16-true', 'half', 'float16'],
    description: 'pure float16: `model.half()`; weights, gradients, optimizer state and activations in float16',
    weightDType: 'float16',
    gradDType: 'float16',
    optimizerDType: 'float16',
    masterWeights: false,
    weightCopyDType: null,
    activationBytes: 2,
    source: 'torch.optim keeps state in the parameter dtype',
  },
  {
    id: 'bf16',
    aliases: ['bf16-true', 'bfloat16'],
    description: 'pure bfloat16: `model.to(torch.bfloat16)`; weights, gradients, optimizer state and activations in bfloat16',
    weightDType: 'bfloat16',
    gradDType: 'bfloat16',
    optimizerDType: 'bfloat16',
    masterWeights: false,
    weightCopyDType: null,
    activationBytes: 2,
    source: 'torch.optim keeps state in the parameter dtype',
  },
  {
    id: 'mixed-fp16',
    aliases: ['fp16-master', 'zero-fp16', 'deepspeed-fp16', 'megatron-fp16'],
    description: 'mixed precision as ZeRO and Megatron count it: float16 weights and gradients, the optimizer steps float32 master weights (2 + 2 + 4 + state bytes per parameter; 16 with Adam); the dtype comes second, unlike Lightning\'s `16-mixed`, which is `amp-fp16`',
    weightDType: 'float16',
    gradDType: 'float16',
    optimizerDType: 'float32',
    masterWeights: true,
    weightCopyDType: null,
    activationBytes: 2,
    source: 'Rajbhandari et al., ZeRO (arXiv:1910.02054), section 3.1',
  },
  {
    id: 'mixed-bf16',
    aliases: ['bf16-master', 'zero-bf16', 'deepspeed-bf16', 'megatron-bf16'],
    description: 'as `mixed-fp16` with bfloat16 weights and gradients and float32 master weights (DeepSpeed `bf16`, Megatron `--bf16`); not Lightning\'s `bf16-mixed`, which is `amp-bf16`',
    weightDType: 'bfloat16',
    gradDType: 'bfloat16',
    optimizerDType: 'float32',
    masterWeights: true,
    weightCopyDType: null,
    activationBytes: 2,
    source: 'Rajbhandari et al., ZeRO (arXiv:1910.02054), section 3.1',
  },
  {
    id: 'fp8',
    aliases: ['fp8-mixed', 'transformer-engine', 'te-fp8'],
    description: 'FP8 training (Transformer Engine): bfloat16 weights and gradients, float32 master weights and optimizer state, plus an FP8 copy of every trainable weight; activations counted at 2 bytes (FP8 GEMM inputs take 1, so this is an upper bound)',
    weightDType: 'bfloat16',
    gradDType: 'bfloat16',
    optimizerDType: 'float32',
    masterWeights: true,
    weightCopyDType: 'float8_e4m3fn',
    activationBytes: 2,
    source: 'https://docs.nvidia.com/deeplearning/transformer-engine/user-guide/examples/fp8_primer.html',
  },
]

/**
 * Bytes per trainable parameter a precision mode holds besides the optimizer's own state: its weights, gradients,
 * float32 master copy and autocast/FP8 weight copy; and the bytes of one element of optimizer state. `null` where the
 * mode keeps the dtype the model is built in (`auto`).
 */
export interface PrecisionBytes {
  weights: number | null
  gradients: number | null
  /** The float32 master copy the optimizer steps (`mixed-*`, `fp8`): 4, else 0. */
  masterWeights: number
  /** Autocast's cached cast or the FP8 copy of each trainable weight: its bytes, else 0. */
  weightCopy: number
  /** Weights + gradients + master copy + weight copy. */
  perParameter: number | null
  /** Bytes of one element of optimizer state (Adam keeps two per parameter: `exp_avg`, `exp_avg_sq`). */
  optimizerElement: number | null
}

const bytesOf = (d: DType | null): number | null => (d === null ? null : dtypeBytes[d])

/** The bytes per trainable parameter `mode` holds (see {@link PrecisionBytes}), derived from its dtypes. */
export function precisionBytes(mode: PrecisionMode): PrecisionBytes {
  const weights = bytesOf(mode.weightDType)
  const gradients = bytesOf(mode.gradDType ?? mode.weightDType)
  const masterWeights = mode.masterWeights ? dtypeBytes.float32 : 0
  const weightCopy = bytesOf(mode.weightCopyDType) ?? 0
  const perParameter = weights === null || gradients === null ? null : weights + gradients + masterWeights + weightCopy
  return { weights, gradients, masterWeights, weightCopy, perParameter, optimizerElement: bytesOf(mode.optimizerDType) }
}

/** Every accepted precision name (ids, then aliases). */
export const precisionNames: readonly string[] = [...precisionModes.map((m) => m.id), ...precisionModes.flatMap((m) => m.aliases)]

/** Finds a precision mode by id or alias (`bf16-mixed` is `amp-bf16`, Lightning's name). */
export function findPrecision(name: string): PrecisionMode {
  // `bf16_mixed` as `bf16-mixed`
  const key = name.trim().toLowerCase().replace(/_/g, '-')
  const mode = precisionModes.find((m) => m.id === key || m.aliases.includes(key))
  if (mode) return mode
  const suggestions = suggest(key, precisionNames)
  throw new NnsizeError('option', `Unknown precision \`${name}\`.${didYouMean(suggestions)} Known: ${precisionModes.map((m) => `\`${m.id}\``).join(', ')}.`, { suggestions })
}
