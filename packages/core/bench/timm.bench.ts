import { bench, describe } from 'vitest'
import { analyze } from '../src/index.js'
import { listModels, supportedModels } from '../src/zoo/timm/create-model.js'

// The largest timm models nnsize builds: the most parameters (ViT-7B DINOv3, EVA-02 Enormous) and the most
// modules (ResNet-RS-420, GhostNetV3). Each builds in tens of milliseconds, about as fast per module as the
// torchvision models; the forward pass roughly doubles that.
const largest = ['vit_7b_patch16_dinov3', 'eva02_enormous_patch14_clip_224', 'resnetrs420', 'ghostnetv3_160']
const models = supportedModels()

describe('timm models', () => {
  for (const name of largest) {
    bench(`${name}: parameters, buffers, tensor names and modules`, () => {
      analyze(`timm.create_model('${name}')`).modules
    })
  }
  bench('vit_gigantic_patch14_clip_224: and the forward pass on 1×3×224×224 (cpu profile)', () => {
    analyze("timm.create_model('vit_gigantic_patch14_clip_224')", { input: [1, 3, 224, 224], device: 'cpu' })
  })
  bench('resnetrs420: and the forward pass on 2×3×320×320 (cpu profile)', () => {
    analyze("timm.create_model('resnetrs420')", { input: [2, 3, 320, 320], device: 'cpu' })
  })
  bench(`all ${models.length} timm models: parameters, buffers and tensor names`, () => {
    for (const name of models) analyze(`timm.create_model('${name}')`)
  }, { iterations: 2, time: 0 })
  bench("timm.list_models('*', pretrained=True): every model and tag", () => {
    listModels({ filter: '*', pretrained: true })
  })
})
