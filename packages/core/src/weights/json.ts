import { analysisToJSON } from '../format/json.js'
import type { AnalysisJSON, JSONInteger } from '../format/json.js'
import { jsonInteger } from '../format/number.js'
import type { WeightsComparison } from './compare.js'
import type { ConfigCheck, WeightsInfo } from './types.js'

/** `T` with every bigint written as a {@link JSONInteger}. */
export type Jsonified<T> = T extends bigint ? JSONInteger : T extends ReadonlyArray<infer U> ? Array<Jsonified<U>> : T extends object ? { [K in keyof T]: Jsonified<T[K]> } : T

/** The JSON form of {@link WeightsInfo}: exact integers as numbers up to 2^53 − 1, decimal strings above; the config's analysis as `analysisToJSON` writes it. */
export type WeightsJSON = Omit<Jsonified<WeightsInfo>, 'config'> & { config: { file: string; analysis: AnalysisJSON; check: Jsonified<ConfigCheck> } | null }

/** Plain JSON-safe data: bigints as {@link jsonInteger}, objects without prototypes copied. */
function plain(value: unknown, depth = 0): unknown {
  if (typeof value === 'bigint') return jsonInteger(value)
  if (typeof value !== 'object' || value === null || depth > 64) return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v, depth + 1)
  return out
}

/** Converts the weights part of an analysis to JSON-safe data (for `--json`). */
export function weightsToJSON(info: WeightsInfo): WeightsJSON {
  const { config, ...rest } = info
  return { ...(plain(rest) as Omit<Jsonified<WeightsInfo>, 'config'>), config: config === null ? null : { file: config.file, analysis: analysisToJSON(config.analysis), check: plain(config.check) as Jsonified<ConfigCheck> } }
}

/** Converts a {@link WeightsComparison} to JSON-safe data. */
export function weightsComparisonToJSON(comparison: WeightsComparison): Jsonified<WeightsComparison> {
  return plain(comparison) as Jsonified<WeightsComparison>
}
