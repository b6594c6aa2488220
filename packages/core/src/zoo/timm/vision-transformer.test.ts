import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { failure, forward } from '../../../test/torchvision.js'

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
})
