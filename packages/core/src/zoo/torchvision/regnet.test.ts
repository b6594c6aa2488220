import { describe, expect, it } from 'vitest'
import { regnetStages } from './regnet.js'
import { counts, forward, names } from '../../../test/torchvision.js'

describe('regnet_y_400mf', () => {
  it('has torchvision\'s 4,344,144 parameters in 225 tensors and 27,205 buffer elements', () => {
    expect(counts('regnet_y_400mf()')).toEqual({ class: 'RegNet', params: 4344144, paramTensors: 225, buffers: 27205, bufferBytes: 109032, bufferTensors: 159 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('regnet_y_400mf()', 'parameter', [0, 1, 75, 112, 223, 224])).toEqual([
      'stem.0.weight [32,3,3,3]',
      'stem.1.weight [32]',
      'trunk_output.block3.block3-0.f.c.1.weight [208]',
      'trunk_output.block3.block3-3.f.se.fc2.bias [208]',
      'fc.weight [1000,440]',
      'fc.bias [1000]',
    ])
    expect(names('regnet_y_400mf()', 'buffer', [0, 79, 158])).toEqual([
      'stem.1.running_mean [32]',
      'trunk_output.block3.block3-3.f.b.1.running_var [208]',
      'trunk_output.block4.block4-5.f.c.1.num_batches_tracked []',
    ])
  })
  it('runs regnet_y_400mf() on 1×3×224×224: output (1, 1000), saves 33,137,344 bytes for backward', () => {
    expect(forward('regnet_y_400mf()', '1,3,224,224')).toEqual({ output: [1, 1000], saved: 33137344, savedWithInput: 33739456 })
  })
  it('runs regnet_y_400mf() on 2×3×64×64: output (2, 1000), saves 5,573,760 bytes for backward', () => {
    expect(forward('regnet_y_400mf()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 5573760, savedWithInput: 5672064 })
  })
})

describe('regnet_y_800mf', () => {
  it('has torchvision\'s 6,432,512 parameters in 199 tensors and 30,479 buffer elements', () => {
    expect(counts('regnet_y_800mf()')).toEqual({ class: 'RegNet', params: 6432512, paramTensors: 199, buffers: 30479, bufferBytes: 122104, bufferTensors: 141 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('regnet_y_800mf()', 'parameter', [0, 1, 66, 99, 197, 198])).toEqual([
      'stem.0.weight [32,3,3,3]',
      'stem.1.weight [32]',
      'trunk_output.block3.block3-0.f.a.1.bias [320]',
      'trunk_output.block3.block3-2.f.se.fc2.bias [320]',
      'fc.weight [1000,784]',
      'fc.bias [1000]',
    ])
    expect(names('regnet_y_800mf()', 'buffer', [0, 70, 140])).toEqual([
      'stem.1.running_mean [32]',
      'trunk_output.block3.block3-2.f.b.1.running_var [320]',
      'trunk_output.block4.block4-1.f.c.1.num_batches_tracked []',
    ])
  })
  it('runs regnet_y_800mf() on 2×3×64×64: output (2, 1000), saves 7,740,736 bytes for backward', () => {
    expect(forward('regnet_y_800mf()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 7740736, savedWithInput: 7839040 })
  })
})

describe('regnet_y_1_6gf', () => {
  it('has torchvision\'s 11,202,430 parameters in 368 tensors and 52,758 buffer elements', () => {
    expect(counts('regnet_y_1_6gf()')).toEqual({ class: 'RegNet', params: 11202430, paramTensors: 368, buffers: 52758, bufferBytes: 211376, bufferTensors: 258 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('regnet_y_1_6gf()', 'parameter', [0, 1, 122, 184, 366, 367])).toEqual([
      'stem.0.weight [32,3,3,3]',
      'stem.1.weight [32]',
      'trunk_output.block3.block3-0.f.se.fc1.weight [30,336,1,1]',
      'trunk_output.block3.block3-5.f.b.0.weight [336,24,3,3]',
      'fc.weight [1000,888]',
      'fc.bias [1000]',
    ])
    expect(names('regnet_y_1_6gf()', 'buffer', [0, 129, 257])).toEqual([
      'stem.1.running_mean [32]',
      'trunk_output.block3.block3-5.f.a.1.running_mean [336]',
      'trunk_output.block4.block4-1.f.c.1.num_batches_tracked []',
    ])
  })
  it('runs regnet_y_1_6gf(stem_width=16) on 1×3×96×96: output (1, 1000), saves 13,059,912 bytes for backward', () => {
    expect(forward('regnet_y_1_6gf(stem_width=16)', '1,3,96,96')).toEqual({ output: [1, 1000], saved: 13059912, savedWithInput: 13170504 })
  })
  it('runs regnet_y_1_6gf() on 2×3×64×64: output (2, 1000), saves 11,980,528 bytes for backward', () => {
    expect(forward('regnet_y_1_6gf()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 11980528, savedWithInput: 12078832 })
  })
})

describe('regnet_y_3_2gf', () => {
  it('has torchvision\'s 19,436,338 parameters in 290 tensors and 66,228 buffer elements', () => {
    expect(counts('regnet_y_3_2gf()')).toEqual({ class: 'RegNet', params: 19436338, paramTensors: 290, buffers: 66228, bufferBytes: 265184, bufferTensors: 204 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('regnet_y_3_2gf()', 'parameter', [0, 1, 96, 145, 288, 289])).toEqual([
      'stem.0.weight [32,3,3,3]',
      'stem.1.weight [32]',
      'trunk_output.block2.block2-4.f.se.fc2.bias [216]',
      'trunk_output.block3.block3-3.f.b.0.weight [576,24,3,3]',
      'fc.weight [1000,1512]',
      'fc.bias [1000]',
    ])
    expect(names('regnet_y_3_2gf()', 'buffer', [0, 102, 203])).toEqual([
      'stem.1.running_mean [32]',
      'trunk_output.block3.block3-3.f.a.1.running_mean [576]',
      'trunk_output.block4.block4-0.f.c.1.num_batches_tracked []',
    ])
  })
  it('runs regnet_y_3_2gf() on 2×3×64×64: output (2, 1000), saves 16,626,256 bytes for backward', () => {
    expect(forward('regnet_y_3_2gf()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 16626256, savedWithInput: 16724560 })
  })
})

describe('regnet_y_8gf', () => {
  it('has torchvision\'s 39,381,472 parameters in 238 tensors and 86,584 buffer elements', () => {
    expect(counts('regnet_y_8gf()')).toEqual({ class: 'RegNet', params: 39381472, paramTensors: 238, buffers: 86584, bufferBytes: 346560, bufferTensors: 168 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('regnet_y_8gf()', 'parameter', [0, 1, 79, 119, 236, 237])).toEqual([
      'stem.0.weight [32,3,3,3]',
      'stem.1.weight [32]',
      'trunk_output.block2.block2-3.f.b.1.bias [448]',
      'trunk_output.block3.block3-2.f.b.0.weight [896,56,3,3]',
      'fc.weight [1000,2016]',
      'fc.bias [1000]',
    ])
    expect(names('regnet_y_8gf()', 'buffer', [0, 84, 167])).toEqual([
      'stem.1.running_mean [32]',
      'trunk_output.block3.block3-2.f.a.1.running_mean [896]',
      'trunk_output.block4.block4-0.f.c.1.num_batches_tracked []',
    ])
  })
  it('runs regnet_y_8gf() on 2×3×64×64: output (2, 1000), saves 28,516,544 bytes for backward', () => {
    expect(forward('regnet_y_8gf()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 28516544, savedWithInput: 28614848 })
  })
})

describe('regnet_y_16gf', () => {
  it('has torchvision\'s 83,590,140 parameters in 251 tensors and 122,875 buffer elements', () => {
    expect(counts('regnet_y_16gf()')).toEqual({ class: 'RegNet', params: 83590140, paramTensors: 251, buffers: 122875, bufferBytes: 491736, bufferTensors: 177 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('regnet_y_16gf()', 'parameter', [0, 1, 83, 125, 249, 250])).toEqual([
      'stem.0.weight [32,3,3,3]',
      'stem.1.weight [32]',
      'trunk_output.block2.block2-3.f.se.fc2.bias [448]',
      'trunk_output.block3.block3-2.f.se.fc2.bias [1232]',
      'fc.weight [1000,3024]',
      'fc.bias [1000]',
    ])
    expect(names('regnet_y_16gf()', 'buffer', [0, 88, 176])).toEqual([
      'stem.1.running_mean [32]',
      'trunk_output.block3.block3-2.f.b.1.running_var [1232]',
      'trunk_output.block4.block4-0.f.c.1.num_batches_tracked []',
    ])
  })
  it('runs regnet_y_16gf() on 2×3×64×64: output (2, 1000), saves 33,635,616 bytes for backward', () => {
    expect(forward('regnet_y_16gf()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 33635616, savedWithInput: 33733920 })
  })
})

describe('regnet_y_32gf', () => {
  it('has torchvision\'s 145,046,770 parameters in 277 tensors and 158,353 buffer elements', () => {
    expect(counts('regnet_y_32gf()')).toEqual({ class: 'RegNet', params: 145046770, paramTensors: 277, buffers: 158353, bufferBytes: 633672, bufferTensors: 195 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('regnet_y_32gf()', 'parameter', [0, 1, 92, 138, 275, 276])).toEqual([
      'stem.0.weight [32,3,3,3]',
      'stem.1.weight [32]',
      'trunk_output.block2.block2-4.f.b.1.bias [696]',
      'trunk_output.block3.block3-2.f.se.fc2.bias [1392]',
      'fc.weight [1000,3712]',
      'fc.bias [1000]',
    ])
    expect(names('regnet_y_32gf()', 'buffer', [0, 97, 194])).toEqual([
      'stem.1.running_mean [32]',
      'trunk_output.block3.block3-2.f.b.1.running_var [1392]',
      'trunk_output.block4.block4-0.f.c.1.num_batches_tracked []',
    ])
  })
  it('runs regnet_y_32gf() on 2×3×64×64: output (2, 1000), saves 44,439,888 bytes for backward', () => {
    expect(forward('regnet_y_32gf()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 44439888, savedWithInput: 44538192 })
  })
})

describe('regnet_y_128gf', () => {
  it('has torchvision\'s 644,812,894 parameters in 368 tensors and 415,158 buffer elements', () => {
    expect(counts('regnet_y_128gf()')).toEqual({ class: 'RegNet', params: 644812894, paramTensors: 368, buffers: 415158, bufferBytes: 1660976, bufferTensors: 258 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('regnet_y_128gf()', 'parameter', [0, 1, 122, 184, 366, 367])).toEqual([
      'stem.0.weight [32,3,3,3]',
      'stem.1.weight [32]',
      'trunk_output.block2.block2-6.f.se.fc2.bias [1056]',
      'trunk_output.block3.block3-4.f.b.0.weight [2904,264,3,3]',
      'fc.weight [1000,7392]',
      'fc.bias [1000]',
    ])
    expect(names('regnet_y_128gf()', 'buffer', [0, 129, 257])).toEqual([
      'stem.1.running_mean [32]',
      'trunk_output.block3.block3-4.f.a.1.running_mean [2904]',
      'trunk_output.block4.block4-0.f.c.1.num_batches_tracked []',
    ])
  })
  it('runs regnet_y_128gf() on 2×3×64×64: output (2, 1000), saves 106,535,920 bytes for backward', () => {
    expect(forward('regnet_y_128gf()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 106535920, savedWithInput: 106634224 })
  })
})

describe('regnet_x_400mf', () => {
  it('has torchvision\'s 5,495,976 parameters in 215 tensors and 37,927 buffer elements', () => {
    expect(counts('regnet_x_400mf()')).toEqual({ class: 'RegNet', params: 5495976, paramTensors: 215, buffers: 37927, bufferBytes: 151992, bufferTensors: 213 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('regnet_x_400mf()', 'parameter', [0, 1, 71, 107, 213, 214])).toEqual([
      'stem.0.weight [32,3,3,3]',
      'stem.1.weight [32]',
      'trunk_output.block3.block3-3.f.b.1.bias [160]',
      'trunk_output.block4.block4-0.f.a.1.bias [400]',
      'fc.weight [1000,400]',
      'fc.bias [1000]',
    ])
    expect(names('regnet_x_400mf()', 'buffer', [0, 106, 212])).toEqual([
      'stem.1.running_mean [32]',
      'trunk_output.block4.block4-0.f.a.1.running_var [400]',
      'trunk_output.block4.block4-11.f.c.1.num_batches_tracked []',
    ])
  })
  it('runs regnet_x_400mf() on 2×3×64×64: output (2, 1000), saves 4,168,192 bytes for backward', () => {
    expect(forward('regnet_x_400mf()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 4168192, savedWithInput: 4266496 })
  })
})

describe('regnet_x_800mf', () => {
  it('has torchvision\'s 7,259,656 parameters in 161 tensors and 37,365 buffer elements', () => {
    expect(counts('regnet_x_800mf()')).toEqual({ class: 'RegNet', params: 7259656, paramTensors: 161, buffers: 37365, bufferBytes: 149672, bufferTensors: 159 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('regnet_x_800mf()', 'parameter', [0, 1, 53, 80, 159, 160])).toEqual([
      'stem.0.weight [32,3,3,3]',
      'stem.1.weight [32]',
      'trunk_output.block3.block3-0.f.b.1.bias [288]',
      'trunk_output.block3.block3-3.f.b.1.bias [288]',
      'fc.weight [1000,672]',
      'fc.bias [1000]',
    ])
    expect(names('regnet_x_800mf()', 'buffer', [0, 79, 158])).toEqual([
      'stem.1.running_mean [32]',
      'trunk_output.block3.block3-3.f.b.1.running_var [288]',
      'trunk_output.block4.block4-4.f.c.1.num_batches_tracked []',
    ])
  })
  it('runs regnet_x_800mf(num_classes=10) on 2×3×64×64: output (2, 10), saves 6,623,232 bytes for backward', () => {
    expect(forward('regnet_x_800mf(num_classes=10)', '2,3,64,64')).toEqual({ output: [2, 10], saved: 6623232, savedWithInput: 6721536 })
  })
  it('runs regnet_x_800mf() on 2×3×64×64: output (2, 1000), saves 6,623,232 bytes for backward', () => {
    expect(forward('regnet_x_800mf()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 6623232, savedWithInput: 6721536 })
  })
})

describe('regnet_x_1_6gf', () => {
  it('has torchvision\'s 9,190,136 parameters in 179 tensors and 43,563 buffer elements', () => {
    expect(counts('regnet_x_1_6gf()')).toEqual({ class: 'RegNet', params: 9190136, paramTensors: 179, buffers: 43563, bufferBytes: 174488, bufferTensors: 177 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('regnet_x_1_6gf()', 'parameter', [0, 1, 59, 89, 177, 178])).toEqual([
      'stem.0.weight [32,3,3,3]',
      'stem.1.weight [32]',
      'trunk_output.block2.block2-3.f.b.1.bias [168]',
      'trunk_output.block3.block3-2.f.b.1.bias [408]',
      'fc.weight [1000,912]',
      'fc.bias [1000]',
    ])
    expect(names('regnet_x_1_6gf()', 'buffer', [0, 88, 176])).toEqual([
      'stem.1.running_mean [32]',
      'trunk_output.block3.block3-2.f.b.1.running_var [408]',
      'trunk_output.block4.block4-1.f.c.1.num_batches_tracked []',
    ])
  })
  it('runs regnet_x_1_6gf() on 2×3×64×64: output (2, 1000), saves 10,227,264 bytes for backward', () => {
    expect(forward('regnet_x_1_6gf()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 10227264, savedWithInput: 10325568 })
  })
})

describe('regnet_x_3_2gf', () => {
  it('has torchvision\'s 15,296,552 parameters in 242 tensors and 62,640 buffer elements', () => {
    expect(counts('regnet_x_3_2gf()')).toEqual({ class: 'RegNet', params: 15296552, paramTensors: 242, buffers: 62640, bufferBytes: 250880, bufferTensors: 240 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('regnet_x_3_2gf()', 'parameter', [0, 1, 80, 121, 240, 241])).toEqual([
      'stem.0.weight [32,3,3,3]',
      'stem.1.weight [32]',
      'trunk_output.block2.block2-5.f.c.1.bias [192]',
      'trunk_output.block3.block3-4.f.a.1.weight [432]',
      'fc.weight [1000,1008]',
      'fc.bias [1000]',
    ])
    expect(names('regnet_x_3_2gf()', 'buffer', [0, 120, 239])).toEqual([
      'stem.1.running_mean [32]',
      'trunk_output.block3.block3-4.f.a.1.running_mean [432]',
      'trunk_output.block4.block4-1.f.c.1.num_batches_tracked []',
    ])
  })
  it('runs regnet_x_3_2gf() on 2×3×64×64: output (2, 1000), saves 14,721,792 bytes for backward', () => {
    expect(forward('regnet_x_3_2gf()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 14721792, savedWithInput: 14820096 })
  })
})

describe('regnet_x_8gf', () => {
  it('has torchvision\'s 39,572,648 parameters in 224 tensors and 90,538 buffer elements', () => {
    expect(counts('regnet_x_8gf()')).toEqual({ class: 'RegNet', params: 39572648, paramTensors: 224, buffers: 90538, bufferBytes: 362448, bufferTensors: 222 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('regnet_x_8gf()', 'parameter', [0, 1, 74, 112, 222, 223])).toEqual([
      'stem.0.weight [32,3,3,3]',
      'stem.1.weight [32]',
      'trunk_output.block3.block3-0.proj.1.bias [720]',
      'trunk_output.block3.block3-4.f.a.1.weight [720]',
      'fc.weight [1000,1920]',
      'fc.bias [1000]',
    ])
    expect(names('regnet_x_8gf()', 'buffer', [0, 111, 221])).toEqual([
      'stem.1.running_mean [32]',
      'trunk_output.block3.block3-4.f.a.1.running_mean [720]',
      'trunk_output.block4.block4-0.f.c.1.num_batches_tracked []',
    ])
  })
  it('runs regnet_x_8gf() on 2×3×64×64: output (2, 1000), saves 18,299,264 bytes for backward', () => {
    expect(forward('regnet_x_8gf()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 18299264, savedWithInput: 18397568 })
  })
})

describe('regnet_x_16gf', () => {
  it('has torchvision\'s 54,278,536 parameters in 215 tensors and 111,239 buffer elements', () => {
    expect(counts('regnet_x_16gf()')).toEqual({ class: 'RegNet', params: 54278536, paramTensors: 215, buffers: 111239, bufferBytes: 445240, bufferTensors: 213 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('regnet_x_16gf()', 'parameter', [0, 1, 71, 107, 213, 214])).toEqual([
      'stem.0.weight [32,3,3,3]',
      'stem.1.weight [32]',
      'trunk_output.block2.block2-4.f.c.1.bias [512]',
      'trunk_output.block3.block3-2.f.b.1.bias [896]',
      'fc.weight [1000,2048]',
      'fc.bias [1000]',
    ])
    expect(names('regnet_x_16gf()', 'buffer', [0, 106, 212])).toEqual([
      'stem.1.running_mean [32]',
      'trunk_output.block3.block3-2.f.b.1.running_var [896]',
      'trunk_output.block4.block4-0.f.c.1.num_batches_tracked []',
    ])
  })
  it('runs regnet_x_16gf() on 2×3×64×64: output (2, 1000), saves 32,819,456 bytes for backward', () => {
    expect(forward('regnet_x_16gf()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 32819456, savedWithInput: 32917760 })
  })
})

describe('regnet_x_32gf', () => {
  it('has torchvision\'s 107,811,560 parameters in 224 tensors and 162,090 buffer elements', () => {
    expect(counts('regnet_x_32gf()')).toEqual({ class: 'RegNet', params: 107811560, paramTensors: 224, buffers: 162090, bufferBytes: 648656, bufferTensors: 222 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('regnet_x_32gf()', 'parameter', [0, 1, 74, 112, 222, 223])).toEqual([
      'stem.0.weight [32,3,3,3]',
      'stem.1.weight [32]',
      'trunk_output.block2.block2-5.f.a.1.bias [672]',
      'trunk_output.block3.block3-2.f.a.1.weight [1344]',
      'fc.weight [1000,2520]',
      'fc.bias [1000]',
    ])
    expect(names('regnet_x_32gf()', 'buffer', [0, 111, 221])).toEqual([
      'stem.1.running_mean [32]',
      'trunk_output.block3.block3-2.f.a.1.running_mean [1344]',
      'trunk_output.block4.block4-0.f.c.1.num_batches_tracked []',
    ])
  })
  it('runs regnet_x_32gf() on 2×3×64×64: output (2, 1000), saves 46,797,120 bytes for backward', () => {
    expect(forward('regnet_x_32gf()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 46797120, savedWithInput: 46895424 })
  })
})

describe('regnetStages', () => {
  it('quantises widths into stages as torchvision\'s float32 BlockParams does', () => {
    expect(regnetStages({ depth: 16, w_0: 48, w_a: 27.89, w_m: 2.09, group_width: 8, se_ratio: 0.25 })).toEqual([
      { width: 48, depth: 1, group_width: 8 },
      { width: 104, depth: 3, group_width: 8 },
      { width: 208, depth: 6, group_width: 8 },
      { width: 440, depth: 6, group_width: 8 },
    ])
    expect(regnetStages({ depth: 27, w_0: 456, w_a: 160.83, w_m: 2.52, group_width: 264, se_ratio: 0.25 }).map((s) => [s.width, s.depth])).toEqual([[528, 2], [1056, 7], [2904, 17], [7392, 1]])
    expect(regnetStages({ depth: 23, w_0: 320, w_a: 69.86, w_m: 2.0, group_width: 168, se_ratio: null }).map((s) => [s.width, s.depth])).toEqual([[336, 2], [672, 7], [1344, 13], [2520, 1]])
  })
})
