import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'

const summary = (source: string) => {
  const r = analyze(source)
  return { params: Number(r.params.total), buffers: Number(r.buffers.total), modules: r.modules.length, first: r.tensors[0]!.name }
}

describe('timm FastVit', () => {
  it('builds the train-time branches: k×k and 1×1 conv + BatchNorm, and a BatchNorm identity', () => {
    const types = new Map(analyze("timm.create_model('fastvit_t8')").modules.map((m) => [m.path, m.type]))
    expect(['stem.0', 'stem.0.conv_kxk.0', 'stem.0.conv_scale.bn', 'stages.0.blocks.0.token_mixer', 'stages.0.blocks.0.token_mixer.norm.identity', 'stages.1.downsample.proj.0'].map((p) => types.get(p))).toEqual(['MobileOneBlock', 'ConvNormAct', 'BatchNormAct2d', 'RepMixer', 'BatchNorm2d', 'ReparamLargeKernelConv'])
  })
  it('builds the merged inference form with inference_mode=True, as PyTorch counts it', () => {
    expect(summary("timm.create_model('fastvit_sa12', inference_mode=True)")).toEqual({ params: 11545320, buffers: 7950, modules: 267, first: 'stem.0.reparam_conv.weight' })
    expect(summary("timm.create_model('fastvit_mci3', inference_mode=True)")).toEqual({ params: 125074272, buffers: 35756, modules: 785, first: 'stem.0.reparam_conv.weight' })
  })
  it('takes the MobileCLIP image towers\' embedding size from their tags', () => {
    expect(analyze("timm.create_model('fastvit_mci0.apple_mclip')").tensors.find((t) => t.name === 'head.fc.weight')!.shape).toEqual([512, 1024])
  })
})
