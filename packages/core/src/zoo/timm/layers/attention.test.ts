import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

// Bytes autograd keeps (saved_tensors_hooks, each storage once, input excluded) and FlopCounterMode figures, measured
// with PyTorch 2.13 (CPU) and timm 1.0.29.
const run = (source: string, input: string) => analyze(source, { input, device: 'cpu' }).forward!
const saved = (source: string, input: string): number => Number(run(source, input).savedBytes)
const vit = (kwargs: string): string => `timm.create_model('vit_tiny_patch16_224', img_size=64, num_classes=10, ${kwargs})`

describe('timm Attention', () => {
  it('takes the math path of scaled_dot_product_attention with attn_drop in training (its bmm counted)', () => {
    expect(saved(vit('attn_drop_rate=0.1'), '1,3,64,64')).toBe(2974456)
    const f = run(vit('attn_drop_rate=0.1'), '2,3,64,64')
    expect([Number(f.savedBytes), f.flopCounter.total]).toEqual([5322224, 375744000n])
    expect(f.kernels.some((k) => k.kernel === 'math (composite)')).toBe(true)
  })
  it('copies the flash output of a normed (contiguous) query for proj (qk_norm=True)', () => {
    expect(saved(vit('qk_norm=True'), '1,3,64,64')).toBe(3018520)
    expect(saved(vit('qk_norm=True'), '2,3,64,64')).toBe(6037040)
    expect(saved(vit('qk_norm=True, attn_drop_rate=0.1'), '2,3,64,64')).toBe(6281840)
  })
  it('lays out ParallelScalingBlock and multi-query attention as timm does', () => {
    expect(saved("timm.create_model('vit_large_patch14_xp_224', img_size=56, depth=2, num_classes=10)", '2,3,56,56')).toBe(7116064)
    expect(saved("timm.create_model('vit_pwee_patch16_reg1_gap_256', img_size=64, num_classes=10, attn_drop_rate=0.1)", '2,3,64,64')).toBe(11593488)
    const mqa = run("timm.create_model('mobilenetv4_hybrid_medium', num_classes=10)", '2,3,64,64').flopCounter
    expect([mqa.total, mqa.byOp['aten.bmm']]).toEqual([312304640n, 655360n])
  })
  it('runs timm\'s unfused path under PyTorch 1.13, which has no scaled_dot_product_attention', () => {
    // PyTorch 2.13 with TIMM_FUSED_ATTN=0 keeps 2,734,552 bytes; 1.13 also keeps `q * scale`'s float64 scalar (8 bytes) in each of the 12 blocks.
    expect(Number(analyze(vit(''), { input: '1,3,64,64', device: 'cpu', torch: '1.13' }).forward!.savedBytes)).toBe(2734552 + 12 * 8)
  })
})
