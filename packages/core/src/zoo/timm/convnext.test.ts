import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { forward } from '../../../test/torchvision.js'

const run = (source: string, input: string) => analyze(source, { input, device: 'cpu' }).forward!

describe('timm ConvNeXt forward', () => {
  it('runs convnext_tiny on 2×3×224×224: output (2, 1000), 8.9 GMACs', () => {
    const f = run("timm.create_model('convnext_tiny')", '2,3,224,224')
    expect(f.outputs[0]!.shape).toEqual([2, 1000])
    expect(Number(f.macs)).toBe(8917085184)
  })
  it('runs ConvNeXt-V2 (GlobalResponseNorm blocks) and returns features with num_classes=0', () => {
    const f = run("timm.create_model('convnextv2_atto')", '1,3,224,224')
    expect([f.outputs[0]!.shape, Number(f.macs)]).toEqual([[1, 1000], 553056000])
    expect(forward("timm.create_model('convnext_tiny', num_classes=0)", '1,3,224,224').output).toEqual([1, 768])
  })
  it('reads like print(model): timm\'s module classes', () => {
    const types = new Map(analyze("timm.create_model('convnextv2_atto')").modules.map((m) => [m.path, m.type]))
    expect(['', 'stem.1', 'stages.0', 'stages.0.blocks.0', 'stages.0.blocks.0.mlp', 'stages.0.blocks.0.mlp.grn', 'head', 'head.norm'].map((p) => types.get(p))).toEqual(['ConvNeXt', 'LayerNorm2d', 'ConvNeXtStage', 'ConvNeXtBlock', 'GlobalResponseNormMlp', 'GlobalResponseNorm', 'NormMlpClassifierHead', 'LayerNorm2d'])
  })
})
