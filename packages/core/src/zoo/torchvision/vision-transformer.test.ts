import { describe, expect, it } from 'vitest'
import { counts, failure, forward, names } from '../../../test/torchvision.js'

describe('vit_b_16', () => {
  it('has torchvision\'s 86,567,656 parameters in 152 tensors and 0 buffer elements', () => {
    expect(counts('vit_b_16()')).toEqual({ class: 'VisionTransformer', params: 86567656, paramTensors: 152, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('vit_b_16()', 'parameter', [0, 1, 50, 76, 150, 151])).toEqual([
      'class_token [1,1,768]',
      'conv_proj.weight [768,3,16,16]',
      'encoder.layers.encoder_layer_3.mlp.3.weight [768,3072]',
      'encoder.layers.encoder_layer_6.ln_1.weight [768]',
      'heads.head.weight [1000,768]',
      'heads.head.bias [1000]',
    ])
  })
  it('vit_b_16(image_size=384, representation_size=768): has torchvision\'s 87,450,088 parameters in 154 tensors and 0 buffer elements', () => {
    expect(counts('vit_b_16(image_size=384, representation_size=768)')).toEqual({ class: 'VisionTransformer', params: 87450088, paramTensors: 154, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('vit_b_16(image_size=384, representation_size=768): names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('vit_b_16(image_size=384, representation_size=768)', 'parameter', [0, 1, 51, 77, 152, 153])).toEqual([
      'class_token [1,1,768]',
      'conv_proj.weight [768,3,16,16]',
      'encoder.layers.encoder_layer_3.mlp.3.bias [768]',
      'encoder.layers.encoder_layer_6.ln_1.bias [768]',
      'heads.head.weight [1000,768]',
      'heads.head.bias [1000]',
    ])
  })
  it('runs vit_b_16() on 1×3×224×224: output (1, 1000), saves 139,799,176 bytes for backward', () => {
    expect(forward('vit_b_16()', '1,3,224,224')).toEqual({ output: [1, 1000], saved: 139799176, savedWithInput: 140401288 })
  })
  it('runs vit_b_16(image_size=64) on 2×3×64×64: output (2, 1000), saves 20,602,736 bytes for backward', () => {
    expect(forward('vit_b_16(image_size=64)', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 20602736, savedWithInput: 20701040 })
  })
  it('takes only images of its image_size', () => {
    expect(failure('vit_b_16()', '1,3,64,64').message).toBe('`VisionTransformer` Wrong image height! Expected 224 but got 64! (Build it with `image_size=64` for other sizes.)')
    expect(failure('vit_b_16(image_size=100)').message).toBe('Input shape indivisible by patch size! `image_size` 100 is not a multiple of the patch size 16.')
  })
})

describe('vit_b_32', () => {
  it('has torchvision\'s 88,224,232 parameters in 152 tensors and 0 buffer elements', () => {
    expect(counts('vit_b_32()')).toEqual({ class: 'VisionTransformer', params: 88224232, paramTensors: 152, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('vit_b_32()', 'parameter', [0, 1, 50, 76, 150, 151])).toEqual([
      'class_token [1,1,768]',
      'conv_proj.weight [768,3,32,32]',
      'encoder.layers.encoder_layer_3.mlp.3.weight [768,3072]',
      'encoder.layers.encoder_layer_6.ln_1.weight [768]',
      'heads.head.weight [1000,768]',
      'heads.head.bias [1000]',
    ])
  })
  it('runs vit_b_32(image_size=64) on 2×3×64×64: output (2, 1000), saves 5,990,576 bytes for backward', () => {
    expect(forward('vit_b_32(image_size=64)', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 5990576, savedWithInput: 6088880 })
  })
  it('runs vit_b_32(image_size=64,dropout=0.1,attention_dropout=0.1,representation_size=32) on 1×3×64×64: output (1, 1000), saves 4,145,544 bytes for backward', () => {
    expect(forward('vit_b_32(image_size=64,dropout=0.1,attention_dropout=0.1,representation_size=32)', '1,3,64,64')).toEqual({ output: [1, 1000], saved: 4145544, savedWithInput: 4194696 })
  })
  it('runs vit_b_32(image_size=128) on 2×3×128×128: output (2, 1000), saves 20,602,736 bytes for backward', () => {
    expect(forward('vit_b_32(image_size=128)', '2,3,128,128')).toEqual({ output: [2, 1000], saved: 20602736, savedWithInput: 20995952 })
  })
})

describe('vit_l_16', () => {
  it('has torchvision\'s 304,326,632 parameters in 296 tensors and 0 buffer elements', () => {
    expect(counts('vit_l_16()')).toEqual({ class: 'VisionTransformer', params: 304326632, paramTensors: 296, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('vit_l_16()', 'parameter', [0, 1, 98, 148, 294, 295])).toEqual([
      'class_token [1,1,1024]',
      'conv_proj.weight [1024,3,16,16]',
      'encoder.layers.encoder_layer_7.mlp.3.weight [1024,4096]',
      'encoder.layers.encoder_layer_12.ln_1.weight [1024]',
      'heads.head.weight [1000,1024]',
      'heads.head.bias [1000]',
    ])
  })
  it('runs vit_l_16(image_size=64) on 2×3×64×64: output (2, 1000), saves 54,657,232 bytes for backward', () => {
    expect(forward('vit_l_16(image_size=64)', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 54657232, savedWithInput: 54755536 })
  })
})

describe('vit_l_32', () => {
  it('has torchvision\'s 306,535,400 parameters in 296 tensors and 0 buffer elements', () => {
    expect(counts('vit_l_32()')).toEqual({ class: 'VisionTransformer', params: 306535400, paramTensors: 296, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('vit_l_32()', 'parameter', [0, 1, 98, 148, 294, 295])).toEqual([
      'class_token [1,1,1024]',
      'conv_proj.weight [1024,3,32,32]',
      'encoder.layers.encoder_layer_7.mlp.3.weight [1024,4096]',
      'encoder.layers.encoder_layer_12.ln_1.weight [1024]',
      'heads.head.weight [1000,1024]',
      'heads.head.bias [1000]',
    ])
  })
  it('runs vit_l_32(image_size=128) on 2×3×128×128: output (2, 1000), saves 54,657,232 bytes for backward', () => {
    expect(forward('vit_l_32(image_size=128)', '2,3,128,128')).toEqual({ output: [2, 1000], saved: 54657232, savedWithInput: 55050448 })
  })
})

describe('vit_h_14', () => {
  it('has torchvision\'s 632,045,800 parameters in 392 tensors and 0 buffer elements', () => {
    expect(counts('vit_h_14()')).toEqual({ class: 'VisionTransformer', params: 632045800, paramTensors: 392, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('vit_h_14()', 'parameter', [0, 1, 130, 196, 390, 391])).toEqual([
      'class_token [1,1,1280]',
      'conv_proj.weight [1280,3,14,14]',
      'encoder.layers.encoder_layer_10.ln_2.weight [1280]',
      'encoder.layers.encoder_layer_16.ln_1.weight [1280]',
      'heads.head.weight [1000,1280]',
      'heads.head.bias [1000]',
    ])
  })
  it('runs vit_h_14(image_size=56) on 2×3×56×56: output (2, 1000), saves 90,678,800 bytes for backward', () => {
    expect(forward('vit_h_14(image_size=56)', '2,3,56,56')).toEqual({ output: [2, 1000], saved: 90678800, savedWithInput: 90754064 })
  })
})
