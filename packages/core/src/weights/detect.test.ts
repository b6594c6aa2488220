import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { referenceDir } from '../../test/conformance/reference.js'
import { weightsFormatOf } from './detect.js'

const head = (path: string): Uint8Array => readFileSync(resolve(referenceDir, 'files', path)).subarray(0, 64)

describe('weightsFormatOf', () => {
  it('knows a weight file by its first bytes, whatever its name', () => {
    expect(weightsFormatOf(head('safetensors/mlp_f32.safetensors'), 'weights')).toBe('safetensors')
    expect(weightsFormatOf(head('gguf/tiny_llama_mixed.gguf'), 'x.txt')).toBe('gguf')
    expect(weightsFormatOf(head('pytorch/checkpoint_adam.pt'), 'ckpt')).toBe('pytorch')
    expect(weightsFormatOf(head('pytorch/mlp_legacy.pt'), 'legacy')).toBe('pytorch')
    expect(weightsFormatOf(head('keras/mlp.keras'), 'm')).toBe('pytorch') // a zip: which kind is read from its directory
    expect(weightsFormatOf(head('onnx/cnn_legacy.onnx'), 'model')).toBe('onnx')
    // safe_open (safetensors 0.8.0) reads a header with spaces or line breaks before its `{`.
    const spaced = new TextEncoder().encode('\u0040\u0000\u0000\u0000\u0000\u0000\u0000\u0000 \n\t{"a":{}}')
    expect(weightsFormatOf(spaced, 'weights')).toBe('safetensors')
  })
  it('says null for text and other files', () => {
    expect(weightsFormatOf(new TextEncoder().encode('nn.Linear(10, 20)\n'), 'model.txt')).toBeNull()
    expect(weightsFormatOf(new TextEncoder().encode('{"model_type": "llama"}'), 'config.json')).toBeNull()
    expect(weightsFormatOf(head('adversarial/image.bin'), 'image.bin')).toBeNull()
    // first bytes that could start a legacy torch.save pickle (a text LONG, PROTO) but are not one
    expect(weightsFormatOf(new TextEncoder().encode('Linear(10, 20)\n'), 'layers.txt')).toBeNull()
    expect(weightsFormatOf(new Uint8Array([0x80, 0x04, 0x95, 0x05, 0, 0, 0, 0, 0, 0, 0, 0x4b, 0x07, 0x2e]), 'seven.pkl')).toBeNull()
  })
})
