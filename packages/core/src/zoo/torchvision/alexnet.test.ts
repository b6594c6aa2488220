import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'

/** Class, parameter and buffer totals and tensor counts, as torchvision reports them. */
function counts(source: string) {
  const r = analyze(source)
  const params = r.tensors.filter((t) => t.kind === 'parameter')
  return { class: r.module, params: Number(r.params.total), paramTensors: params.length, buffers: Number(r.buffers.total), bufferBytes: Number(r.buffers.bytes), bufferTensors: r.tensors.length - params.length }
}

/** The names of the parameters (or buffers) at the given positions of `named_parameters()` (`named_buffers()`). */
function names(source: string, kind: 'parameter' | 'buffer', at: readonly number[]) {
  const all = analyze(source).tensors.filter((t) => t.kind === kind)
  return at.map((i) => `${all[i]!.name} ${JSON.stringify(all[i]!.shape)}`)
}

/** The error code and message `analyze` throws. */
function failure(source: string, input?: string) {
  try {
    analyze(source, input === undefined ? {} : { input, device: 'cpu' })
  } catch (error) {
    const { code, message } = error as { code: string; message: string }
    return { code, message }
  }
  throw new Error(`${source} did not fail`)
}

/** Output shape and bytes saved for backward (without and with the input), cpu profile. */
function forward(source: string, input: string) {
  const f = analyze(source, { input, device: 'cpu' }).forward!
  return { output: [...f.outputs[0]!.shape], saved: Number(f.savedBytes), savedWithInput: Number(f.savedBytesWithInput) }
}

describe('alexnet', () => {
  it('has torchvision\'s 61,100,840 parameters in 16 tensors and 0 buffer elements', () => {
    expect(counts('alexnet()')).toEqual({ class: 'AlexNet', params: 61100840, paramTensors: 16, buffers: 0, bufferBytes: 0, bufferTensors: 0 })
  })
  it('names and shapes its tensors as torchvision\'s state_dict', () => {
    expect(names('alexnet()', 'parameter', [0, 1, 5, 8, 14, 15])).toEqual([
      'features.0.weight [64,3,11,11]',
      'features.0.bias [64]',
      'features.6.bias [384]',
      'features.10.weight [256,256,3,3]',
      'classifier.6.weight [1000,4096]',
      'classifier.6.bias [1000]',
    ])
  })
  it('runs alexnet() on 1×3×224×224: output (1, 1000), saves 3,139,072 bytes for backward', () => {
    expect(forward('alexnet()', '1,3,224,224')).toEqual({ output: [1, 1000], saved: 3139072, savedWithInput: 3741184 })
  })
  it('runs alexnet(num_classes=10) on 2×3×128×128: output (2, 10), saves 2,094,080 bytes for backward', () => {
    expect(forward('alexnet(num_classes=10)', '2,3,128,128')).toEqual({ output: [2, 10], saved: 2094080, savedWithInput: 2487296 })
  })
  it('runs alexnet() on 2×3×64×64: output (2, 1000), saves 656,384 bytes for backward', () => {
    expect(forward('alexnet()', '2,3,64,64')).toEqual({ output: [2, 1000], saved: 656384, savedWithInput: 754688 })
  })
})
