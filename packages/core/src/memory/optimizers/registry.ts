import type { OptimizerDefinition } from './define.js'
import { adamax, adamOptimizer, adamw, nadam, radam, sparseAdam } from './adam.js'
import { adadelta, adagrad, rmsprop, rprop } from './adagrad.js'
import { adafactor, transformersAdafactor } from './adafactor.js'
import { adan } from './adan.js'
import { bitsandbytesOptimizers } from './bitsandbytes.js'
import { lamb } from './lamb.js'
import { lbfgs } from './lbfgs.js'
import { lion } from './lion.js'
import { muon, muonWithAuxAdam } from './muon.js'
import { asgd, sgd } from './sgd.js'
import { sophia } from './sophia.js'

/** Every optimizer nnsize knows, one line each: `torch.optim`, then other libraries. */
export const optimizerDefinitions: readonly OptimizerDefinition[] = [
  sgd,
  adamOptimizer,
  adamw,
  adagrad,
  rmsprop,
  adadelta,
  adamax,
  nadam,
  radam,
  asgd,
  rprop,
  sparseAdam,
  lbfgs,
  adafactor,
  transformersAdafactor,
  lion,
  lamb,
  sophia,
  adan,
  muon,
  muonWithAuxAdam,
  ...bitsandbytesOptimizers,
]

const normalise = (s: string): string => s.toLowerCase().replace(/[-_.\s]/g, '')

const byQualified = new Map<string, OptimizerDefinition>()
const byShort = new Map<string, OptimizerDefinition>()
for (const def of optimizerDefinitions) {
  for (const q of def.qualifiedNames) if (!byQualified.has(q)) byQualified.set(q, def)
  for (const s of def.shortNames) byShort.set(normalise(s), def)
}
for (const def of optimizerDefinitions) {
  const key = normalise(def.qualifiedNames[0]!)
  if (!byShort.has(key)) byShort.set(key, def)
  const bare = normalise(def.qualifiedNames.at(-1)!)
  if (!byShort.has(bare)) byShort.set(bare, def)
}

/** The optimizer a name means: a dotted name exactly, else a short or class name compared loosely (`paged-adamw-8bit`). */
export function findOptimizer(name: string, loose: boolean): OptimizerDefinition | undefined {
  return byQualified.get(name) ?? (loose ? byShort.get(normalise(name)) : undefined)
}

/** The arguments a short name sets on its optimizer (`adamw_torch_fused` → `fused=True`), as keyword text; undefined for plain names. */
export function presetOf(def: OptimizerDefinition, name: string): string | undefined {
  if (!def.presets) return undefined
  const key = normalise(name)
  for (const [preset, args] of Object.entries(def.presets)) if (normalise(preset) === key) return args
  return undefined
}

/** Every name a user might type, for "did you mean". */
export function optimizerSpellings(): string[] {
  return [...new Set([...optimizerDefinitions.flatMap((d) => [d.qualifiedNames.at(-1)!, ...d.qualifiedNames]), ...optimizerDefinitions.flatMap((d) => d.shortNames)])]
}
