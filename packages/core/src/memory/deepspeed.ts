import { NnsizeError } from '../errors.js'

/** Inputs of DeepSpeed's ZeRO-2 estimator (`estimate_zero2_model_states_mem_needs`). */
export interface DeepSpeedZero2Input {
  totalParams: bigint
  gpusPerNode?: number
  nodes?: number
  cpuOffload?: boolean
  additionalBufferFactor?: number
}

/** Inputs of DeepSpeed's ZeRO-3 estimator (`estimate_zero3_model_states_mem_needs`). */
export interface DeepSpeedZero3Input extends DeepSpeedZero2Input {
  largestLayerParams: bigint
  cpuOffloadParams?: boolean
  zeroInit?: boolean
}

const count = (value: number | undefined, fallback: number, name: string): number => {
  const v = value ?? fallback
  if (!Number.isSafeInteger(v) || v < 1) throw new NnsizeError('option', `\`${name}\` must be a positive whole number, got \`${String(v)}\`.`)
  return v
}

const factor = (value: number | undefined): number => {
  const v = value ?? 1.5
  if (!Number.isFinite(v) || v < 0) throw new NnsizeError('option', `\`additionalBufferFactor\` must be a non-negative number, got \`${String(v)}\`.`)
  return v
}

/** Python's `int(x)` for a finite float. */
const pyInt = (x: number): bigint => BigInt(Math.trunc(x))
/** Python's `a / b` for ints: correctly rounded when both fit in 53 bits (always, for real models). */
const pyDiv = (a: bigint, b: bigint): number => Number(a) / Number(b)
/** Python's `int * float`: the int is rounded to a float first. */
const pyMul = (a: bigint, f: number): number => Number(a) * f

/**
 * DeepSpeed's ZeRO-2 estimate, reproduced operation for operation (including Python's float rounding):
 * with CPU offload the GPU holds `2 × params` and the CPU `params × max(4 × gpus, 16) × 1.5`; without it the GPU
 * holds `2 × params + int(18 × params / gpus)` and the CPU `params × 4 × gpus_per_node × 1.5`.
 * Source: deepspeed/runtime/zero/stage_1_and_2.py (the GPU figure without offload is `2 + 18/gpus` since DeepSpeed
 * pull request #5099, June 2024; it was `4 + 16/gpus` before).
 */
export function deepspeedZero2Estimate(input: DeepSpeedZero2Input): { cpuBytes: bigint; gpuBytes: bigint } {
  const p = input.totalParams
  if (typeof p !== 'bigint' || p < 0n) throw new NnsizeError('option', '`totalParams` must be a non-negative bigint.')
  const perNode = count(input.gpusPerNode, 1, 'gpusPerNode')
  const nodes = count(input.nodes, 1, 'nodes')
  const buffer = factor(input.additionalBufferFactor)
  const totalGpus = BigInt(nodes * perNode)
  if (input.cpuOffload ?? true) {
    const gpu = 2n * p
    const big = 4n * totalGpus > 16n ? 4n * totalGpus : 16n
    return { cpuBytes: pyInt(pyMul(p * big, buffer)), gpuBytes: gpu }
  }
  const gpu = 2n * p + pyInt(pyDiv(18n * p, totalGpus))
  return { cpuBytes: pyInt(pyMul(p * 4n * BigInt(perNode), buffer)), gpuBytes: gpu }
}

/**
 * DeepSpeed's ZeRO-3 estimate, reproduced operation for operation. `largestLayerMemory = 4 × largest_layer_params`
 * (its float16 parameters and gradients gathered at once). Source: deepspeed/runtime/zero/stage3.py.
 */
export function deepspeedZero3Estimate(input: DeepSpeedZero3Input): { cpuBytes: bigint; gpuBytes: bigint; largestLayerMemory: bigint } {
  const p = input.totalParams
  const largest = input.largestLayerParams
  if (typeof p !== 'bigint' || p < 0n || typeof largest !== 'bigint' || largest < 0n) throw new NnsizeError('option', '`totalParams` and `largestLayerParams` must be non-negative bigints.')
  const perNode = count(input.gpusPerNode, 1, 'gpusPerNode')
  const nodes = count(input.nodes, 1, 'nodes')
  const buffer = factor(input.additionalBufferFactor)
  const totalGpus = BigInt(nodes * perNode)
  const gpusFactor = 1 / nodes
  const largestLayerMemory = 4n * largest
  const zeroInit = input.zeroInit ?? true
  /** `total_params * max(4 * gpus_per_node, k * gpus_factor)`: Python's `max` keeps the int unless the float is larger. */
  const timesMax = (k: number): number => (k * gpusFactor > 4 * perNode ? pyMul(p, k * gpusFactor) : pyMul(p * BigInt(4 * perNode), 1))
  let gpuBytes: bigint
  let cpu: number
  if (input.cpuOffload ?? true) {
    if (input.cpuOffloadParams ?? true) {
      gpuBytes = largestLayerMemory
      cpu = zeroInit ? pyMul(p * 18n, gpusFactor) * buffer : timesMax(18) * buffer
    } else {
      gpuBytes = largestLayerMemory + pyInt(pyDiv(2n * p, totalGpus))
      cpu = zeroInit ? pyMul(p * 16n, gpusFactor) * buffer : timesMax(16) * buffer
    }
  } else {
    gpuBytes = largestLayerMemory + pyInt(pyDiv(18n * p, totalGpus))
    cpu = zeroInit ? pyMul(largest * 4n * BigInt(perNode), buffer) : pyMul(p * 4n * BigInt(perNode), buffer)
  }
  return { cpuBytes: pyInt(cpu), gpuBytes, largestLayerMemory }
}

/** One row of DeepSpeed's printed estimate: an offload combination and its bytes per CPU (one node) and per GPU. */
export interface DeepSpeedRow {
  /** `offload_param=cpu` (ZeRO-3 only; false for ZeRO-2). */
  offloadParams: boolean
  /** `offload_optimizer=cpu`. */
  offloadOptimizer: boolean
  /** `zero_init=1` / `0` (ZeRO-3); null for ZeRO-2, which prints no such column. */
  zeroInit: boolean | null
  cpuBytes: bigint
  gpuBytes: bigint
}

/** Inputs of {@link deepspeedEstimateTable}. */
export interface DeepSpeedTableInput {
  stage: 2 | 3
  totalParams: bigint
  /** The most parameters one module holds directly (ZeRO-3). */
  largestLayerParams: bigint
  gpusPerNode: number
  nodes: number
  additionalBufferFactor?: number
}

/**
 * Every row `estimate_zero2_model_states_mem_needs_all_cold` / `estimate_zero3_model_states_mem_needs_all_cold`
 * prints, in its order: ZeRO-3 gives offload_param cpu/none × offload_optimizer cpu/none (parameter offload without
 * optimizer offload is not printed) × zero_init 1/0; ZeRO-2 gives offload_optimizer cpu/none.
 */
export function deepspeedEstimateTable(input: DeepSpeedTableInput): DeepSpeedRow[] {
  const common = { totalParams: input.totalParams, gpusPerNode: input.gpusPerNode, nodes: input.nodes, ...(input.additionalBufferFactor !== undefined ? { additionalBufferFactor: input.additionalBufferFactor } : {}) }
  const rows: DeepSpeedRow[] = []
  if (input.stage === 2) {
    for (const cpuOffload of [true, false]) rows.push({ offloadParams: false, offloadOptimizer: cpuOffload, zeroInit: null, ...deepspeedZero2Estimate({ ...common, cpuOffload }) })
    return rows
  }
  for (const cpuOffload of [true, false]) {
    for (const cpuOffloadParams of [true, false]) {
      if (!cpuOffload && cpuOffloadParams) continue
      for (const zeroInit of [true, false]) {
        const { cpuBytes, gpuBytes } = deepspeedZero3Estimate({ ...common, largestLayerParams: input.largestLayerParams, cpuOffload, cpuOffloadParams, zeroInit })
        rows.push({ offloadParams: cpuOffloadParams, offloadOptimizer: cpuOffload, zeroInit, cpuBytes, gpuBytes })
      }
    }
  }
  return rows
}
