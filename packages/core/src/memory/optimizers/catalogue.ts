import { defaultTorchVersion } from '../../forward/torch-version.js'
import { optimizerDefinitions } from './registry.js'

/** Every optimizer nnsize knows: canonical name, library, short names, accounting (for current PyTorch) and source, for help text and docs. */
export const optimizerCatalogue: ReadonlyArray<{ name: string; qualifiedName: string; library: string; shortNames: readonly string[]; accounting: string; source: string }> = optimizerDefinitions.map((d) => ({
  name: d.name,
  qualifiedName: d.qualifiedNames[0]!,
  library: d.library,
  shortNames: d.shortNames,
  accounting: d.accounting({ torch: defaultTorchVersion }),
  source: d.source,
}))

/** The names `parseOptimizer` accepts without arguments: short names, then class names. */
export function optimizerNames(): string[] {
  return [...new Set([...optimizerDefinitions.flatMap((d) => d.shortNames), ...optimizerDefinitions.map((d) => d.qualifiedNames[0]!)])]
}
