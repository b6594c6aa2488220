import { traceForward } from '../../forward/trace.js'
import type { ForwardResult, InputSpec } from '../../forward/trace.js'
import { dtypeBytes } from '../../tensor/dtype.js'
import { numel } from '../../tensor/shape.js'
import { ceilDiv, line, perBatch } from '../basis.js'
import type { CheckpointBasis, MemoryLine } from '../basis.js'
import type { CheckpointingMode, Resolved } from '../resolve.js'
import type { ModelTensors } from './model.js'
import { transformerActivationBytes, transformerInferenceBytes } from '../transformer-activations.js'

/**
 * Which block list full checkpointing wraps: the module whose called children repeat one class most often
 * (`layers` of a decoder: its N blocks), ties going to the one with more children, then the shallower.
 */
function checkpointBlocks(forward: ForwardResult): { parent: string; blocks: ForwardResult['modules'] } | undefined {
  const byParent = new Map<string, ForwardResult['modules']>()
  for (const s of forward.modules) {
    if (s.path === '') continue
    const parent = s.path.includes('.') ? s.path.slice(0, s.path.lastIndexOf('.')) : ''
    const list = byParent.get(parent) ?? []
    list.push(s)
    byParent.set(parent, list)
  }
  let best: { parent: string; blocks: ForwardResult['modules']; repeat: number; depth: number } | undefined
  for (const [parent, blocks] of byParent) {
    if (blocks.length < 2) continue
    const counts = new Map<string, number>()
    for (const b of blocks) counts.set(b.module.type, (counts.get(b.module.type) ?? 0) + 1)
    const repeat = Math.max(...counts.values())
    const depth = parent === '' ? 0 : parent.split('.').length
    if (!best || repeat > best.repeat || (repeat === best.repeat && (blocks.length > best.blocks.length || (blocks.length === best.blocks.length && depth < best.depth)))) {
      best = { parent, blocks, repeat, depth }
    }
  }
  return best
}

const inputBytes = (shapes: readonly number[][]): bigint => shapes.reduce((s, shape) => s + numel(shape) * 4n, 0n)

/** Saved-for-backward bytes of one traced forward pass after checkpointing. */
function checkpointed(forward: ForwardResult, mode: CheckpointingMode, m: ModelTensors): { bytes: bigint; basis: CheckpointBasis } {
  const total = forward.savedBytes
  if (mode === 'none') return { bytes: total, basis: { mode: 'none', savedBytes: total } }
  if (mode === 'full') {
    const found = checkpointBlocks(forward)
    if (!found) {
      m.notes.add({ code: 'checkpoint-no-blocks' })
      return { bytes: total, basis: { mode: 'full', savedBytes: total, blocks: null } }
    }
    // Blocks that are single layers are grouped into ⌈√n⌉ consecutive segments, as `checkpoint_sequential` is used.
    const leaves = found.blocks.every((b) => [...b.module.children.values()].every((c) => c === null))
    const count = leaves ? Math.ceil(Math.sqrt(found.blocks.length)) : found.blocks.length
    const size = Math.ceil(found.blocks.length / count)
    const segments: Array<{ saved: bigint; input: bigint }> = []
    for (let i = 0; i < found.blocks.length; i += size) {
      const group = found.blocks.slice(i, i + size)
      segments.push({ saved: group.reduce((s, b) => s + b.savedBytes, 0n), input: inputBytes(group[0]!.inputShapes) })
    }
    const inside = segments.reduce((s, g) => s + g.saved, 0n)
    const inputs = segments.reduce((s, g) => s + g.input, 0n)
    const largest = segments.reduce((x, g) => (g.saved > x ? g.saved : x), 0n)
    return {
      bytes: total - inside + inputs + largest,
      basis: { mode: 'full', savedBytes: total, parent: found.parent, blocks: found.blocks.length, segments: segments.length, leaves, insideBytes: inside, inputBytes: inputs, largestBytes: largest },
    }
  }
  const attention = forward.modules.filter((s) => /Attention/.test(s.module.type))
  const outer = attention.filter((s) => !attention.some((o) => o !== s && s.path.startsWith(`${o.path}.`)))
  if (outer.length === 0) {
    m.notes.add({ code: 'selective-no-attention' })
    return { bytes: total, basis: { mode: 'selective', savedBytes: total, attentionModules: 0, droppedBytes: 0n } }
  }
  const inside = outer.reduce((s, a) => s + a.savedBytes, 0n)
  const inputs = outer.reduce((s, a) => s + inputBytes(a.inputShapes), 0n)
  const dropped = inside > inputs ? inside - inputs : 0n
  return { bytes: total - dropped, basis: { mode: 'selective', savedBytes: total, attentionModules: outer.length, droppedBytes: dropped } }
}

/**
 * The activations line as a function of the batch per GPU: bytes given per sample × batch; else, with a traced
 * input, what autograd saves for backward (training, after checkpointing) or the peak of live tensors (inference),
 * traced again at that batch (scaled linearly when the first dimension is not a batch); held in the precision's
 * activation bytes; a Hugging Face config's from its architecture at `seq` tokens per sequence. Results are cached per batch.
 */
export function activationsByBatch(m: ModelTensors, r: Resolved, seq: number | null = r.options.contextLength): (batch: number) => MemoryLine {
  const forward = m.analysis.forward
  const { training, precision, format, perSample } = r
  const shape = !forward && perSample === null ? (m.analysis.model?.transformer ?? null) : null
  // the longest-context search asks at other lengths: the plan's notes are about the plan's own length
  if (shape !== null && seq === r.options.contextLength) {
    if (seq === null) m.notes.add({ code: 'activations-need-seq' })
    else m.notes.add({ code: 'transformer-activations', attention: 'sdpa', moe: shape.moe !== null, training })
  }
  if (!forward && perSample === null && shape === null) m.notes.add({ code: 'activations-not-counted', module: m.analysis.root.type, traceable: r.traceable })
  // a config's activations are held in the precision's activation dtype, else the dtype the weights are built in
  const asBuiltBytes = dtypeBytes[r.options.asBuilt.dtype]
  const configElementBytes = training ? (precision.activationBytes ?? asBuiltBytes) : format.otherDType === null ? asBuiltBytes : dtypeBytes[format.otherDType]
  const traces = new Map<number, ForwardResult>()
  const traceAt = (b: number): ForwardResult | undefined => {
    if (!forward) return undefined
    if (b === forward.inputs[0]?.shape[0]) return forward
    const cached = traces.get(b)
    if (cached) return cached
    try {
      const inputs: InputSpec[] = forward.inputs.map((i) => ({ shape: i.shape.length > 0 ? [b, ...i.shape.slice(1)] : [...i.shape], dtype: i.dtype }))
      const result = traceForward(m.analysis.root, inputs, forward.device, forward.torch)
      traces.set(b, result)
      return result
    } catch {
      m.notes.add({ code: 'retrace-failed' })
      return undefined
    }
  }
  const elementBytes = training ? precision.activationBytes : format.otherDType === null ? null : dtypeBytes[format.otherDType]
  const scaled = (inner: MemoryLine): MemoryLine => (elementBytes === null || elementBytes === 4 ? inner : line(ceilDiv(inner.bytes * BigInt(elementBytes), 4n), { kind: 'element-scaled', of: inner, elementBytes }))
  const uncached = (b: number): MemoryLine => {
    if (perSample !== null) return line(perSample * BigInt(b), { kind: 'activations-per-sample', perSampleBytes: perSample, batch: b })
    if (!forward && shape !== null && seq !== null) {
      const options = { seq, batch: b, elementBytes: configElementBytes }
      if (training) {
        const terms = transformerActivationBytes(shape, { ...options, checkpointing: r.options.checkpointing })
        return line(terms.bytes, { kind: 'activations-transformer', terms })
      }
      const terms = transformerInferenceBytes(shape, options)
      return line(terms.prefill.bytes, { kind: 'activations-transformer-inference', terms })
    }
    if (!forward && shape !== null) return line(0n, { kind: 'activations-need-seq' })
    if (!forward) return line(0n, { kind: 'activations-not-counted', module: m.analysis.root.type, traceable: r.traceable })
    const tracedShapes = forward.inputs.map((i) => i.shape)
    const tracedBatch = forward.inputs[0]?.shape[0]
    const traced = traceAt(b)
    if (training) {
      if (traced) {
        const c = checkpointed(traced, r.options.checkpointing, m)
        const shapes = b === tracedBatch ? tracedShapes : forward.inputs.map((i) => (i.shape.length > 0 ? [b, ...i.shape.slice(1)] : i.shape))
        return scaled(line(c.bytes, { kind: 'activations-saved', inputs: shapes, device: forward.device, retraced: true, checkpoint: c.basis, scale: null }))
      }
      const c = checkpointed(forward, r.options.checkpointing, m)
      const b0 = tracedBatch ?? 1
      const bytes = ceilDiv(c.bytes * BigInt(b), b0 > 0 ? BigInt(b0) : 1n)
      return scaled(line(bytes, { kind: 'activations-saved', inputs: tracedShapes, device: forward.device, retraced: false, checkpoint: c.basis, scale: { batch: b, tracedBatch: b0 } }))
    }
    const peak = traced?.inferencePeakBytes ?? ceilDiv(forward.inferencePeakBytes * BigInt(b), BigInt(tracedBatch || 1))
    return scaled(line(peak, { kind: 'activations-peak', inputs: tracedShapes, scale: traced ? null : { batch: b, tracedBatch: tracedBatch ?? 1 } }))
  }
  return perBatch(uncached)
}
