import { jsonInteger } from '../format/number.js'
import type { JSONInteger } from '../format/json.js'
import type { MemoryLine, ReplicaLineKey } from '../memory/basis.js'
import type { MemoryPlan } from '../memory/plan.js'
import type { ResolvedMemoryOptions } from '../memory/resolve.js'
import type { DType } from '../tensor/dtype.js'
import { deepspeedCpuFormula, deepspeedGpuFormula, deepspeedPrinted, deepspeedPrintedLine } from './deepspeed.js'
import { memoryFormula } from './memory-formula.js'
import { acceleratorName, fitSummary, memoryRows, modelStates, perNodeText } from './memory.js'
import { planNotes } from './notes.js'
import type { PresentOptions } from './words.js'

/** A budget line in JSON. */
export interface MemoryLineJSON {
  bytes: JSONInteger
  formula: string
}

/** The stable JSON form of a {@link MemoryPlan}, as `nnsize --json` prints it under `memory`. */
export interface MemoryPlanJSON {
  mode: 'training' | 'inference'
  /** The resolved options, exact byte counts as JSON integers, with the units the formulas are written in. */
  options: Omit<ResolvedMemoryOptions, 'activationBytesPerSample' | 'overheadBytes' | 'lora'> & {
    activationBytesPerSample: JSONInteger | null
    overheadBytes: JSONInteger
    lora: { rank: number; alpha: number | null; dropout: number | null; targets: string[]; quantizeBase: boolean } | null
    units: 'iec' | 'si'
  }
  memory: Record<ReplicaLineKey | 'total', MemoryLineJSON>
  /** Training: weights + gradients + optimizer state on the device, and the optimizer state PyTorch keeps on the CPU. */
  modelStates?: { bytes: JSONInteger; hostBytes: JSONInteger; formula: string }
  perDevice: Record<ReplicaLineKey | 'stepGradients' | 'gatheredWeights' | 'total' | 'offloadedCpu' | 'offloadedNvme', MemoryLineJSON> & { gpus: number }
  perNode: { gpus: number; deviceBytes: JSONInteger; cpuBytes: JSONInteger; nvmeBytes: JSONInteger; formula: string }
  fit?: {
    gpu: { id: string; name: string; bytes: JSONInteger; basis: string }
    capacityBytes: JSONInteger
    fits: boolean
    spareBytes: JSONInteger
    shortfallBytes: JSONInteger
    message: string
    gpusNeeded: number | null
    largestBatch: number | null
  }
  optimizer?: {
    name: string
    qualifiedName: string
    library: string
    text: string
    accounting: string
    source: string
    bytes: JSONInteger
    entries: Array<{ name: string; dtype: DType; elements: JSONInteger; bytes: JSONInteger; tensors: number; host: boolean }>
  }
  lora?: { params: JSONInteger; quantizedBase: boolean; adapters: Array<{ module: string; type: string; params: JSONInteger }> }
  /** DeepSpeed's own estimate (`--estimator deepspeed`): its inputs, every row it prints with its formulas, the chosen rows marked. */
  deepspeed?: {
    stage: 2 | 3
    totalParams: JSONInteger
    largestLayerParams: JSONInteger
    largestLayerModule: string
    gpusPerNode: number
    nodes: number
    additionalBufferFactor: number
    rows: Array<{ offloadParams: boolean; offloadOptimizer: boolean; zeroInit: boolean | null; cpuBytes: JSONInteger; gpuBytes: JSONInteger; chosen: boolean; printed: string; cpuFormula: string; gpuFormula: string }>
    /** The estimator's output, line by line, as DeepSpeed prints it. */
    printed: string[]
  }
  notes: string[]
}

/**
 * Converts a memory plan to JSON-safe data: exact byte counts above 2^53 − 1 become decimal strings; formulas and
 * notes are written in the given units and with the app's names for request fields.
 */
export function memoryPlanToJSON(plan: MemoryPlan, options: PresentOptions = {}): MemoryPlanJSON {
  const units = options.units ?? 'iec'
  const lineJSON = (l: MemoryLine): MemoryLineJSON => ({ bytes: jsonInteger(l.bytes), formula: memoryFormula(l, { ...options, units }) })
  const o = plan.options
  const m = plan.memory
  const d = plan.perDevice
  const json: MemoryPlanJSON = {
    mode: plan.mode,
    options: {
      ...o,
      activationBytesPerSample: o.activationBytesPerSample === null ? null : jsonInteger(o.activationBytesPerSample),
      overheadBytes: jsonInteger(o.overheadBytes),
      kvCache: o.kvCache === null ? null : { ...o.kvCache },
      lora: o.lora === null ? null : { rank: o.lora.rank, alpha: o.lora.alpha ?? null, dropout: o.lora.dropout ?? null, targets: [...o.lora.targets], quantizeBase: o.lora.quantizeBase === true },
      units,
    },
    memory: {
      weights: lineJSON(m.weights),
      gradients: lineJSON(m.gradients),
      optimizerState: lineJSON(m.optimizerState),
      activations: lineJSON(m.activations),
      kvCache: lineJSON(m.kvCache),
      overhead: lineJSON(m.overhead),
      total: lineJSON(m.total),
    },
    perDevice: {
      gpus: o.gpus,
      weights: lineJSON(d.weights),
      gradients: lineJSON(d.gradients),
      optimizerState: lineJSON(d.optimizerState),
      stepGradients: lineJSON(d.stepGradients),
      activations: lineJSON(d.activations),
      kvCache: lineJSON(d.kvCache),
      gatheredWeights: lineJSON(d.gatheredWeights),
      overhead: lineJSON(d.overhead),
      total: lineJSON(d.total),
      offloadedCpu: lineJSON(d.offloadedCpu),
      offloadedNvme: lineJSON(d.offloadedNvme),
    },
    perNode: {
      gpus: plan.perNode.gpus,
      deviceBytes: jsonInteger(plan.perNode.deviceBytes),
      cpuBytes: jsonInteger(plan.perNode.cpuBytes),
      nvmeBytes: jsonInteger(plan.perNode.nvmeBytes),
      formula: perNodeText(plan, { units }),
    },
    notes: planNotes(plan.notes, options),
  }
  if (plan.mode === 'training') {
    const s = modelStates(plan)
    json.modelStates = { bytes: jsonInteger(s.deviceBytes), hostBytes: jsonInteger(s.hostBytes), formula: memoryRows(plan, { ...options, units }).find((r) => r.key === 'modelStates')!.formula }
  }
  if (plan.fit) {
    const f = plan.fit
    json.fit = {
      gpu: { id: f.gpu.id, name: acceleratorName(f.gpu), bytes: jsonInteger(f.gpu.bytes), basis: f.gpu.basis },
      capacityBytes: jsonInteger(f.capacityBytes),
      fits: f.fits,
      spareBytes: jsonInteger(f.spareBytes),
      shortfallBytes: jsonInteger(f.shortfallBytes),
      message: fitSummary(plan, { units })!.sentence,
      gpusNeeded: f.gpusNeeded,
      largestBatch: f.largestBatch,
    }
  }
  if (plan.optimizer) {
    const b = plan.optimizer
    json.optimizer = {
      name: b.optimizer.name,
      qualifiedName: b.optimizer.qualifiedName,
      library: b.optimizer.library,
      text: b.optimizer.text,
      accounting: b.optimizer.accounting,
      source: b.optimizer.source,
      bytes: jsonInteger(b.bytes),
      entries: b.entries.map((e) => ({ name: e.name, dtype: e.dtype, elements: jsonInteger(e.elements), bytes: jsonInteger(e.bytes), tensors: e.tensors, host: e.host })),
    }
  }
  if (plan.deepspeed) {
    const e = plan.deepspeed
    json.deepspeed = {
      stage: e.stage,
      totalParams: jsonInteger(e.totalParams),
      largestLayerParams: jsonInteger(e.largestLayerParams),
      largestLayerModule: e.largestLayerModule,
      gpusPerNode: e.gpusPerNode,
      nodes: e.nodes,
      additionalBufferFactor: e.additionalBufferFactor,
      rows: e.rows.map((r, i) => ({
        offloadParams: r.offloadParams,
        offloadOptimizer: r.offloadOptimizer,
        zeroInit: r.zeroInit,
        cpuBytes: jsonInteger(r.cpuBytes),
        gpuBytes: jsonInteger(r.gpuBytes),
        chosen: e.chosen.includes(i),
        printed: deepspeedPrintedLine(r, e.stage),
        cpuFormula: deepspeedCpuFormula(e, r),
        gpuFormula: deepspeedGpuFormula(e, r),
      })),
      printed: deepspeedPrinted(e),
    }
  }
  if (plan.lora) {
    json.lora = {
      params: jsonInteger(plan.lora.params),
      quantizedBase: plan.lora.quantizedBase,
      adapters: plan.lora.adapters.map((a) => ({ module: a.module, type: a.type, params: jsonInteger(a.params) })),
    }
  }
  return json
}
