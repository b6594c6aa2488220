import { formatBytes, formatBytesAlike } from '../format/bytes.js'
import { formatCount } from '../format/number.js'
import type { CheckpointBasis, DTypeCount, EmptyReason, KvCacheBasis, MemoryLine, StateCacheBasis, WeightExtra } from '../memory/basis.js'
import { dtypeBytes } from '../tensor/dtype.js'
import { formatShape } from '../tensor/shape.js'
import { memoryLineNouns } from './words.js'
import type { TransformerActivations, TransformerInference, TransformerLayerTerms } from '../memory/transformer-activations.js'
import type { PresentOptions } from './words.js'

const EMPTY: Readonly<Record<EmptyReason, string>> = {
  'inference-gradients': 'inference: no gradients',
  'inference-optimizer': 'inference: no optimizer state',
  'training-kv-cache': 'training: no KV cache',
  'no-kv-cache-shape': 'no KV cache described (give layers, KV heads and head dim, and a context length)',
  'no-context-length': 'not counted: no context length given',
  'nothing-gathered': 'nothing is gathered: one shard holds every parameter',
  'not-sharded': 'parameters are not sharded',
  'no-step-gradients': 'no float32 gradient partition: the optimizer steps the gradients as they are',
}

/** `1,000 × 4 B (float32) + 24 × 2 B (bfloat16)`, or `0`. */
function byDType(parts: readonly DTypeCount[]): string {
  return parts.length === 0 ? '0' : parts.map((p) => (p.stored ? `${formatCount(p.elements)} in ${p.stored.type} (${formatCount(p.stored.bytes)} B as stored)` : `${formatCount(p.elements)} × ${dtypeBytes[p.dtype]} B (${p.dtype})`)).join(' + ')
}

const sumElements = (parts: readonly DTypeCount[]): bigint => parts.reduce((s, p) => s + p.elements, 0n)

function extra(e: WeightExtra): string {
  switch (e.kind) {
    case 'lora-adapters':
      return `LoRA adapters ${byDType(e.parts)}`
    case 'weight-copies':
      return `${e.reason === 'fp8' ? 'FP8' : 'autocast'} copies of trainable weights ${byDType(e.parts)}`
    case 'adapter-copies':
      return `autocast copies of the adapters ${byDType(e.parts)}`
  }
}

function checkpoint(c: CheckpointBasis, bytes: (b: bigint) => string): string {
  const saved = bytes(c.savedBytes)
  if (c.mode === 'none') return `${saved} saved for backward`
  if (c.mode === 'full') {
    if (c.blocks === null) return `${saved} saved for backward (no blocks to checkpoint)`
    const where = c.parent === '' ? 'the top level' : `\`${c.parent}\``
    const unit = c.leaves ? `${c.segments} checkpointed segments of the ${c.blocks} layers under ${where}` : `${c.segments} checkpointed blocks under ${where}`
    return `${saved} − ${bytes(c.insideBytes)} inside ${unit} + their inputs ${bytes(c.inputBytes)} + the largest recomputed ${bytes(c.largestBytes)}`
  }
  if (c.attentionModules === 0) return `${saved} saved for backward (no attention to recompute)`
  return `${saved} − ${bytes(c.droppedBytes)} recomputed inside ${c.attentionModules} attention module${c.attentionModules > 1 ? 's' : ''} (their inputs kept)`
}

/** `state of 6 layers × (conv 6,144 × 2 B + recurrent 24,576 × 4 B) × batch 4`. */
function stateCache(s: StateCacheBasis): string {
  return `state of ${formatCount(s.layers)} layers × (conv ${formatCount(s.convElements)} × ${s.convElementBytes} B + recurrent ${formatCount(s.recurrentElements)} × ${s.recurrentElementBytes} B) × batch ${formatCount(s.batch)}`
}

function kvCache(k: KvCacheBasis, dtype: string): string {
  const perToken = k.latentDim !== null ? `${formatCount(k.latentDim)} latent` : `2 (K, V) × ${formatCount(k.kvHeads)} KV heads × ${formatCount(k.headDim)} head dim`
  const layerTokens =
    k.windowLayers === 0
      ? `${formatCount(k.layers)} layers × ${formatCount(k.tokens)} tokens`
      : k.fullLayers === 0
        ? `${formatCount(k.layers)} layers × ${formatCount(k.windowTokens)} tokens (window ${formatCount(k.window ?? 0)})`
        : `(${formatCount(k.fullLayers)} layers × ${formatCount(k.tokens)} tokens + ${formatCount(k.windowLayers)} sliding-window layers × ${formatCount(k.windowTokens)} tokens)`
  return `${perToken} × ${k.elementBytes} B (${dtype}) × ${layerTokens} × batch ${formatCount(k.batch)}`
}

function layerTerms(l: TransformerLayerTerms, fb: (b: bigint) => string): string {
  const parts = [`norm inputs ${fb(l.norms)}`, `attention ${fb(l.attention)}`]
  if (l.scores > 0n) parts.push(`attention scores ${fb(l.scores)}`)
  parts.push(`MLP ${fb(l.mlp)}`)
  if (l.masks > 0n) parts.push(`dropout masks ${fb(l.masks)}`)
  return parts.join(' + ')
}

const tokens = (seq: number, batch: number, e: number): string => `${formatCount(seq)} tokens × batch ${formatCount(batch)}, ${e}-byte activations`
const kernel = (a: TransformerActivations['attention']): string => (a === 'sdpa' ? 'SDPA (flash) attention, no s² scores kept' : 'eager attention')

function transformerTraining(t: TransformerActivations, fb: (b: bigint) => string): string {
  const moe = t.dense === null ? '' : ' mixture-of-experts'
  const selective = (l: TransformerLayerTerms): string => (t.checkpointing === 'selective' && l.scores > 0n ? `, less the scores: selective checkpointing` : '')
  const dense = t.dense === null ? [] : [t.checkpointing === 'full' ? `${formatCount(t.dense.layers)} dense layers × their input ${fb(t.dense.keptPerLayer)}` : `${formatCount(t.dense.layers)} dense layers × ${fb(t.dense.keptPerLayer)} (${layerTerms(t.dense.layer, fb)}${selective(t.dense.layer)})`]
  const per =
    t.checkpointing === 'full'
      ? `${formatCount(t.layers)}${moe} layers × their input ${fb(t.keptPerLayer)} (full checkpointing) + ${dense.length > 0 ? `${dense[0]} + ` : ''}${t.dense === null ? 'one layer' : 'the largest layer'} recomputed ${fb(t.recompute)}${t.dense === null ? ` (${layerTerms(t.layer, fb)})` : ''}`
      : [`${formatCount(t.layers)}${moe} layers × ${fb(t.keptPerLayer)} (${layerTerms(t.layer, fb)}${selective(t.layer)})`, ...dense].join(' + ')
  const parts = [per, `token ids and embedding ${fb(t.embeddings)}`, `final norm and head inputs ${fb(t.output)}`]
  if (t.logits > 0n) parts.push(`logits ${fb(t.logits)}`, `float32 cross-entropy ${fb(t.loss)}`)
  return `${kernel(t.attention)}, ${tokens(t.seq, t.batch, t.elementBytes)}: ${parts.join(' + ')}`
}

function transformerInference(t: TransformerInference, fb: (b: bigint) => string): string {
  const p = t.prefill
  const logits = p.logits > 0n ? ` + last-position float32 logits ${fb(p.logits)}` : ''
  return `prefill peak, ${kernel(t.attention)}, ${tokens(t.seq, t.batch, t.elementBytes)}: residual ${fb(p.residual)} + one layer ${fb(p.layer.bytes)} (${layerTerms(p.layer, fb)})${logits}; a decode step holds ${fb(t.decode.bytes)}`
}

const shapes = (inputs: readonly number[][]): string => inputs.map((s) => formatShape(s)).join(', ')

/**
 * How a memory line adds up, written out with its numbers: `295,168 params: 295,168 × 4 B (float32) = 1.13 MiB`,
 * `2.25 MiB optimizer state ÷ 4 shards`.
 */
export function memoryFormula(line: MemoryLine, options: PresentOptions = {}): string {
  const units = options.units ?? 'iec'
  const fb = (bytes: bigint): string => formatBytes(bytes, units)
  const total = fb(line.bytes)
  const b = line.basis
  switch (b.kind) {
    case 'empty':
      return EMPTY[b.reason]
    case 'weights': {
      const parts = [`${b.frozenBase ? 'frozen base ' : ''}${formatCount(sumElements(b.params))} params: ${byDType(b.params)}${b.buffers.length > 0 ? ` + buffers ${byDType(b.buffers)}` : ''}`, ...b.extras.map(extra)]
      return `${parts.join(' + ')} = ${total}`
    }
    case 'qlora-weights': {
      const parts = [`frozen base: ${formatCount(b.quantisedElements)} linear weights in NF4 with double quantisation (${fb(b.quantisedBytes)}) + ${formatCount(b.otherElements)} other elements (${fb(b.otherBytes)})`, ...b.extras.map(extra)]
      return `${parts.join(' + ')} = ${total}`
    }
    case 'weight-format': {
      const elements = b.quantisedElements + b.otherElements
      if (b.asBuilt !== null) return `${formatCount(elements)} elements as built: ${byDType(b.asBuilt)} = ${total}`
      if (b.appliesTo === 'float') return `${formatCount(elements)} elements in ${b.format} = ${total}`
      return `${formatCount(b.quantisedElements)} weights in ${b.format} (${b.bitsPerWeight} bits) + ${formatCount(b.otherElements)} other elements in ${b.otherDType ?? 'their dtype'} = ${total}`
    }
    case 'gradients': {
      let text = b.parts.length === 0 ? 'no trainable parameters' : byDType(b.parts)
      const a = b.accumulation
      if (a !== null) {
        text += a.bufferElements !== null ? ` + float32 accumulation buffer ${formatCount(a.bufferElements)} × 4 B (${a.steps} micro-batches)` : ` (${a.steps} micro-batches accumulate into the same buffers)`
      }
      return `${text} = ${total}`
    }
    case 'optimizer-state': {
      const entries = b.entries.map((e) => `${e.name} ${formatCount(e.elements)} × ${dtypeBytes[e.dtype]} B`)
      if (b.masterWeightElements > 0n) entries.push(`float32 master weights ${formatCount(b.masterWeightElements)} × 4 B`)
      const host = b.hostEntries.map((e) => `${e.name} ${formatCount(e.elements)} × ${dtypeBytes[e.dtype]} B`)
      return `${b.optimizer}: ${entries.length > 0 ? entries.join(' + ') : 'no state'} = ${total}${host.length > 0 ? `; on the CPU: ${host.join(' + ')} = ${fb(b.hostBytes)}` : ''}`
    }
    case 'activations-not-counted':
      return b.traceable ? 'not counted: give an input shape to trace, or activation bytes per sample' : `not counted: \`${b.module}\` has no forward trace; give activation bytes per sample`
    case 'activations-need-seq':
      return 'not counted: sized from the architecture once the sequence length is given'
    case 'activations-per-sample':
      return `${fb(b.perSampleBytes)} per sample × batch ${formatCount(b.batch)} = ${total}`
    case 'activations-saved':
      return b.scale === null
        ? `traced forward of ${shapes(b.inputs)} on ${b.device}: ${checkpoint(b.checkpoint, fb)}`
        : `traced forward of ${shapes(b.inputs)}: ${checkpoint(b.checkpoint, fb)}, × ${b.scale.batch}/${b.scale.tracedBatch}`
    case 'activations-transformer':
      return `${transformerTraining(b.terms, fb)} = ${total}`
    case 'activations-transformer-inference':
      return `${transformerInference(b.terms, fb)} = ${total}`
    case 'activations-peak':
      return `peak of live tensors in a no-grad forward of ${shapes(b.inputs)}${b.scale === null ? '' : ` × ${b.scale.batch}/${b.scale.tracedBatch}`}: ${total}`
    case 'element-scaled':
      return `(${memoryFormula(b.of, options)}) × ${b.elementBytes}/4 (activations in ${b.elementBytes}-byte elements)`
    case 'kv-cache':
      return b.state === undefined ? `${kvCache(b.cache, b.dtype)} = ${total}` : `${kvCache(b.cache, b.dtype)} + ${stateCache(b.state)} = ${total}`
    case 'state-cache':
      return `${stateCache(b.state)} = ${total}`
    case 'overhead':
      return `CUDA context and allocator reserve: ${total}${b.isDefault ? ' (default; adjustable)' : ''}`
    case 'total': {
      const parts = b.parts.filter((p) => p > 0n)
      if (parts.length === 0) return `0 B = ${total}`
      const shown = formatBytesAlike([...parts, line.bytes], units)
      return `${shown.slice(0, -1).join(' + ')} = ${shown.at(-1)}`
    }
    case 'split':
      return `${fb(b.of.bytes)} ${memoryLineNouns[b.line]} ÷ ${b.tensorParallel * b.pipelineParallel} (tensor ${b.tensorParallel} × pipeline ${b.pipelineParallel})`
    case 'sharded':
      return `${fb(b.of.bytes)} ${b.modelParallel ? 'per model-parallel rank ' : ''}${memoryLineNouns[b.line]} ÷ ${b.shards} shards`
    case 'offloaded':
      if (b.line === 'stepGradients') return `${memoryFormula(b.of, options)}; offloaded to ${b.target === 'cpu' ? 'CPU memory' : 'NVMe'} with the optimizer`
      return `${fb(b.of.bytes)} ${memoryLineNouns[b.line]} offloaded to ${b.target === 'cpu' ? 'CPU memory' : 'NVMe'}${b.into ? `, held there as the ${memoryLineNouns[b.into]}` : ''}`
    case 'tensor-parallel':
      return `${memoryFormula(b.of, options)}; ÷ ${b.tensorParallel} (tensor parallel with sequence parallelism)`
    case 'kv-split':
      return `${memoryFormula(b.of, options)}; ÷ ${b.tensorParallel * b.pipelineParallel} (heads split over tensor ${b.tensorParallel}, layers over pipeline ${b.pipelineParallel})`
    case 'gathered':
      return `largest module \`${b.module || '(root)'}\` gathered whole during its forward and backward: ${total} of weights and gradients`
    case 'step-gradients': {
      const mp = b.modelParallel > 1 ? ` ÷ ${b.modelParallel} model-parallel` : ''
      const partition = `${formatCount(b.elements)} trainable elements${mp} ÷ ${b.shards} shards = ${formatCount(b.partitionElements)}`
      const held = b.subGroupElements !== null && b.subGroupElements < b.partitionElements ? `; one sub-group of ${formatCount(b.subGroupElements)} (sub_group_size) at a time` : ''
      const where = b.replacesGradients ? ', a pinned CPU buffer the gradients are copied into (no 16-bit copy is kept there)' : ''
      return `ZeRO-${b.stage}'s optimizer step turns this rank's gradients into float32: ${partition}${held} × 4 B = ${total}${where}`
    }
    case 'offload-total':
      if (b.parts.length === 0) return `nothing offloaded to ${b.target === 'cpu' ? 'CPU memory' : 'NVMe'}`
      return `${b.parts.map((p) => `${memoryLineNouns[p.line]} ${fb(p.bytes)}`).join(' + ')} = ${total}`
  }
}
