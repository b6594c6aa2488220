import { describe, expect, it } from 'vitest'
import { buildModule } from '../analyze.js'
import { loraAdapters, parseLoraOptions } from './lora.js'

const attention = "nn.ModuleDict({'q_proj': nn.Linear(64, 64, bias=False), 'k_proj': nn.Linear(64, 16, bias=False), 'v_proj': nn.Linear(64, 16, bias=False), 'o_proj': nn.Linear(64, 64, bias=False)})"
const model = () => buildModule(`nn.ModuleDict({'layers': nn.ModuleList([${attention} for _ in range(2)]), 'lm_head': nn.Linear(64, 100, bias=False)})`)

describe('loraAdapters', () => {
  it('adds r × (in + out) parameters to each targeted linear layer, matched by name suffix', () => {
    const { adapters, params } = loraAdapters(model(), { rank: 8, targets: ['q_proj', 'v_proj'] })
    expect(adapters.map((a) => a.module)).toEqual(['layers.0.q_proj', 'layers.0.v_proj', 'layers.1.q_proj', 'layers.1.v_proj'])
    expect(adapters[1]!.tensors).toEqual([
      { name: 'layers.0.v_proj.lora_A.default.weight', shape: [8, 64], elementCount: 512n },
      { name: 'layers.0.v_proj.lora_B.default.weight', shape: [16, 8], elementCount: 128n },
    ])
    expect(params).toBe(2n * (8n * (64n + 64n) + 8n * (64n + 16n)))
  })
  it('takes every linear layer but lm_head for all-linear, and regular expressions with re:', () => {
    expect(loraAdapters(model(), { rank: 4, targets: ['all-linear'] }).adapters).toHaveLength(8)
    expect(loraAdapters(model(), { rank: 4, targets: ['re:layers\\.1\\.[qk]_proj'] }).adapters.map((a) => a.module)).toEqual(['layers.1.q_proj', 'layers.1.k_proj'])
  })
  it('adapts convolutions and embeddings as PEFT does', () => {
    const root = buildModule("nn.ModuleDict({'conv': nn.Conv2d(3, 16, 3)})")
    expect(loraAdapters(root, { rank: 2, targets: ['conv'] }).adapters[0]!.tensors.map((t) => t.shape)).toEqual([
      [2, 3, 3, 3],
      [16, 2, 1, 1],
    ])
  })
  it('says which targets match nothing, with suggestions', () => {
    expect(() => loraAdapters(model(), { rank: 8, targets: ['q_proj', 'qkv_proj'] })).toThrow(/LoRA target `qkv_proj` matches no module\. Did you mean `k_proj`, `q_proj` or `v_proj`/)
  })
  it('refuses modules LoRA cannot adapt and bad ranks', () => {
    expect(() => loraAdapters(model(), { rank: 8, targets: ['layers'] })).toThrow(/matches `layers` \(ModuleList\), which LoRA cannot adapt/)
    expect(() => loraAdapters(model(), { rank: 0, targets: ['q_proj'] })).toThrow('positive whole number')
    expect(() => loraAdapters(model(), { rank: 8, targets: [] })).toThrow('needs target modules')
    expect(() => loraAdapters(model(), { rank: 8, targets: ['re:(('] })).toThrow('not a valid regular expression')
  })
})

describe('parseLoraOptions', () => {
  it('reads r, alpha, dropout and targets', () => {
    expect(parseLoraOptions('r=16,alpha=32,target=q_proj|v_proj')).toEqual({ rank: 16, alpha: 32, targets: ['q_proj', 'v_proj'] })
    expect(parseLoraOptions('target_modules=all-linear, lora_dropout=0.05')).toEqual({ rank: 8, alpha: 8, dropout: 0.05, targets: ['all-linear'] })
    expect(parseLoraOptions('r=4,target=re:.*attn.*|mlp').targets).toEqual(['re:.*attn.*|mlp'])
  })
  it('rejects unknown keys with a suggestion, bad numbers and missing targets', () => {
    expect(() => parseLoraOptions('rnk=16,target=q')).toThrow(/Unknown LoRA setting `rnk`\. Did you mean `rank`/)
    expect(() => parseLoraOptions('r=1.5,target=q')).toThrow('positive whole number')
    expect(() => parseLoraOptions('r=16')).toThrow('needs target modules')
    expect(() => parseLoraOptions('')).toThrow('empty')
    expect(() => parseLoraOptions('r,target=q')).toThrow('needs a value')
    expect(() => parseLoraOptions('dropout=1,target=q')).toThrow('[0, 1)')
  })
})
