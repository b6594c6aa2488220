import type { LayerDefinition } from '../../layers/define-layer.js'
import type { TorchvisionModule } from './weights.js'

/**
 * The builders of torchvision's sub-modules, one line each, by module (the classifiers of
 * `torchvision.models` are listed in `zoo/index.ts`).
 */
export const torchvisionGroups: ReadonlyArray<readonly [TorchvisionModule, readonly LayerDefinition[]]> = [
  ['detection', []],
  ['segmentation', []],
  ['video', []],
  ['optical_flow', []],
  ['quantization', []],
]
