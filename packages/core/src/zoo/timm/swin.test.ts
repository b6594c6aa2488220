import { describe, expect, it } from 'vitest'
import { analyze, buildModule } from '../../analyze.js'
import { errorOf } from '../../../test/support.js'

const params = (source: string): number => Number(analyze(source).params.total)

describe('timm SwinTransformerV2 attention masks', () => {
  it("fails to build where a shifted window does not divide its stage's map, as timm 1.0.29 does while building", () => {
    // 192 / 4 / 2 / 2 = 12: stage 3 is 12×12, and its shifted 8×8 windows cannot partition it
    const e = errorOf(() => buildModule("timm.create_model('swinv2_tiny_window8_256', img_size=192)"))
    expect(e.code).toBe('shape')
    expect(e.message).toMatch(/^shape '\[1, 1, 8, 1, 8, 1\]' is invalid for input of size 144: /)
    expect(errorOf(() => buildModule("timm.create_model('swinv2_small_window16_256', img_size=(256, 192))")).message).toMatch(/^shape '\[1, 2, 16, 1, 16, 1\]' is invalid for input of size 768/)
  })
  it('builds where the windows divide the maps, where they shrink to a smaller map, and with masks made in the forward pass', () => {
    expect(params("timm.create_model('swinv2_tiny_window8_256', img_size=128)")).toBe(28347154)
    expect(params("timm.create_model('swinv2_tiny_window8_256', img_size=192, strict_img_size=False)")).toBe(28347154)
    // v1 pads its mask to whole windows
    expect(params("timm.create_model('swin_tiny_patch4_window7_224', img_size=192)")).toBe(28286050)
  })
})
