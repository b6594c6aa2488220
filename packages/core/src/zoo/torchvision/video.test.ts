import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { counts, failure, forward, names } from '../../../test/torchvision.js'

/** Output shapes of every output, for models with several. */
function outputShapes(source: string, input: string): number[][] {
  return analyze(source, { input, device: 'cpu' }).forward!.outputs.map((o) => [...o.shape])
}

describe('video ResNets (r3d_18, mc3_18, r2plus1d_18)', () => {
  it('match torchvision 0.28 in size and class names', () => {
    expect(counts('torchvision.models.video.r2plus1d_18()')).toEqual({ class: 'VideoResNet', params: 31505325, paramTensors: 113, buffers: 25387, bufferBytes: 101696, bufferTensors: 111 })
    expect(counts('r3d_18()').params).toBe(33371472)
    expect(counts('mc3_18(num_classes=10)').params).toBe(11695440 - 390 * 513)
    const types = analyze('mc3_18()').modules
    expect(types.find((m) => m.path === 'layer1.0.conv1.0')!.type).toBe('Conv3DSimple')
    expect(types.find((m) => m.path === 'layer2.0.conv1.0')!.type).toBe('Conv3DNoTemporal')
  })
  it('save the bytes PyTorch 2.13 saves', () => {
    expect(forward('r3d_18()', '1,3,4,32,32')).toEqual({ output: [1, 400], saved: 3472896, savedWithInput: 3522048 })
    expect(forward('mc3_18()', '2,3,8,32,48')).toEqual({ output: [2, 400], saved: 28157440, savedWithInput: 28452352 })
    expect(forward('r2plus1d_18()', '1,3,8,32,32')).toEqual({ output: [1, 400], saved: 20472184, savedWithInput: 20570488 })
  })
  it('take Kinetics-400 weights', () => {
    expect(failure("r3d_18(weights='DEFAULT', num_classes=10)").message).toMatch(/^The parameter `num_classes` expected value 400 but got 10/)
  })
})

describe('s3d, swin3d, mvit', () => {
  it('match torchvision 0.28 in size', () => {
    expect(counts('s3d()')).toMatchObject({ class: 'S3D', params: 8320048, paramTensors: 233, buffers: 21293 })
    expect(counts('swin3d_s()')).toMatchObject({ class: 'SwinTransformer3d', params: 49816678, paramTensors: 329, buffers: 3687936, bufferBytes: 29503488 })
    expect(counts('swin3d_b()').params).toBe(88048984)
    expect(counts('mvit_v1_b()')).toMatchObject({ class: 'MViT', params: 36610672, paramTensors: 313, buffers: 0 })
    expect(counts('mvit_v2_s()').params).toBe(34537744)
    expect(names('mvit_v2_s()', 'parameter', [7, 8, 9])).toEqual(['blocks.0.attn.rel_pos_h [111,96]', 'blocks.0.attn.rel_pos_w [111,96]', 'blocks.0.attn.rel_pos_t [15,96]'])
  })
  it('return one (N, classes) tensor', () => {
    expect(outputShapes('swin3d_t()', '2,3,4,32,32')).toEqual([[2, 400]])
    expect(outputShapes('s3d(num_classes=7)', '1,3,16,224,224')).toEqual([[1, 7]])
  })
  it('MViT runs only on the clip size its builder fixes, as torchvision does', () => {
    expect(failure('mvit_v2_s()', '1,3,4,64,64').message).toMatch(/patch-embeds this input to a 2×16×16 token grid, but its blocks are built for 8×56×56/)
    expect(failure('mvit_v1_b(spatial_size=112)').code).toBe('unknown-argument')
  })
})

describe('raft_large, raft_small', () => {
  it('match torchvision 0.28 in size', () => {
    expect(counts('torchvision.models.optical_flow.raft_large()')).toMatchObject({ class: 'RAFT', params: 5257536, paramTensors: 124, buffers: 2895 })
    expect(counts('raft_small()')).toMatchObject({ params: 990162, buffers: 0 })
  })
  it('take two images and return the 12 flow predictions at full resolution', () => {
    expect(outputShapes('raft_small()', '1,3,128,128; 1,3,128,128')).toEqual(new Array(12).fill([1, 2, 128, 128]))
    expect(failure('raft_small()', '1,3,128,128').message).toMatch(/takes two images, `image1` and `image2`, got 1 input/)
    expect(failure('raft_small()', '1,3,100,128; 1,3,100,128').message).toMatch(/H and W should be divisible by 8, instead got 100 \(h\)/)
    expect(failure('raft_large()', '1,3,64,64; 1,3,64,64').message).toMatch(/H and W should be at least 128, got 64×64/)
  })
})
