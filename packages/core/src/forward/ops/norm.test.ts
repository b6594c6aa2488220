import { describe, expect, it } from 'vitest'
import { analyze } from '../../index.js'

const savedOnCpu = (expression: string, input: string): bigint => analyze(expression, { input, device: 'cpu' }).forward!.savedBytes

describe('the statistics fused norms keep, in half precision', () => {
  it('are in the input dtype on CPU unless a float32 weight, bias or running statistic makes the op mixed-type', () => {
    // Measured with PyTorch 2.13 (CPU kernels, training mode, saved-tensor hooks; parameters, buffers and the input
    // excluded): a model cast to the input's dtype keeps half-precision `save_mean`/`save_invstd`/`mean`/`rstd`; a
    // float32 model given a half-precision input keeps float32 ones
    const measured: Array<[string, string, bigint]> = [
      ['nn.BatchNorm2d(4).to(torch.bfloat16)', '2,4,3,3:bfloat16', 16n],
      ['nn.BatchNorm2d(4)', '2,4,3,3:bfloat16', 32n],
      ['nn.LayerNorm(5).half()', '2,5:float16', 8n],
      ['nn.LayerNorm(5)', '2,5:float16', 16n],
      ['nn.LayerNorm(5, elementwise_affine=False)', '2,5:float16', 8n],
      ['nn.GroupNorm(2, 4).to(torch.bfloat16)', '2,4,3:bfloat16', 16n],
      ['nn.InstanceNorm2d(4, affine=True).to(torch.bfloat16)', '2,4,3,3:bfloat16', 48n],
      // without a weight, the repeated float32 running statistics are seen in bfloat16 too
      ['nn.InstanceNorm2d(4, track_running_stats=True)', '2,4,3,3:bfloat16', 64n],
      ['nn.InstanceNorm2d(4, affine=True, track_running_stats=True)', '2,4,3,3:bfloat16', 160n],
    ]
    for (const [expression, input, bytes] of measured) expect([expression, savedOnCpu(expression, input)]).toEqual([expression, bytes])
  })

  it('are float32 on CUDA, whose kernels accumulate in float32', () => {
    // 8 float32 statistics of a (2, 4, 3, 3) input
    expect(analyze('nn.BatchNorm2d(4).to(torch.bfloat16)', { input: '2,4,3,3:bfloat16', device: 'cuda' }).forward!.savedBytes).toBe(32n)
  })

  it('refuse, on CPU, parameters of a dtype that is neither the input\'s nor float32 for a half-precision input', () => {
    // PyTorch 2.13 (CPU): `nn.LayerNorm(4).half()(torch.randn(2, 4))` raises "mixed dtype (CPU): expect parameter to
    // have scalar type of Float"; a float64 input to a float32 LayerNorm "… all inputs must share same datatype."
    expect(() => savedOnCpu('nn.LayerNorm(4).to(torch.bfloat16)', '2,4:float16')).toThrow('mixed dtype (CPU): expect parameter to have scalar type of Float')
    expect(() => savedOnCpu('nn.BatchNorm1d(4).half()', '2,4:float32')).toThrow('mixed dtype (CPU): expect parameter to have scalar type of Float')
    expect(() => savedOnCpu('nn.LayerNorm(4)', '2,4:float64')).toThrow('mixed dtype (CPU): all inputs must share same datatype.')
    expect(() => savedOnCpu('nn.InstanceNorm1d(4, track_running_stats=True)', '2,4,3:bfloat16')).not.toThrow()
  })
})

