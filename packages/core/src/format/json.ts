import type { Analysis } from '../analyze.js'
import type { ParamCounts, BufferCounts } from '../count/count.js'
import type { DType } from '../tensor/dtype.js'
import { jsonInteger } from './number.js'
import { formatFormula } from './formula.js'
import type { KVCacheInfo, ModelInfo, StateCacheInfo } from '../zoo/hf/model.js'
import type { CheckpointDType } from '../zoo/hf/dtype.js'

/** An exact integer in JSON: a number up to 2^53 − 1, a decimal string above. */
export type JSONInteger = number | string

/** Activation memory figures in JSON. */
export interface ActivationsJSON {
  savedBytes: JSONInteger
  savedBytesWithInput: JSONInteger
  inferencePeakBytes: JSONInteger
}

/** The stable JSON form of an {@link Analysis}, as `nnsize --json` prints it. */
export interface AnalysisJSON {
  input: string
  module: string
  params: { total: JSONInteger; trainable: JSONInteger; frozen: JSONInteger; bytes: JSONInteger; trainableBytes: JSONInteger; frozenBytes: JSONInteger }
  buffers: { total: JSONInteger; bytes: JSONInteger }
  formula: string
  tensors: Array<{ name: string; kind: 'parameter' | 'buffer'; shape: number[]; dtype: DType; trainable: boolean; persistent?: boolean; elements: JSONInteger; bytes: JSONInteger }>
  modules: Array<{
    path: string
    type: string
    depth: number
    params: JSONInteger
    trainableParams: JSONInteger
    buffers: JSONInteger
    outputShape?: number[] | undefined
    macs?: JSONInteger
    flops?: JSONInteger
    activations?: { savedBytes: JSONInteger }
  }>
  inputShapes?: number[][]
  device?: string
  outputShape?: number[]
  /** When the output is not one bare tensor: the shapes of all its tensors in order, and its structure (`(T, None)`). */
  outputShapes?: number[][]
  outputStructure?: string
  /** For Python source whose `forward` stopped at something unsupported: where and why (the counts still stand). */
  forwardNote?: { code: string; message: string; file?: string; line?: number; column?: number }
  /** What the analysis said beside its figures, as the text report lists them: what a model file printed, what it could not count (a module of a library nnsize does not read), why the forward pass was not traced. */
  notes?: string[]
  macs?: JSONInteger
  flops?: JSONInteger
  /** The backward pass's compute. */
  backward?: { macs: JSONInteger; flops: JSONInteger }
  /** FLOPs as `torch.utils.flop_counter.FlopCounterMode` counts them: only ops with a formula, by ATen op. */
  flopCounter?: { total: JSONInteger; byOp: Record<string, JSONInteger> }
  activations?: ActivationsJSON
  /** Hugging Face configs and catalogue models only. */
  model?: ModelJSON
}

/** The JSON form of {@link ModelInfo}: exact integers as {@link JSONInteger}. */
export interface ModelJSON {
  family: string
  modelType: string
  architecture: string
  checkpoint?: string
  tiedEmbeddings: boolean
  paramsUntied: JSONInteger
  activeParamsPerToken: JSONInteger | null
  breakdown: Record<string, JSONInteger>
  kvCache: (Omit<KVCacheInfo, 'bytesPerTokenFp16'> & { bytesPerTokenFp16: JSONInteger | null }) | null
  kvCacheNote: string
  stateCache: (Omit<StateCacheInfo, 'bytesPerSequenceFp16'> & { bytesPerSequenceFp16: JSONInteger }) | null
  dtype: CheckpointDType
  notes: string[]
}

function modelJSON(m: ModelInfo): ModelJSON {
  return {
    family: m.family,
    modelType: m.modelType,
    architecture: m.architecture,
    ...(m.checkpoint !== undefined ? { checkpoint: m.checkpoint } : {}),
    tiedEmbeddings: m.tiedEmbeddings,
    paramsUntied: jsonInteger(m.paramsUntied),
    activeParamsPerToken: m.activeParamsPerToken === null ? null : jsonInteger(m.activeParamsPerToken),
    breakdown: Object.fromEntries(Object.entries(m.breakdown).map(([k, v]) => [k, jsonInteger(v)])),
    kvCache: m.kvCache === null ? null : { ...m.kvCache, bytesPerTokenFp16: m.kvCache.bytesPerTokenFp16 === null ? null : jsonInteger(m.kvCache.bytesPerTokenFp16) },
    kvCacheNote: m.kvCacheNote,
    stateCache: m.stateCache === null ? null : { ...m.stateCache, bytesPerSequenceFp16: jsonInteger(m.stateCache.bytesPerSequenceFp16) },
    dtype: { ...m.dtype },
    notes: [...m.notes],
  }
}

function params(p: ParamCounts): AnalysisJSON['params'] {
  return {
    total: jsonInteger(p.total),
    trainable: jsonInteger(p.trainable),
    frozen: jsonInteger(p.frozen),
    bytes: jsonInteger(p.bytes),
    trainableBytes: jsonInteger(p.trainableBytes),
    frozenBytes: jsonInteger(p.frozenBytes),
  }
}

function buffers(b: BufferCounts): AnalysisJSON['buffers'] {
  return { total: jsonInteger(b.total), bytes: jsonInteger(b.bytes) }
}

/** Converts an analysis to plain JSON-safe data: exact integers above 2^53 − 1 become decimal strings. */
export function analysisToJSON(analysis: Analysis): AnalysisJSON {
  const forward = analysis.forward
  const stats = new Map(forward?.modules.map((s) => [s.module, s]) ?? [])
  const json: AnalysisJSON = {
    input: analysis.input,
    module: analysis.module,
    params: params(analysis.params),
    buffers: buffers(analysis.buffers),
    formula: formatFormula(analysis).text,
    tensors: analysis.tensors.map((t) => ({
      name: t.name,
      kind: t.kind,
      shape: t.shape,
      dtype: t.dtype,
      trainable: t.trainable,
      ...(t.kind === 'buffer' ? { persistent: t.persistent } : {}),
      elements: jsonInteger(t.elementCount),
      bytes: jsonInteger(t.bytes),
    })),
    modules: analysis.modules.map((m) => {
      const s = stats.get(m.node)
      return {
        path: m.path,
        type: m.type,
        depth: m.depth,
        params: jsonInteger(m.params.total),
        trainableParams: jsonInteger(m.params.trainable),
        buffers: jsonInteger(m.buffers.total),
        ...(s ? { outputShape: s.outputShape, macs: jsonInteger(s.macs), flops: jsonInteger(2n * s.macs), activations: { savedBytes: jsonInteger(s.savedBytes) } } : {}),
      }
    }),
  }
  if (forward) {
    json.inputShapes = forward.inputs.map((i) => i.shape)
    json.device = forward.device
    json.outputShape = [...(forward.outputs[0]?.shape ?? [])]
    if (forward.outputShapes.length !== 1 || (forward.outputStructure ?? 'T') !== 'T') {
      json.outputShapes = forward.outputShapes
      if (forward.outputStructure !== undefined) json.outputStructure = forward.outputStructure
    }
    json.macs = jsonInteger(forward.macs)
    json.flops = jsonInteger(2n * forward.macs)
    json.backward = { macs: jsonInteger(forward.backwardMacs), flops: jsonInteger(2n * forward.backwardMacs) }
    json.flopCounter = { total: jsonInteger(forward.flopCounter.total), byOp: Object.fromEntries(Object.entries(forward.flopCounter.byOp).map(([op, n]) => [op, jsonInteger(n)])) }
    json.activations = {
      savedBytes: jsonInteger(forward.savedBytes),
      savedBytesWithInput: jsonInteger(forward.savedBytesWithInput),
      inferencePeakBytes: jsonInteger(forward.inferencePeakBytes),
    }
  }
  if (analysis.forwardNote) json.forwardNote = { ...analysis.forwardNote }
  if (analysis.notes !== undefined && analysis.notes.length > 0) json.notes = [...analysis.notes]
  if (analysis.model) json.model = modelJSON(analysis.model)
  return json
}
