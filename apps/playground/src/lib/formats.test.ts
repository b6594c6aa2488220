import { describe, expect, it } from 'vitest'
import { analyze } from '@nnsize/core'
import { precisionHelpLines } from '@nnsize/core/present'
import { computeMemory } from './memory.ts'
import { precisionOptions, precisionSelected, weightFormatOptions, weightsChosen, weightsDraft, weightsEdited, weightsProblem, weightsSelected } from './formats.ts'

describe('precisionOptions', () => {
  it('labels each mode with its bytes per parameter and with Adam, and gives the line --help writes', () => {
    const options = precisionOptions('bfloat16, from the config\'s torch_dtype')
    expect(options[0]).toMatchObject({ value: 'auto', label: 'bfloat16, from the config\'s torch_dtype' })
    const mixed = options.find((o) => o.value === 'mixed-fp16')!
    // Rajbhandari et al., ZeRO (arXiv:1910.02054), §3.1: 2 + 2 + 12 = 16 bytes per parameter with mixed-precision Adam
    expect(mixed.label).toBe('mixed-fp16: 8 B, with Adam 16 B')
    expect(mixed.help).toMatch(/^8 B = 2 \+ 2 \+ 4 \(float32 master\), with Adam 16 B; also /)
    const help = precisionHelpLines()
    for (const o of options) expect(help.some((l) => l.endsWith(`  ${o.help}`) && l.trim().startsWith(`${o.value} `))).toBe(true)
  })
})

describe('weightFormatOptions', () => {
  it('lists AWQ, GPTQ, bnb-fp4, mxfp4 and nvfp4 with one-line summaries, then EXL2 and HQQ as families', () => {
    const options = weightFormatOptions('float32, as built')
    const byValue = Object.fromEntries(options.map((o) => [o.value, o]))
    expect(byValue.auto!.label).toBe('float32, as built')
    expect(byValue.awq).toEqual({ value: 'awq', label: 'awq (4.15625 bits)', help: 'AWQ 4-bit, group size 128 (AutoAWQ `WQLinear_GEMM`), 4.15625 bits per weight' })
    expect(byValue.int4!.help).toContain('GPTQ 4-bit, group size 128')
    expect(byValue['bnb-fp4']!.label).toBe('bnb-fp4 (4.5 bits)')
    expect(byValue.mxfp4!.help).toBe('OCP MXFP4, 4.25 bits per weight')
    expect(byValue.nvfp4!.help).toBe('NVIDIA NVFP4 (TensorRT Model Optimizer), 4.5 bits per weight')
    expect(options.slice(-2).map((o) => o.value)).toEqual(['exl2', 'hqq'])
    expect(options.some((o) => o.value.startsWith('hqq-'))).toBe(false)
    expect(new Set(options.map((o) => o.value)).size).toBe(options.length)
  })
})

describe('the weight-format draft', () => {
  it('selects the family of EXL2 and HQQ, starts a family at its defaults and writes the names the CLI takes', () => {
    expect(weightsSelected(weightsDraft(undefined))).toBe('auto')
    expect(weightsSelected(weightsDraft('exl2:4.65'))).toBe('exl2')
    expect(weightsSelected(weightsDraft('hqq-3bit-g128'))).toBe('hqq')
    expect(weightsSelected(weightsDraft('gptq'))).toBe('int4')
    expect(weightsChosen('auto')).toBeUndefined()
    expect(weightsChosen('exl2')).toBe('exl2-4.65bpw')
    expect(weightsChosen('hqq')).toBe('hqq-4bit-g64')
    expect(weightsChosen('nvfp4')).toBe('nvfp4')
    expect(weightsEdited({ family: 'hqq', bits: '2', groupSize: '32' })).toBe('hqq-2bit-g32')
  })
  it('sizes EXL2 at 4.65 bits per weight and puts the parser\'s objection to 9 bits on the field', () => {
    const analysis = analyze('llama-3.1-8b')
    const good = computeMemory(analysis, { source: 'llama-3.1-8b', weights: weightsEdited({ family: 'exl2', bitsPerWeight: '4.65' }) })
    expect(good.ok).toBe(true)
    // the core's EXL2 sizing, as `nnsize llama-3.1-8b --inference --weights exl2-4.65bpw` prints it (5.15 GiB): the
    // 7,504,658,432 weights of the linear layers at ⌈elements × 4.65 / 8⌉ (lm_head at the 6-bit head), 525,602,944 others in float16
    if (good.ok) expect(good.plan.memory.weights.bytes).toBe(5_524_528_864n)
    expect(weightsProblem(good)).toBeUndefined()
    const bad = computeMemory(analysis, { source: 'llama-3.1-8b', weights: weightsEdited({ family: 'exl2', bitsPerWeight: '9' }) })
    expect(weightsProblem(bad)).toMatch(/EXL2 takes an average of 2 to 8 bits per weight, got `9`/)
  })
})

describe('precisionSelected', () => {
  it('shows the mode an alias names, and a name the core does not know as given', () => {
    expect(precisionSelected(undefined)).toBe('auto')
    expect(precisionSelected('bf16-mixed')).toBe('amp-bf16')
    expect(precisionSelected('fp3')).toBe('fp3')
  })
})
