import { formatBytes } from '../format/bytes.js'
import { formatCount, jsonInteger } from '../format/number.js'
import type { JSONInteger } from '../format/json.js'
import type { FlopParams, TrainingFlops } from '../speed/flops.js'
import type { DecodeStep, SpeedNote, SpeedPlan } from '../speed/plan.js'
import type { RooflineStep } from '../speed/roofline.js'
import { formatBandwidth } from './accelerators.js'
import type { ExplainLine, ExplainSection } from './explain.js'
import { acceleratorName } from './memory.js'
import type { Table } from './table.js'
import { defaultFieldLabel } from './words.js'
import type { PresentOptions } from './words.js'

/** One figure of a speed plan ready to show: its label, value and the formula with the numbers filled in. */
export interface SpeedRow {
  key: 'flopsPerToken' | 'flopsPerStep' | 'trainingFlops' | 'throughput' | 'trainingTime' | 'gpuHours' | 'prefill' | 'decode' | 'forward'
  label: string
  value: string
  formula: string
}

const SI_PREFIXES: ReadonlyArray<[number, string]> = [
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
]

/** Three significant digits: `57.9`, `989`, `0.0463`. */
function sig(x: number, digits = 3): string {
  if (x === 0 || !Number.isFinite(x)) return String(x)
  if (Math.abs(x) >= 10 ** digits) return formatCount(Math.round(x))
  return x.toPrecision(digits)
}

/** `40%`, `46.2%`: a fraction as a percentage without trailing zeros. */
function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(4))}%`
}

/** `57.9 GFLOP`, `5.79e22 FLOP`: FLOPs with an SI prefix up to peta, in scientific notation above. */
export function formatFlops(flops: bigint | number): string {
  const x = Number(flops)
  if (x >= 1e18) {
    const [mantissa, exponent] = x.toExponential(2).split('e')
    return `${mantissa}e${Number(exponent)} FLOP`
  }
  for (const [size, prefix] of SI_PREFIXES) if (x >= size) return `${sig(x / size)} ${prefix}FLOP`
  return `${formatCount(flops)} FLOP`
}

/** `395.8 TFLOP/s`. */
export function formatFlopRate(flopsPerSecond: number): string {
  for (const [size, prefix] of SI_PREFIXES) if (flopsPerSecond >= size) return `${sig(flopsPerSecond / size, 4)} ${prefix}FLOP/s`
  return `${sig(flopsPerSecond)} FLOP/s`
}

/** `7.66 ms`, `1.07 s`, `4.30 h`, `1,694 days (4.64 years)`. */
export function formatDuration(seconds: number): string {
  if (seconds < 1e-3) return `${sig(seconds * 1e6)} µs`
  if (seconds < 1) return `${sig(seconds * 1e3)} ms`
  if (seconds < 120) return `${sig(seconds)} s`
  if (seconds < 2 * 3600) return `${sig(seconds / 60)} min`
  if (seconds < 2 * 86400) return `${sig(seconds / 3600)} h`
  const days = seconds / 86400
  return days < 365 ? `${sig(days)} days` : `${sig(days)} days (${sig(days / 365.25)} years)`
}

/** `130.5 tokens/s`, `6,831 tokens/s`. */
function rate(perSecond: number, unit: string): string {
  return `${perSecond >= 1000 ? formatCount(Math.round(perSecond)) : perSecond >= 100 ? perSecond.toFixed(1) : sig(perSecond)} ${unit}/s`
}

/** `N = 8,030,261,248 parameters − 525,336,576 in the token embeddings`. */
function nText(n: FlopParams): string {
  const parts = [`${formatCount(n.modelParams)} ${n.activePerToken ? 'active parameters per token' : 'parameters'}`]
  if (n.embeddingParams > 0n) parts.push(`− ${formatCount(n.embeddingParams)} in the input embeddings`)
  if (n.vectorParams > 0n) parts.push(`− ${formatCount(n.vectorParams)} in norms and biases`)
  if (n.tiedHeadParams > 0n) parts.push(`+ ${formatCount(n.tiedHeadParams)} for the tied output head`)
  return `N = ${parts.join(' ')} = ${formatCount(n.params)}`
}

/** The training FLOPs formula: `6 × N + 12 × L × H × Q × T = …`. */
function trainingFlopsFormula(f: TrainingFlops): string {
  if (f.kind === 'traced') {
    const per = f.tokensPerSample === null ? `${formatCount(f.samples)} ${f.samples === 1 ? 'sample' : 'samples'}` : `${formatCount(f.samples)} × ${formatCount(f.tokensPerSample)} tokens`
    return `2 × ${formatCount(f.forwardMacs)} forward MACs + 2 × ${formatCount(f.backwardMacs)} backward MACs = ${formatCount(f.stepFlops)} for ${per}`
  }
  const matmul = `6 × ${formatCount(f.n.params)}`
  if (f.attentionFlops === null) return `6 × N = ${matmul} = ${formatCount(f.matmulFlops)}`
  return `6 × N + 12 × L × H × Q × T = ${matmul} + 12 × ${f.layers} × ${f.heads} × ${f.headDim} × ${formatCount(f.seq!)} = ${formatCount(f.matmulFlops)} + ${formatCount(f.attentionFlops)} = ${formatCount(f.flopsPerToken)}`
}

/** `the GPUs' rates`: `1 × 989.5 TFLOP/s (bf16)` and `1 × 3.35 TB/s`. */
function peakText(s: SpeedPlan): string {
  const d = s.device!
  return `${d.gpus > 1 ? `${d.gpus} × ` : ''}${d.peakTflops} TFLOP/s (${d.dtype}, dense)`
}
function bandwidthText(s: SpeedPlan): string {
  const d = s.device!
  return `${d.gpus > 1 ? `${d.gpus} × ` : ''}${formatBandwidth(d.bandwidthBytesPerSecond)}`
}

/** The roofline of a step in words: `max(15.6 GB ÷ 2.04 TB/s, 13.3 GFLOP ÷ 312 TFLOP/s) = max(7.66 ms, 0.0426 ms) = 7.66 ms, memory bound`. */
function rooflineFormula(s: SpeedPlan, step: RooflineStep, bytes: string, units: PresentOptions['units']): string {
  return `max(${bytes} ${formatBytes(step.bytes, units)} ÷ ${bandwidthText(s)}, ${formatFlops(step.flops)} ÷ ${peakText(s)}) = max(${formatDuration(step.memorySeconds)}, ${formatDuration(step.computeSeconds)}) = ${formatDuration(step.seconds)}, ${step.bound} bound`
}

function decodeBytesText(d: DecodeStep, units: PresentOptions['units']): string {
  return d.kvBytes > 0n ? `(weights ${formatBytes(d.weightBytes, units)} + KV cache ${formatBytes(d.kvBytes, units)})` : '(weights)'
}

/**
 * The figures of a speed plan, in order: training FLOPs per token (or per step), the run's FLOPs, throughput, time
 * and GPU-hours; or inference FLOPs per token, the prefill of one sequence and a decode step at the plan's batch.
 */
export function speedRows(s: SpeedPlan, options: PresentOptions = {}): SpeedRow[] {
  const units = options.units ?? 'iec'
  const rows: SpeedRow[] = []
  if (s.training) {
    const { flops, time } = s.training
    if (flops.kind === 'config') rows.push({ key: 'flopsPerToken', label: 'FLOPs per token', value: formatFlops(flops.flopsPerToken), formula: `${trainingFlopsFormula(flops)} (forward + backward${flops.attentionFlops === null ? '; attention not counted without a sequence length' : ''})` })
    else rows.push({ key: 'flopsPerStep', label: 'FLOPs per step', value: formatFlops(flops.stepFlops), formula: trainingFlopsFormula(flops) })
    if (time) {
      const perToken = flops.kind === 'config' ? `${formatCount(flops.flopsPerToken)} FLOP per token × ${formatCount(time.tokens)} tokens` : `${formatCount(flops.stepFlops)} FLOP per step × ${formatCount(time.tokens)} tokens ÷ ${formatCount(flops.samples * flops.tokensPerSample!)} tokens per step`
      rows.push({ key: 'trainingFlops', label: 'Training FLOPs', value: formatFlops(time.totalFlops), formula: `${perToken} = ${formatCount(time.totalFlops)}${time.exact ? '' : ' (rounded down)'}` })
      if (time.flopsPerSecond !== null && time.seconds !== null && time.gpuHours !== null && time.tokensPerSecond !== null) {
        rows.push({ key: 'throughput', label: 'Throughput', value: rate(time.tokensPerSecond, 'tokens'), formula: `${peakText(s)} × ${percent(time.mfu)} MFU = ${formatFlopRate(time.flopsPerSecond)}; ÷ ${formatFlops(Number(time.totalFlops) / Number(time.tokens))} per token` })
        rows.push({ key: 'trainingTime', label: 'Training time', value: formatDuration(time.seconds), formula: `${formatFlops(time.totalFlops)} ÷ ${formatFlopRate(time.flopsPerSecond)} = ${formatCount(Math.round(time.seconds))} s` })
        rows.push({ key: 'gpuHours', label: 'GPU-hours', value: `${time.gpuHours >= 100 ? formatCount(Math.round(time.gpuHours)) : sig(time.gpuHours)}`, formula: `${s.device!.gpus} ${s.device!.gpus === 1 ? 'GPU' : 'GPUs'} × ${sig(time.seconds / 3600, 4)} h` })
      }
    }
  }
  if (s.inference) {
    const { tokenFlops: t, prefill, decode, decodeKeys: k } = s.inference
    if (k !== null && decode[0]) {
      const layers = [k.fullLayers > 0 ? `${k.fullLayers} × ${formatCount(k.contextTokens)}` : '', k.windowLayers > 0 ? `${k.windowLayers} × ${formatCount(k.windowTokens)} in windowed layers` : ''].filter((x) => x !== '').join(' + ')
      rows.push({
        key: 'flopsPerToken',
        label: 'FLOPs per token',
        value: formatFlops(decode[0].flops),
        formula: `2 × N + 4 × H × Q × keys = 2 × ${formatCount(t.n.params)} + 4 × ${t.heads} × ${t.headDim} × ${formatCount(k.keys)} (${layers}) = ${formatCount(decode[0].flops)} (forward, at ${formatCount(k.contextTokens)} tokens of context)`,
      })
    } else rows.push({ key: 'flopsPerToken', label: 'FLOPs per token', value: formatFlops(t.matmulFlops), formula: `2 × N = 2 × ${formatCount(t.n.params)} = ${formatCount(t.matmulFlops)} (forward; attention not counted without a context length)` })
    if (prefill) {
      rows.push({ key: 'prefill', label: `Prefill, ${formatCount(prefill.tokens)} tokens`, value: rate(prefill.tokensPerSecond, 'tokens'), formula: `${rooflineFormula(s, prefill, '(weights + KV cache written)', units)}: the first token after ${formatDuration(prefill.seconds)}` })
    }
    const at = decode.find((d) => d.batch === s.inference!.planBatch) ?? decode[0]
    if (at) rows.push({ key: 'decode', label: `Decode, batch ${formatCount(at.batch)}`, value: rate(at.tokensPerSecond, 'tokens'), formula: `${rooflineFormula(s, at, decodeBytesText(at, units), units)} per step of ${formatCount(at.batch)} ${at.batch === 1 ? 'token' : 'tokens'}` })
  }
  if (s.forward) {
    const f = s.forward
    rows.push({ key: 'forward', label: `Forward, batch ${formatCount(f.batch)}`, value: rate(f.samplesPerSecond, 'samples'), formula: `${rooflineFormula(s, f, '(weights)', units)}; FLOPs = 2 × ${formatCount(f.forwardMacs)} MACs` })
  }
  return rows
}

/** The speed figures as a table: Speed, Value, Formula. */
export function speedTable(s: SpeedPlan, options: PresentOptions = {}): Table {
  return {
    columns: [
      { key: 'label', header: 'Speed', align: 'left' },
      { key: 'value', header: 'Value', align: 'right' },
      { key: 'formula', header: 'Formula', align: 'left' },
    ],
    rows: speedRows(s, options).map((r) => [r.label, r.value, r.formula]),
  }
}

/** The decode roofline by batch size: bytes read and FLOPs per step, its time, tokens per second, the bound, whether it fits. */
export function decodeTable(s: SpeedPlan, options: PresentOptions = {}): Table | undefined {
  const decode = s.inference?.decode ?? []
  if (decode.length === 0) return undefined
  const units = options.units ?? 'iec'
  return {
    columns: [
      { key: 'batch', header: 'Batch', align: 'right' },
      { key: 'bytes', header: 'Bytes read', align: 'right' },
      { key: 'flops', header: 'FLOPs', align: 'right' },
      { key: 'step', header: 'Step', align: 'right' },
      { key: 'rate', header: 'Tokens/s', align: 'right' },
      { key: 'bound', header: 'Bound', align: 'left' },
      { key: 'fits', header: 'Fits', align: 'left' },
    ],
    rows: decode.map((d) => [formatCount(d.batch), formatBytes(d.bytes, units), formatFlops(d.flops), formatDuration(d.seconds), rate(d.tokensPerSecond, 'tokens').replace(/ tokens\/s$/, ''), d.bound, d.fits === null ? '—' : d.fits ? 'yes' : 'no']),
  }
}

/** `NVIDIA H100 80GB × 8 · bf16 989.5 TFLOP/s dense · 3.35 TB/s · MFU 40%`: the rates a speed plan divides by. */
export function describeSpeed(s: SpeedPlan): string {
  const d = s.device
  if (!d) return 'FLOPs only: no GPU with speed figures'
  const parts = [`${acceleratorName(d.gpu)}${d.gpus > 1 ? ` × ${d.gpus}` : ''}`]
  if (d.peakTflops !== null) parts.push(`${d.dtype} ${d.peakTflops} TFLOP/s dense`)
  if (d.bandwidthBytesPerSecond !== null) parts.push(formatBandwidth(d.bandwidthBytesPerSecond))
  if (s.training) parts.push(`MFU ${percent(s.training.mfu)}`)
  else parts.push('roofline at the datasheet peaks')
  return parts.join(' · ')
}

/** A speed note as a sentence, naming request fields in the app's words. */
export function speedNoteText(note: SpeedNote, options: PresentOptions = {}): string {
  const field = options.fieldLabel ?? defaultFieldLabel
  switch (note.code) {
    case 'no-gpu':
      return `Times need a GPU: set ${field('gpu')} to one of the catalogue (its peak FLOP/s and memory bandwidth).`
    case 'gpu-without-speed':
      return note.gpu === 'custom'
        ? `A GPU given by its memory size has no bandwidth or peak FLOP/s: choose one by name in ${field('gpu')} for times.`
        : `The catalogue has no bandwidth or peak FLOP/s for \`${note.gpu}\` (they depend on the chip): times need a GPU that has them.`
    case 'no-peak':
      return `\`${note.gpu}\` has no dense ${note.dtype ?? 'peak'} figure in the catalogue${note.dtype === null ? '' : ` (${note.dtype} is the training precision's or weight format's number format)`}; choose another precision, format or GPU for times.`
    case 'no-flops':
      return `FLOPs need a forward trace (${field('input')}) or a Hugging Face config with a transformer's sizes.`
    case 'no-work':
      return 'The model holds no weights and multiplies nothing: there is no time to bound.'
    case 'no-tokens':
      return `Set ${field('tokens')} (tokens to train on, e.g. 1T) for the run's FLOPs and time.`
    case 'not-token-input':
      return `The traced input is not token ids (an integer [batch, tokens] tensor), so ${field('tokens')} cannot be turned into steps.`
    case 'attention-needs-seq':
      return `Attention FLOPs grow with the sequence length: set ${field('seq')} to count them (6N alone leaves them out).`
    case 'decode-needs-seq':
      return `Prefill and decode speeds need a context length: set ${field('seq')}.`
    case 'inexact-total':
      return 'The tokens are not a whole number of traced steps; the run\'s FLOPs are rounded down.'
    case 'moe-bytes':
      return 'A mixture of experts computes with its active parameters, but a decode step is counted as reading every expert (at small batches fewer are read).'
    case 'data-parallel-replicas':
      return `Speeds are one replica's; ${note.replicas} data-parallel replicas serve ${note.replicas} times the tokens per second.`
    case 'training-only':
      return `${note.fields.map((f) => field(f)).join(' and ')} ${note.fields.length === 1 ? 'applies' : 'apply'} to training; inference speeds are the roofline at the datasheet peaks.`
    case 'pipeline-stages':
      return `Pipeline stages run one after another for each token: the ${note.stages} stages add no speed to one sequence; the rates are one tensor-parallel group's.`
  }
}

/** Every note of a speed plan as a sentence. */
export function speedNotes(s: SpeedPlan, options: PresentOptions = {}): string[] {
  return s.notes.map((n) => speedNoteText(n, options))
}

const line = (subject: string, ...steps: string[]): ExplainLine => ({ subject, text: steps.join('; '), steps })

/** How each speed figure is derived, for `--explain`: the model of each, its numbers and its sources. */
export function explainSpeed(s: SpeedPlan, options: PresentOptions = {}): ExplainSection[] {
  const lines: ExplainLine[] = []
  const d = s.device
  if (d) {
    const why = { precision: 'the training precision multiplies in it', weights: 'the weight format holds the weights in it', quantised: 'a quantised format multiplies dequantised float16 weights', 'as-built': 'the model is built in it' }[d.dtypeSource]
    lines.push(line(acceleratorName(d.gpu), `${d.peakTflops === null ? `no dense ${d.dtype ?? ''} peak` : `${d.peakTflops} TFLOP/s dense ${d.dtype}`} (${why}); memory bandwidth ${formatBandwidth(d.bandwidthBytesPerSecond)}; datasheet figures (nnsize gpus)`, d.gpus > 1 ? `${d.gpus} GPUs' rates add up (ideal scaling)` : 'one GPU'))
  }
  if (s.training) {
    const f = s.training.flops
    if (f.kind === 'config') {
      lines.push(line('N', nText(f.n), 'the parameters a token is multiplied by: lookups and element-wise norms and biases are not multiplies, a tied output head is one'))
      lines.push(line('6N', '2 FLOPs per parameter per token forward (a multiply and an add), 4 backward (the gradients of the activations and of the weights): Kaplan et al. 2020 (arXiv:2001.08361), Hoffmann et al. 2022'))
      lines.push(line('12·L·H·Q·T', f.seq === null ? 'not counted: no sequence length' : 'QKᵀ and the attention-weighted values, 2 × 2 FLOPs per multiply-add × 3 for forward and backward, over the whole T × T score matrix (PaLM, Chowdhery et al. 2022, appendix B; causal kernels that skip the masked half do about half of this)'))
    } else {
      lines.push(line('traced FLOPs', '2 FLOPs per multiply-accumulate, forward and backward as the trace counts them (backward: the gradient of each input and, in modules with parameters, of the weights: about 2 × forward)'))
    }
    for (const r of speedRows(s, options)) lines.push(line(r.label, r.formula))
    lines.push(line('MFU', 'model FLOPs utilisation: the share of the dense peak a run turns into model FLOPs; 40% by default (PaLM 540B reached 46.2%, Llama 3 405B 38–43% on H100s)'))
  }
  if (s.inference || s.forward) {
    if (s.inference) lines.push(line('N', nText(s.inference.tokenFlops.n)))
    lines.push(line('roofline', 'a step takes at least its bytes over the memory bandwidth and at least its FLOPs over the dense peak: the larger is the bound (Williams et al. 2009); real kernels reach 60–90% of either, so these speeds are upper bounds'))
    if (s.inference) lines.push(line('decode', 'each step reads every weight once for the whole batch and each sequence\'s KV cache, and adds one token per sequence; attention costs 4 FLOPs per head dimension per key attended'))
    for (const r of speedRows(s, options)) if (r.key !== 'flopsPerToken' || s.inference) lines.push(line(r.label, r.formula))
  }
  const sections: ExplainSection[] = [{ title: `Speed (${describeSpeed(s)})`, lines }]
  if (s.notes.length > 0) sections.push({ title: 'Speed notes', lines: speedNotes(s, options).map((n) => line('note', n)) })
  return sections
}

/** A speed plan in JSON: exact FLOP and byte counts as JSON integers, times in seconds, rows and notes in words. */
export interface SpeedPlanJSON {
  mode: 'training' | 'inference'
  device: { gpu: string; name: string; gpus: number; dtype: string | null; peakTflops: number | null; bandwidthBytesPerSecond: JSONInteger | null } | null
  training?: {
    flops: { kind: 'config'; params: JSONInteger; matmulFlops: JSONInteger; attentionFlops: JSONInteger | null; flopsPerToken: JSONInteger; layers: number; heads: number; headDim: number; seq: number | null } | { kind: 'traced'; forwardMacs: JSONInteger; backwardMacs: JSONInteger; stepFlops: JSONInteger; samples: number; tokensPerSample: number | null }
    mfu: number
    time: { tokens: JSONInteger; totalFlops: JSONInteger; exact: boolean; flopsPerSecond: number | null; seconds: number | null; gpuHours: number | null; tokensPerSecond: number | null } | null
  }
  inference?: {
    params: JSONInteger
    prefill: StepJSON & { tokens: number; tokensPerSecond: number } | null
    decode: Array<StepJSON & { contextTokens: number; weightBytes: JSONInteger; kvBytes: JSONInteger; tokensPerSecond: number; fits: boolean | null }>
  }
  forward?: StepJSON & { samplesPerSecond: number }
  rows: SpeedRow[]
  notes: string[]
}

/** A roofline step in JSON. */
export interface StepJSON {
  batch: number
  bytes: JSONInteger
  flops: JSONInteger
  memorySeconds: number
  computeSeconds: number
  seconds: number
  bound: 'memory' | 'compute'
}

const stepJSON = (r: RooflineStep): StepJSON => ({ batch: r.batch, bytes: jsonInteger(r.bytes), flops: jsonInteger(r.flops), memorySeconds: r.memorySeconds, computeSeconds: r.computeSeconds, seconds: r.seconds, bound: r.bound })

/** Converts a speed plan to JSON-safe data, as `nnsize --json` prints it under `speed`. */
export function speedPlanToJSON(s: SpeedPlan, options: PresentOptions = {}): SpeedPlanJSON {
  const d = s.device
  const json: SpeedPlanJSON = {
    mode: s.mode,
    device: d ? { gpu: d.gpu.id, name: acceleratorName(d.gpu), gpus: d.gpus, dtype: d.dtype, peakTflops: d.peakTflops, bandwidthBytesPerSecond: d.bandwidthBytesPerSecond === null ? null : jsonInteger(d.bandwidthBytesPerSecond) } : null,
    rows: speedRows(s, options),
    notes: speedNotes(s, options),
  }
  if (s.training) {
    const f = s.training.flops
    const t = s.training.time
    json.training = {
      flops:
        f.kind === 'config'
          ? { kind: 'config', params: jsonInteger(f.n.params), matmulFlops: jsonInteger(f.matmulFlops), attentionFlops: f.attentionFlops === null ? null : jsonInteger(f.attentionFlops), flopsPerToken: jsonInteger(f.flopsPerToken), layers: f.layers, heads: f.heads, headDim: f.headDim, seq: f.seq }
          : { kind: 'traced', forwardMacs: jsonInteger(f.forwardMacs), backwardMacs: jsonInteger(f.backwardMacs), stepFlops: jsonInteger(f.stepFlops), samples: f.samples, tokensPerSample: f.tokensPerSample },
      mfu: s.training.mfu,
      time: t === null ? null : { tokens: jsonInteger(t.tokens), totalFlops: jsonInteger(t.totalFlops), exact: t.exact, flopsPerSecond: t.flopsPerSecond, seconds: t.seconds, gpuHours: t.gpuHours, tokensPerSecond: t.tokensPerSecond },
    }
  }
  if (s.inference) {
    const i = s.inference
    json.inference = {
      params: jsonInteger(i.tokenFlops.n.params),
      prefill: i.prefill === null ? null : { ...stepJSON(i.prefill), tokens: i.prefill.tokens, tokensPerSecond: i.prefill.tokensPerSecond },
      decode: i.decode.map((x) => ({ ...stepJSON(x), contextTokens: x.contextTokens, weightBytes: jsonInteger(x.weightBytes), kvBytes: jsonInteger(x.kvBytes), tokensPerSecond: x.tokensPerSecond, fits: x.fits })),
    }
  }
  if (s.forward) json.forward = { ...stepJSON(s.forward), samplesPerSecond: s.forward.samplesPerSecond }
  return json
}
