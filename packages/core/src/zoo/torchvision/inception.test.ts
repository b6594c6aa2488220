import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { counts, failure, forward, names } from '../../../test/torchvision.js'

describe('inception_v3', () => {
  it('has torchvision\'s 27,161,264 parameters in 292 tensors and 36,320 buffer elements', () => {
    expect(counts('inception_v3()')).toEqual({ class: 'Inception3', params: 27161264, paramTensors: 292, buffers: 36320, bufferBytes: 145664, bufferTensors: 288 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('inception_v3()', 'parameter', [0, 1, 97, 146, 290, 291])).toEqual([
      'Conv2d_1a_3x3.conv.weight [32,3,3,3]',
      'Conv2d_1a_3x3.bn.weight [32]',
      'Mixed_6b.branch7x7_2.bn.weight [128]',
      'Mixed_6c.branch7x7dbl_5.bn.bias [192]',
      'fc.weight [1000,2048]',
      'fc.bias [1000]',
    ])
    expect(names('inception_v3()', 'buffer', [0, 144, 287])).toEqual([
      'Conv2d_1a_3x3.bn.running_mean [32]',
      'Mixed_6c.branch7x7dbl_5.bn.running_mean [192]',
      'Mixed_7c.branch_pool.bn.num_batches_tracked []',
    ])
  })
  it('inception_v3(aux_logits=False): has torchvision\'s 23,834,568 parameters in 284 tensors and 34,526 buffer elements', () => {
    expect(counts('inception_v3(aux_logits=False)')).toEqual({ class: 'Inception3', params: 23834568, paramTensors: 284, buffers: 34526, bufferBytes: 138480, bufferTensors: 282 })
  })
  it('inception_v3(aux_logits=False): names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('inception_v3(aux_logits=False)', 'parameter', [0, 1, 94, 142, 282, 283])).toEqual([
      'Conv2d_1a_3x3.conv.weight [32,3,3,3]',
      'Conv2d_1a_3x3.bn.weight [32]',
      'Mixed_6b.branch7x7_1.bn.weight [128]',
      'Mixed_6c.branch7x7dbl_4.bn.weight [160]',
      'fc.weight [1000,2048]',
      'fc.bias [1000]',
    ])
    expect(names('inception_v3(aux_logits=False)', 'buffer', [0, 141, 281])).toEqual([
      'Conv2d_1a_3x3.bn.running_mean [32]',
      'Mixed_6c.branch7x7dbl_4.bn.running_mean [160]',
      'Mixed_7c.branch_pool.bn.num_batches_tracked []',
    ])
  })
  it('runs inception_v3() on 2×3×299×299: output (2, 1000), saves 195,632,384 bytes for backward', () => {
    expect(forward('inception_v3()', '2,3,299,299')).toEqual({ output: [2, 1000], saved: 195632384, savedWithInput: 197778008 })
  })
  it('runs inception_v3(aux_logits=False) on 1×3×150×150: output (1, 1000), saves 19,981,696 bytes for backward', () => {
    expect(forward('inception_v3(aux_logits=False)', '1,3,150,150')).toEqual({ output: [1, 1000], saved: 19981696, savedWithInput: 20251696 })
  })
  it('runs inception_v3(transform_input=True,aux_logits=False) on 2×3×96×96: output (2, 1000), saves 13,950,488 bytes for backward', () => {
    expect(forward('inception_v3(transform_input=True,aux_logits=False)', '2,3,96,96')).toEqual({ output: [2, 1000], saved: 13950488, savedWithInput: 13950488 })
  })
  it('returns (logits, aux_logits) in training and the logits alone in evaluation mode', () => {
    expect(analyze('inception_v3()', { input: '2,3,299,299' }).forward!.outputs.map((t) => t.shape)).toEqual([[2, 1000], [2, 1000]])
    expect(analyze('inception_v3().eval()', { input: '1,3,299,299' }).forward!.outputs.map((t) => t.shape)).toEqual([[1, 1000]])
  })
  it('needs a batch of 2 in training: the auxiliary head normalises a 1×1 map', () => {
    expect(failure('inception_v3()', '1,3,299,299').message).toMatch(/^`AuxLogits.conv1.bn` \(BatchNorm2d\) .*Expected more than 1 value per channel when training/)
  })
  it('rejects an image too small for the auxiliary head, as F.avg_pool2d does', () => {
    expect(failure('inception_v3()', '2,3,75,75').message).toBe('`AuxLogits` (InceptionAux) Given input size: (768x3x3). Calculated output size: (768x0x0). Output size is too small.')
  })
})
