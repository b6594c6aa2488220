import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { analyze } from '../src/index.js'

const gpt2 = readFileSync(new URL('./fixtures/models/gpt2.py', import.meta.url), 'utf8')

describe('a GPT-2 model file (test/fixtures/models/gpt2.py), as PyTorch 2.13 builds it', () => {
  it('counts 124,439,808 parameters with the tied embedding once, and the causal masks as non-persistent buffers', () => {
    const r = analyze({ files: { 'gpt2.py': gpt2 }, main: 'gpt2.py', entry: 'GPT(GPTConfig())' })
    expect(r.params.total).toBe(124_439_808n)
    const params = r.tensors.filter((t) => t.kind === 'parameter')
    expect(params.length).toBe(148)
    expect(params.slice(0, 4).map((t) => t.name)).toEqual(['transformer.wte.weight', 'transformer.wpe.weight', 'transformer.h.0.ln_1.weight', 'transformer.h.0.ln_1.bias'])
    expect(params.some((t) => t.name === 'lm_head.weight')).toBe(false)
    expect(r.buffers.total).toBe(12n * 1024n * 1024n)
    expect(r.tensors.filter((t) => t.kind === 'buffer' && !t.persistent)).toHaveLength(12)
    expect(r.notes).toEqual(['number of parameters: 123.65M'])
  })
})

const unetDir = new URL('./fixtures/models/unet/', import.meta.url)
const unet = Object.fromEntries(readdirSync(new URL('unet/', unetDir)).map((name) => [`unet/${name}`, readFileSync(new URL(`unet/${name}`, unetDir), 'utf8')]))

describe('a U-Net package (test/fixtures/models/unet: `from .blocks import *`, F.pad to the skip connection), as PyTorch 2.13 builds and runs it', () => {
  // Measured with test/fixtures/real/scripts/measure_convnets.py's method (PyTorch 2.13.0 CPU, training mode, saved-tensor hooks,
  // FlopCounterMode). The same layout as the U-Net of milesial/Pytorch-UNet, which has the same 31,037,698 parameters.
  const cases: Array<[entry: string, input: string, params: bigint, buffers: bigint, output: number[], saved: bigint, savedWithInput: bigint, convFlops: bigint]> = [
    ['UNet(3, 2)', '2,3,37,41', 31_037_698n, 11_794n, [2, 2, 37, 41], 15_295_488n, 15_331_896n, 4_062_763_264n],
    ['UNet(3, 2, bilinear=True)', '2,3,37,41', 17_263_042n, 8_850n, [2, 2, 37, 41], 14_583_296n, 14_619_704n, 3_435_190_528n],
    ['UNet(1, 1, width=16)', '1,1,64,64', 1_942_289n, 2_962n, [1, 1, 64, 64], 5_361_152n, 5_377_536n, 376_700_928n],
  ]
  for (const [entry, input, params, buffers, output, saved, savedWithInput, convFlops] of cases) {
    it(`${entry} on ${input}`, () => {
      const r = analyze({ files: unet, main: 'unet/unet_model.py', entry }, { input, device: 'cpu' })
      expect(r.params.total).toBe(params)
      expect(r.buffers.total).toBe(buffers)
      expect(r.tensors.filter((t) => t.kind === 'parameter').slice(0, 3).map((t) => t.name)).toEqual(['stem.0.weight', 'stem.1.weight', 'stem.1.bias'])
      expect(r.forward?.outputShape).toEqual(output)
      expect(r.forward?.savedBytes).toBe(saved)
      expect(r.forward?.savedBytesWithInput).toBe(savedWithInput)
      expect(r.forward?.flopCounter.byOp).toEqual({ 'aten.convolution': convFlops })
    })
  }
})
