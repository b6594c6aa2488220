/** One step of a roofline: bytes moved from memory and FLOPs done, each over its peak rate; the slower one bounds it. */
export interface RooflineStep {
  /** Sequences (or samples) in the step. */
  batch: number
  /** Bytes read from (or written to) device memory in the step. */
  bytes: bigint
  /** FLOPs of the step. */
  flops: bigint
  /** bytes ÷ memory bandwidth. */
  memorySeconds: number
  /** FLOPs ÷ peak FLOP/s. */
  computeSeconds: number
  /** The larger of the two: the step cannot be faster than either. */
  seconds: number
  bound: 'memory' | 'compute'
}

/** The roofline time of a step moving `bytes` and doing `flops` on devices with `bandwidth` bytes/s and `peak` FLOP/s. */
export function rooflineStep(batch: number, bytes: bigint, flops: bigint, bandwidthBytesPerSecond: bigint, peakFlopsPerSecond: number): RooflineStep {
  const memorySeconds = Number(bytes) / Number(bandwidthBytesPerSecond)
  const computeSeconds = Number(flops) / peakFlopsPerSecond
  const bound = computeSeconds > memorySeconds ? 'compute' : 'memory'
  return { batch, bytes, flops, memorySeconds, computeSeconds, seconds: Math.max(memorySeconds, computeSeconds), bound }
}

/** Σ over query positions t = 1…T of the keys each attends to, causally, with at most `window` keys (null: no window). */
export function attendedPositions(tokens: number, window: number | null): bigint {
  const t = BigInt(tokens)
  if (window === null || tokens <= window) return (t * (t + 1n)) / 2n
  const w = BigInt(window)
  return (w * (w + 1n)) / 2n + (t - w) * w
}
