import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { errorOf } from '../../test/support.js'

describe('FrozenBatchNorm2d', () => {
  it('holds four buffers of num_features and no parameters or num_batches_tracked', () => {
    const r = analyze('torchvision.ops.FrozenBatchNorm2d(64)')
    expect([r.module, r.params.total, r.buffers.total, r.buffers.bytes]).toEqual(['FrozenBatchNorm2d', 0n, 256n, 1024n])
    expect(r.tensors.map((t) => `${t.name} ${t.kind}`)).toEqual(['weight buffer', 'bias buffer', 'running_mean buffer', 'running_var buffer'])
  })
  it('keeps the (1, C, 1, 1) scale for backward: 64 bytes for 16 channels, as PyTorch 2.13 does', () => {
    const f = analyze('FrozenBatchNorm2d(16)', { input: '2,16,8,8', device: 'cpu' }).forward!
    expect([f.outputs[0]!.shape, f.savedBytes, f.macs]).toEqual([[2, 16, 8, 8], 64n, 2048n])
  })
  it('refuses an input with another channel count', () => {
    expect(errorOf(() => analyze('FrozenBatchNorm2d(16)', { input: '2,8,8,8' })).message).toMatch(/expects an \(N, 16, H, W\) input, got shape \(2, 8, 8, 8\)/)
  })
})

describe('RoIAlign, RoIPool, MultiScaleRoIAlign', () => {
  it('have no parameters and say why they take no input', () => {
    expect(analyze("torchvision.ops.MultiScaleRoIAlign(['0', '1'], 7, 2)").params.total).toBe(0n)
    expect(analyze('torchvision.ops.RoIAlign((7, 7), 0.25, 2, aligned=True)').module).toBe('RoIAlign')
    expect(errorOf(() => analyze('torchvision.ops.RoIPool(7, 0.5)', { input: '1,8,16,16' })).message).toMatch(/`RoIPool` pools the regions its box coordinates name/)
    expect(errorOf(() => analyze('torchvision.ops.RoIPool(0, 0.5)')).message).toMatch(/`output_size` must be at least 1/)
  })
  it('are torchvision.ops layers, not torch.nn layers', () => {
    expect(errorOf(() => analyze('nn.FrozenBatchNorm2d(4)')).code).toBe('unknown-attribute')
  })
})
