import { bench, describe } from 'vitest'
import { analyze } from '../src/index.js'
import { models } from '../src/zoo/index.js'

// The largest torchvision classifiers: the most parameters (RegNetY-128GF, ViT-H/14) and the
// most modules (EfficientNetV2-L). Each should take well under 10 ms, forward pass included.
const largest = ['regnet_y_128gf', 'vit_h_14', 'efficientnet_v2_l']

describe('torchvision models', () => {
  for (const name of largest) {
    bench(`${name}: parameters, buffers and tensor names`, () => {
      analyze(name)
    })
    bench(`${name}: and the forward pass on 1×3×224×224 (cpu profile)`, () => {
      analyze(name, { input: [1, 3, 224, 224], device: 'cpu' })
    })
  }
  bench(`all ${models.length} torchvision models: parameters, buffers and tensor names`, () => {
    for (const model of models) analyze(model.name)
  })
})
