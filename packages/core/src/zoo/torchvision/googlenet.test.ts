import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { counts, forward, names } from '../../../test/torchvision.js'

describe('googlenet', () => {
  it('has torchvision\'s 13,004,888 parameters in 187 tensors and 15,131 buffer elements', () => {
    expect(counts('googlenet()')).toEqual({ class: 'GoogLeNet', params: 13004888, paramTensors: 187, buffers: 15131, bufferBytes: 60760, bufferTensors: 177 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('googlenet()', 'parameter', [0, 1, 62, 93, 185, 186])).toEqual([
      'conv1.conv.weight [64,3,7,7]',
      'conv1.bn.weight [64]',
      'inception4a.branch4.1.bn.bias [64]',
      'inception4c.branch3.1.conv.weight [64,24,3,3]',
      'fc.weight [1000,1024]',
      'fc.bias [1000]',
    ])
    expect(names('googlenet()', 'buffer', [0, 88, 176])).toEqual([
      'conv1.bn.running_mean [64]',
      'inception4c.branch2.1.bn.running_var [256]',
      'aux2.conv.bn.num_batches_tracked []',
    ])
  })
  it('googlenet(aux_logits=False): has torchvision\'s 6,624,904 parameters in 173 tensors and 14,617 buffer elements', () => {
    expect(counts('googlenet(aux_logits=False)')).toEqual({ class: 'GoogLeNet', params: 6624904, paramTensors: 173, buffers: 14617, bufferBytes: 58696, bufferTensors: 171 })
  })
  it('googlenet(aux_logits=False): names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('googlenet(aux_logits=False)', 'parameter', [0, 1, 57, 86, 171, 172])).toEqual([
      'conv1.conv.weight [64,3,7,7]',
      'conv1.bn.weight [64]',
      'inception4a.branch3.1.conv.weight [48,16,3,3]',
      'inception4c.branch2.0.bn.bias [128]',
      'fc.weight [1000,1024]',
      'fc.bias [1000]',
    ])
    expect(names('googlenet(aux_logits=False)', 'buffer', [0, 85, 170])).toEqual([
      'conv1.bn.running_mean [64]',
      'inception4c.branch2.0.bn.running_var [128]',
      'inception5b.branch4.1.bn.num_batches_tracked []',
    ])
  })
  it('runs googlenet() on 1×3×224×224: output (1, 1000), saves 47,953,664 bytes for backward', () => {
    expect(forward('googlenet()', '1,3,224,224')).toEqual({ output: [1, 1000], saved: 47953664, savedWithInput: 48555776 })
  })
  it('runs googlenet(aux_logits=False,transform_input=True) on 2×3×96×96: output (2, 1000), saves 17,840,792 bytes for backward', () => {
    expect(forward('googlenet(aux_logits=False,transform_input=True)', '2,3,96,96')).toEqual({ output: [2, 1000], saved: 17840792, savedWithInput: 17840792 })
  })
  it('runs googlenet() on 2×3×64×64: output (2, 1000), saves 8,122,240 bytes for backward', () => {
    expect(forward('googlenet()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 8122240, savedWithInput: 8220544 })
  })
  it('returns (logits, aux2, aux1) in training and the logits alone in evaluation mode', () => {
    expect(analyze('googlenet()', { input: '2,3,224,224' }).forward!.outputs.map((t) => t.shape)).toEqual([[2, 1000], [2, 1000], [2, 1000]])
    expect(analyze('googlenet().eval()', { input: '1,3,224,224' }).forward!.outputs.map((t) => t.shape)).toEqual([[1, 1000]])
  })
})
