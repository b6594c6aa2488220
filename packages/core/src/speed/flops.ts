import type { Analysis } from '../analyze.js'
import type { TransformerShape } from '../zoo/hf/transformer-shape.js'

/**
 * The N of "6N" for a model read from a config: the parameters a token's matrix multiplies use. It is the model's
 * parameters (for a mixture of experts, those one token is routed through) without the input lookup tables (token
 * and position embeddings: an index, not a multiply), without the one-dimensional parameters (norm weights and
 * biases: element-wise, not multiplies), with the output head's matrix counted when it is tied to the input
 * embedding (the head still multiplies by it). 6N is then what `torch.utils.flop_counter` counts for the matrix
 * multiplies of a training step, per token.
 */
export interface FlopParams {
  /** N. */
  params: bigint
  /** The model's parameters, or those one token uses in a mixture of experts. */
  modelParams: bigint
  /** True when `modelParams` is a mixture of experts' active parameters per token. */
  activePerToken: boolean
  /** Input lookup tables left out: the `embeddings` part of the breakdown. */
  embeddingParams: bigint
  /** One-dimensional parameters left out: norm weights and biases. */
  vectorParams: bigint
  /** The tied output head counted back: vocab × hidden (0 when the head has its own weight, or there is none). */
  tiedHeadParams: bigint
}

/** The {@link FlopParams} of a config or catalogue model, or null for any other analysis. */
export function flopParamsOf(analysis: Analysis): FlopParams | null {
  const model = analysis.model
  if (model === undefined) return null
  const active = model.activeParamsPerToken
  const modelParams = active ?? analysis.params.total
  const embeddingParams = model.breakdown['embeddings'] ?? 0n
  const shape = model.transformer
  const tiedHeadParams = model.tiedEmbeddings && shape !== undefined && shape.lmHead ? BigInt(shape.vocab) * BigInt(shape.hidden) : 0n
  let vectorParams = 0n
  for (const t of analysis.tensors) if (t.kind === 'parameter' && t.shape.length === 1) vectorParams += t.elementCount
  return { params: modelParams - embeddingParams - vectorParams + tiedHeadParams, modelParams, activePerToken: active !== null, embeddingParams, vectorParams, tiedHeadParams }
}

/** Training FLOPs of one token of a config model: 6N for the matrix multiplies, 12·L·H·Q·T for attention (PaLM, appendix B). */
export interface ConfigTrainingFlops {
  kind: 'config'
  n: FlopParams
  layers: number
  /** Query heads H and elements per head Q. */
  heads: number
  headDim: number
  /** Tokens per sequence T; null when no `seq` was given (the attention term is then not counted). */
  seq: number | null
  /** 6 × N: 2 FLOPs per multiply-add forward, twice that backward (the gradients of the inputs and of the weights). */
  matmulFlops: bigint
  /** 12 × L × H × Q × T: QKᵀ and the attention-weighted values, forward and backward, over the whole T × T score matrix. */
  attentionFlops: bigint | null
  /** FLOPs per token: the two terms added. */
  flopsPerToken: bigint
}

/** Training FLOPs of a traced forward pass: 2 × the traced forward MACs, and 2 × the traced backward MACs. */
export interface TracedTrainingFlops {
  kind: 'traced'
  forwardMacs: bigint
  backwardMacs: bigint
  /** 2 × forward MACs + 2 × backward MACs: one training step on the traced input. */
  stepFlops: bigint
  /** Samples in the traced input (its first dimension). */
  samples: number
  /** Tokens per sample when the input is token ids (an integer `[batch, tokens]` tensor); else null. */
  tokensPerSample: number | null
}

/** Where the training FLOPs of a model come from. */
export type TrainingFlops = ConfigTrainingFlops | TracedTrainingFlops

/** `6N + 12·L·H·Q·T` for a config model's transformer shape; `seq` null leaves the attention term out. */
export function configTrainingFlops(n: FlopParams, shape: Pick<TransformerShape, 'layers' | 'heads' | 'headDim'>, seq: number | null): ConfigTrainingFlops {
  const matmulFlops = 6n * n.params
  const attentionFlops = seq === null ? null : 12n * BigInt(shape.layers) * BigInt(shape.heads) * BigInt(shape.headDim) * BigInt(seq)
  return { kind: 'config', n, layers: shape.layers, heads: shape.heads, headDim: shape.headDim, seq, matmulFlops, attentionFlops, flopsPerToken: matmulFlops + (attentionFlops ?? 0n) }
}

/** Training FLOPs from the traced forward pass of an analysis with an input, or null without one. */
export function tracedTrainingFlops(analysis: Analysis): TracedTrainingFlops | null {
  const f = analysis.forward
  if (f === undefined) return null
  const input = f.inputs[0]
  const samples = input !== undefined && input.shape.length > 0 && input.shape[0]! > 0 ? input.shape[0]! : 1
  const tokenIds = input !== undefined && input.shape.length === 2 && (input.dtype === 'int64' || input.dtype === 'int32')
  return { kind: 'traced', forwardMacs: f.macs, backwardMacs: f.backwardMacs, stepFlops: 2n * f.macs + 2n * f.backwardMacs, samples, tokensPerSample: tokenIds ? input.shape[1]! : null }
}

/** Total training FLOPs for `tokens` tokens: exact when the tokens divide into whole steps of a traced model (`exact`). */
export function totalTrainingFlops(flops: TrainingFlops, tokens: bigint): { flops: bigint; exact: boolean } | null {
  if (flops.kind === 'config') return { flops: flops.flopsPerToken * tokens, exact: true }
  if (flops.tokensPerSample === null) return null
  const tokensPerStep = BigInt(flops.samples) * BigInt(flops.tokensPerSample)
  const product = flops.stepFlops * tokens
  return { flops: product / tokensPerStep, exact: product % tokensPerStep === 0n }
}

/**
 * Model FLOPs utilisation as PaLM defines it (Chowdhery et al. 2022, appendix B): the model's FLOPs per token times
 * the tokens per second observed, over the peak FLOP/s of every chip together.
 */
export function modelFlopsUtilization(tokensPerSecond: number, flopsPerToken: bigint, chips: number, peakTflopsPerChip: number): number {
  return (tokensPerSecond * Number(flopsPerToken)) / (chips * peakTflopsPerChip * 1e12)
}
