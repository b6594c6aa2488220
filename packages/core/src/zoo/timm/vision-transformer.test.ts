import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { failure } from '../../../test/torchvision.js'

// Output shapes and bytes autograd keeps (saved_tensors_hooks, each storage once; input excluded, then included),
// measured with PyTorch 2.13 (CPU) and timm 1.0.29.
function forward(source: string, input: string) {
  const f = analyze(source, { input, device: 'cpu' }).forward!
  return { output: [...f.outputs[0]!.shape], saved: Number(f.savedBytes), savedWithInput: Number(f.savedBytesWithInput) }
}
const saved = (source: string, input: string): number => forward(source, input).saved
const vit = (kwargs: string): string => `timm.create_model('vit_tiny_patch16_224', img_size=64, num_classes=10, ${kwargs})`

describe('timm VisionTransformer forward', () => {
  it('runs vit_base_patch16_224 on 2×3×224×224: 17.6 GMACs per image, 235,117,136 bytes saved (PyTorch 2.13)', () => {
    expect(forward("timm.create_model('vit_base_patch16_224')", '2,3,224,224')).toEqual({ output: [2, 1000], saved: 235117136, savedWithInput: 236321360 })
    expect(Number(analyze("timm.create_model('vit_base_patch16_224')", { input: '2,3,224,224', device: 'cpu' }).forward!.macs)).toBe(35135221248)
  })
  it('runs DINOv2 with registers at its 518×518 size, returning features', () => {
    expect(forward("timm.create_model('vit_small_patch14_reg4_dinov2')", '1,3,518,518')).toEqual({ output: [1, 384], saved: 458641200, savedWithInput: 461861088 })
  })
  it('checks the input size like PatchEmbed, unless dynamic_img_size=True', () => {
    expect(failure("timm.create_model('vit_base_patch16_224')", '1,3,384,384').message).toMatch(/^`patch_embed` \(PatchEmbed\) Input height \(384\) doesn't match model \(224\)/)
    expect(forward("timm.create_model('vit_base_patch16_224', dynamic_img_size=True)", '1,3,384,384')).toEqual({ output: [1, 1000], saved: 344321288, savedWithInput: 346090760 })
  })
  it('says which families have no forward model, and still counts their parameters', () => {
    expect(failure("timm.create_model('swin_tiny_patch4_window7_224')", '1,3,224,224').message).toMatch(/^`SwinTransformer` cannot run a forward pass: nnsize models the forward of timm's ResNet, ConvNeXt, ViT and EfficientNet families/)
    expect(Number(analyze("timm.create_model('swin_tiny_patch4_window7_224')").params.total)).toBe(28288354)
  })
  it("pools with x.amax, which keeps the tokens and the result (global_pool='max' and 'avgmax')", () => {
    expect(saved(vit("global_pool='max'"), '1,3,64,64')).toBe(2527064)
    expect(saved(vit("global_pool='avgmax'"), '2,3,64,64')).toBe(5055664)
  })
  it('gives the position embedding a row for every prefix token (reg_tokens without no_embed_class)', () => {
    expect(saved(vit('reg_tokens=4'), '1,3,64,64')).toBe(3136056)
    expect(saved(vit('reg_tokens=4'), '2,3,64,64')).toBe(6272112)
  })
  it('pads to a multiple of the patch size with dynamic_img_pad=True (a copy even when nothing is padded)', () => {
    const padded = "timm.create_model('vit_tiny_patch16_224', dynamic_img_size=True, dynamic_img_pad=True, num_classes=10)"
    expect(forward(padded, '1,3,70,90')).toEqual({ output: [1, 10], saved: 4721576, savedWithInput: 4721576 })
    expect(saved(padded, '1,3,64,96')).toBe(3807128)
  })
  it('keeps the distillation token of DeiT with dynamic_img_size=True', () => {
    expect(saved("timm.create_model('deit_tiny_distilled_patch16_224', dynamic_img_size=True, num_classes=10)", '1,3,64,96')).toBe(3882736)
  })
  it("reads x[:, 1:] as a view at batch 1 and a copy above in the map head (global_pool='map')", () => {
    expect(saved(vit("global_pool='map'"), '1,3,64,64')).toBe(2573292)
    expect(saved(vit("global_pool='map'"), '2,3,64,64')).toBe(5145048)
  })
  it("keeps gather's input and int64 index in PatchDropout (patch_drop_rate)", () => {
    expect(saved(vit('patch_drop_rate=0.5'), '1,3,64,64')).toBe(1357208)
    expect(saved(vit('patch_drop_rate=0.5'), '2,3,64,64')).toBe(2714416)
  })
})
