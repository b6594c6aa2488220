import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

// Bytes autograd keeps (saved_tensors_hooks, each storage once, input excluded), measured with PyTorch 2.13 (CPU) and
// timm 1.0.29.
const saved = (source: string, input: string): number => Number(analyze(source, { input, device: 'cpu' }).forward!.savedBytes)

describe('timm DropBlock2d', () => {
  it("keeps the (N, 1, H, W) keep-mask of x * keep_mask, not the input (ResNet's drop_block_rate)", () => {
    expect(saved("timm.create_model('resnet50', drop_block_rate=0.1, num_classes=10)", '1,3,64,64')).toBe(7184304)
    expect(saved("timm.create_model('resnet18', drop_block_rate=0.2, num_classes=10)", '2,3,64,64')).toBe(3565376)
    const blocks = analyze("timm.create_model('resnet50', drop_block_rate=0.1, num_classes=10)", { input: '1,3,64,64', device: 'cpu' }).forward!.modules
    expect(Number(blocks.find((m) => m.path === 'layer3.0.drop_block')!.savedBytes)).toBe(64)
  })
})
