import type { LayerDefinition } from '../layers/define-layer.js'

/** Whole models callable by name (`resnet50()`, `torchvision.models.resnet50()`), one line each. */
export const models: readonly LayerDefinition[] = []
