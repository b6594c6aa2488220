import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { NnsizeError } from '../errors.js'
import type { TorchVersion } from '../forward/torch-version.js'

// Expected values were measured with PyTorch 1.13 (the default of `run` here) and 2.13 (CPU, training mode,
// saved_tensors_hooks, each storage counted once); MACs add every mm/addmm/bmm plus one per LayerNorm input
// element.

function run(expr: string, input: number[][], torch: TorchVersion = '1.13') {
  const r = analyze(expr, { input, device: 'cpu', torch })
  const f = r.forward!
  return { r, f, saved: f.savedBytes, withInput: f.savedBytesWithInput, shapes: f.outputs.map((t) => [...t.shape]) }
}

function moduleTypes(expr: string): Array<[string, string]> {
  return analyze(expr).modules.map((m) => [m.path, m.type])
}

function errorOf(action: () => unknown): NnsizeError {
  try {
    action()
  } catch (error) {
    if (NnsizeError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected an NnsizeError')
}

const encoderChildren: Array<[string, string]> = [
  ['self_attn', 'MultiheadAttention'],
  ['self_attn.out_proj', 'NonDynamicallyQuantizableLinear'],
  ['linear1', 'Linear'],
  ['dropout', 'Dropout'],
  ['linear2', 'Linear'],
  ['norm1', 'LayerNorm'],
  ['norm2', 'LayerNorm'],
  ['dropout1', 'Dropout'],
  ['dropout2', 'Dropout'],
]

describe('transformerEncoderLayer', () => {
  it('registers its submodules in PyTorch order; a string or function activation is no submodule', () => {
    expect(moduleTypes('nn.TransformerEncoderLayer(8, 2, 16)')).toEqual([['', 'TransformerEncoderLayer'], ...encoderChildren])
    expect(moduleTypes('nn.TransformerEncoderLayer(8, 2, 16, activation=F.gelu)')).toEqual([['', 'TransformerEncoderLayer'], ...encoderChildren])
    expect(analyze('nn.TransformerEncoderLayer(8, 2, 16)').params.total).toBe(600n)
  })

  it('registers a module activation as the last child `activation`', () => {
    expect(moduleTypes('nn.TransformerEncoderLayer(8, 2, 16, activation=nn.GELU())')).toEqual([['', 'TransformerEncoderLayer'], ...encoderChildren, ['activation', 'GELU']])
  })

  it('drops every bias with bias=False', () => {
    // in_proj 24·8 + out_proj 8·8 + linear1 16·8 + linear2 8·16 + two LayerNorm weights 2·8
    expect(analyze('nn.TransformerEncoderLayer(8, 2, 16, bias=False)').params.total).toBe(528n)
  })

  it('saves attention, feed-forward, dropout and LayerNorm tensors', () => {
    const { saved, withInput, shapes, f } = run('nn.TransformerEncoderLayer(8, 2, 16)', [[3, 2, 8]])
    expect(shapes).toEqual([[3, 2, 8]])
    expect(saved).toBe(3416n)
    expect(withInput).toBe(3608n)
    // attention 1824 (see MultiheadAttention), linear1 6·8·16 + linear2 6·16·8 = 1536, two LayerNorms 2·48
    expect(f.macs).toBe(3456n)
  })

  it('runs a functional activation inside the layer and a module activation as a child', () => {
    expect(run('nn.TransformerEncoderLayer(8, 2, 16, activation=F.gelu, norm_first=True)', [[3, 2, 8]]).saved).toBe(3416n)
    const { saved, f } = run('nn.TransformerEncoderLayer(8, 2, 16, activation=nn.GELU())', [[3, 2, 8]])
    expect(saved).toBe(3416n)
    expect(f.modules.find((m) => m.path === 'activation')?.savedBytes).toBe(6n * 16n * 4n)
  })

  it('saves no dropout noise in eval mode (the fast path needs autograd off)', () => {
    expect(run('nn.TransformerEncoderLayer(8, 2, 16).eval()', [[3, 2, 8]]).saved).toBe(1976n)
  })

  it('rejects an activation string other than relu and gelu', () => {
    const error = errorOf(() => analyze("nn.TransformerEncoderLayer(8, 2, activation='tanh')"))
    expect(error.code).toBe('argument-value')
    expect(error.message).toContain('activation should be relu/gelu, not tanh')
  })

  it('rejects an activation that is not a function or module', () => {
    const error = errorOf(() => analyze('nn.TransformerEncoderLayer(8, 2, activation=3)'))
    expect(error.code).toBe('argument-type')
    expect(error.message).toContain("`activation` must be 'relu', 'gelu', an activation function such as `F.gelu` or a module such as `nn.GELU()`, got int `3`.")
  })

  it('rejects d_model not divisible by nhead', () => {
    expect(() => analyze('nn.TransformerEncoderLayer(10, 3)')).toThrow('`embed_dim` must be divisible by `num_heads` (got embed_dim=10 and num_heads=3).')
  })

  it('rejects a dropout probability outside [0, 1]', () => {
    expect(() => analyze('nn.TransformerEncoderLayer(8, 2, dropout=1.5)')).toThrow('dropout probability has to be between 0 and 1')
  })

  it('takes exactly one input', () => {
    expect(() => run('nn.TransformerEncoderLayer(8, 2, 16)', [[3, 2, 8], [3, 2, 8]])).toThrow('takes one input (src), got 2.')
  })
})

describe('transformerDecoderLayer', () => {
  it('registers self-attention, cross-attention, feed-forward, three norms and three dropouts', () => {
    expect(moduleTypes('nn.TransformerDecoderLayer(8, 2, 16)')).toEqual([
      ['', 'TransformerDecoderLayer'],
      ['self_attn', 'MultiheadAttention'],
      ['self_attn.out_proj', 'NonDynamicallyQuantizableLinear'],
      ['multihead_attn', 'MultiheadAttention'],
      ['multihead_attn.out_proj', 'NonDynamicallyQuantizableLinear'],
      ['linear1', 'Linear'],
      ['dropout', 'Dropout'],
      ['linear2', 'Linear'],
      ['norm1', 'LayerNorm'],
      ['norm2', 'LayerNorm'],
      ['norm3', 'LayerNorm'],
      ['dropout1', 'Dropout'],
      ['dropout2', 'Dropout'],
      ['dropout3', 'Dropout'],
    ])
    expect(analyze('nn.TransformerDecoderLayer(8, 2, 16)').params.total).toBe(904n)
  })

  it('attends over memory', () => {
    const { saved, withInput, shapes, f } = run('nn.TransformerDecoderLayer(8, 2, 16)', [[3, 2, 8], [5, 2, 8]])
    expect(shapes).toEqual([[3, 2, 8]])
    expect(saved).toBe(5792n)
    expect(withInput).toBe(6304n)
    expect(f.macs).toBe(6032n)
  })

  it('runs its module activation when not deep-copied', () => {
    // GELU saves its input and linear2 saves GELU's output: one more (3, 2, 16) tensor than ReLU.
    expect(run('nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, activation=nn.GELU())', [[3, 2, 8], [5, 2, 8]]).saved).toBe(4064n)
  })

  it('takes (tgt, memory)', () => {
    expect(() => run('nn.TransformerDecoderLayer(8, 2, 16)', [[3, 2, 8]])).toThrow('takes 2 inputs (tgt, memory), got 1.')
  })
})

describe('transformerEncoder', () => {
  it('deep-copies the layer num_layers times and adds the final norm', () => {
    const r = analyze('nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 3, norm=nn.LayerNorm(8))')
    expect(r.params.total).toBe(1816n)
    expect(r.modules.filter((m) => m.depth === 1 || m.depth === 2).map((m) => m.path)).toEqual(['layers', 'layers.0', 'layers.1', 'layers.2', 'norm'])
    const names = r.tensors.map((t) => t.name)
    expect(names[0]).toBe('layers.0.self_attn.in_proj_weight')
    expect(names.at(-1)).toBe('norm.bias')
  })

  it('runs every copy, then the norm', () => {
    const { saved, withInput, f } = run('nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 3, norm=nn.LayerNorm(8))', [[3, 2, 8]])
    expect(saved).toBe(10872n)
    expect(withInput).toBe(11064n)
    expect(f.macs).toBe(10416n)
    const called = f.modules.map((m) => m.path)
    expect(called.filter((p) => p === 'norm' || /^layers\.\d+$/.test(p))).toEqual(['layers.0', 'layers.1', 'layers.2', 'norm'])
    expect(called).not.toContain('layers')
  })

  it('rejects an encoder_layer that is not a module', () => {
    const error = errorOf(() => analyze('nn.TransformerEncoder(5, 2)'))
    expect(error.code).toBe('argument-type')
    expect(error.message).toContain('`encoder_layer` must be a module')
  })

  it('has no forward without layers', () => {
    expect(() => run('nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 0)', [[3, 2, 8]])).toThrow('has no layers (`num_layers=0`)')
  })

  it('refuses more copies than the module limit', () => {
    const error = errorOf(() => analyze('nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 1000000)'))
    expect(error.code).toBe('limit')
    expect(error.message).toContain('would copy its layer of 10 modules 1,000,000 times')
  })
})

describe('transformerDecoder', () => {
  it('deep copies of a decoder layer run F.relu instead of a module activation, as in PyTorch', () => {
    // TransformerDecoderLayer.__setstate__ sets `activation = F.relu` on each deep copy whose
    // activation is a submodule; the GELU stays registered but is not called.
    const withGelu = run('nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, activation=nn.GELU()), 1)', [[3, 2, 8], [5, 2, 8]])
    expect(withGelu.saved).toBe(3680n)
    expect(withGelu.withInput).toBe(4192n)
    expect(withGelu.r.modules.at(-1)?.path).toBe('layers.0.activation')
    expect(withGelu.f.modules.some((m) => m.path === 'layers.0.activation')).toBe(false)
    expect(run('nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0), 1)', [[3, 2, 8], [5, 2, 8]]).saved).toBe(3680n)
  })

  it('takes (tgt, memory)', () => {
    expect(() => run('nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16), 2)', [[3, 2, 8]])).toThrow('takes 2 inputs (tgt, memory), got 1.')
  })
})

describe('transformer', () => {
  it('has the default model’s parameter count', () => {
    expect(analyze('nn.Transformer()').params.total).toBe(44140544n)
  })

  it('builds an encoder and a decoder, each with a final LayerNorm', () => {
    const paths = moduleTypes('nn.Transformer(8, 2, 1, 1, 16)').filter(([p]) => !p.includes('layers.'))
    expect(paths).toEqual([
      ['', 'Transformer'],
      ['encoder', 'TransformerEncoder'],
      ['encoder.layers', 'ModuleList'],
      ['encoder.norm', 'LayerNorm'],
      ['decoder', 'TransformerDecoder'],
      ['decoder.layers', 'ModuleList'],
      ['decoder.norm', 'LayerNorm'],
    ])
    expect(analyze('nn.Transformer(8, 2, 1, 1, 16)').params.total).toBe(1536n)
  })

  it('runs (src, tgt) and returns the decoder output', () => {
    const { saved, withInput, shapes, f } = run('nn.Transformer(8, 2, 1, 1, 16)', [[5, 2, 8], [3, 2, 8]])
    expect(shapes).toEqual([[3, 2, 8]])
    expect(saved).toBe(12920n)
    expect(withInput).toBe(13432n)
    expect(f.macs).toBe(12240n)
  })

  it('uses a custom encoder as given', () => {
    const r = analyze('nn.Transformer(8, 2, 1, 1, 16, custom_encoder=nn.Identity())')
    expect(r.modules[1]).toMatchObject({ path: 'encoder', type: 'Identity' })
  })

  it('rejects src and tgt with different batch sizes', () => {
    expect(() => run('nn.Transformer(8, 2, 1, 1, 16)', [[5, 2, 8], [3, 3, 8]])).toThrow('the batch number of src and tgt must be equal')
  })

  it('rejects inputs with another feature size than d_model', () => {
    expect(() => run('nn.Transformer(8, 2, 1, 1, 16)', [[5, 2, 8], [3, 2, 6]])).toThrow('the feature number of src and tgt must be equal to d_model 8')
  })

  it('rejects an unknown activation string', () => {
    expect(() => analyze("nn.Transformer(activation='swish')")).toThrow('activation should be relu/gelu, not swish')
  })
})

describe('transformer layers under PyTorch 2.13 (scaled-dot-product attention)', () => {
  const current = (expr: string, input: number[][]) => run(expr, input, '2.13')

  it('match PyTorch 2.13 byte for byte, with the math kernel while dropout is active and flash attention without it', () => {
    expect(current('nn.TransformerEncoderLayer(8, 2, 16)', [[3, 2, 8]]).saved).toBe(3792n)
    expect(current('nn.TransformerEncoderLayer(8, 2, 16, activation=F.gelu, norm_first=True)', [[3, 2, 8]]).saved).toBe(3792n)
    expect(current('nn.TransformerEncoderLayer(8, 2, 16, activation=nn.GELU())', [[3, 2, 8]]).saved).toBe(3792n)
    expect(current('nn.TransformerEncoderLayer(8, 2, 16).eval()', [[3, 2, 8]]).saved).toBe(1872n)
    expect(current('nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0)', [[3, 2, 8]]).withInput).toBe(2064n)
    expect(current('nn.TransformerDecoderLayer(8, 2, 16)', [[3, 2, 8], [5, 2, 8]]).withInput).toBe(6992n)
    expect(current('nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, activation=nn.GELU())', [[3, 2, 8], [5, 2, 8]]).saved).toBe(3760n)
    expect(current('nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 3, norm=nn.LayerNorm(8))', [[3, 2, 8]]).saved).toBe(12000n)
    expect(current('nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, activation=nn.GELU()), 1)', [[3, 2, 8], [5, 2, 8]]).saved).toBe(3376n)
    expect(current('nn.Transformer(8, 2, 1, 1, 16)', [[5, 2, 8], [3, 2, 8]]).withInput).toBe(14752n)
  })

  it('lists the attention kernel of every layer', () => {
    const { f } = current('nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2)', [[3, 2, 8]])
    expect(f.kernels.map((k) => [k.path, k.kernel])).toEqual([
      ['layers.0.self_attn', 'flash attention (CPU)'],
      ['layers.1.self_attn', 'flash attention (CPU)'],
    ])
  })

  it('take bias=False from PyTorch 2.1 on, and refuse it under 1.13', () => {
    expect(analyze('nn.TransformerEncoderLayer(8, 2, 16, bias=False)').params.total).toBe(8n * 24n + 64n + 2n * 128n + 16n)
    expect(() => analyze('nn.TransformerEncoderLayer(8, 2, 16, bias=False)', { torch: '1.13' })).toThrow('has no argument `bias` on `nn.TransformerEncoderLayer`')
  })
})

describe('transformer masks', () => {
  // Measured with PyTorch 2.13 (CPU, training mode, saved_tensors_hooks; parameters, buffers and inputs excluded),
  // through `W(mod)` whose forward is `self.mod(*args, **kwargs)`. Without dropout the CPU flash kernel keeps the
  // float mask it is given; a float mask that is an input is no activation, a bool one becomes a new float tensor.
  const wrapper = [
    'import torch',
    'import torch.nn as nn',
    'class W(nn.Module):',
    '    def __init__(self, mod):',
    '        super().__init__()',
    '        self.mod = mod',
    '    def forward(self, *args, **kwargs):',
    '        return self.mod(*args, **kwargs)',
    '',
  ].join('\n')
  const saved = (mod: string, input: string, call: string): bigint =>
    analyze({ files: { 'w.py': wrapper }, main: 'w.py', entry: `W(${mod})` }, { input, call, device: 'cpu' }).forward!.savedBytes
  const encoderLayer = 'nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0)'

  it('hand an encoder layer its src_mask and src_key_padding_mask, bool masks made float', () => {
    expect(saved(encoderLayer, '5,2,8', 'm(x[0])')).toBe(3120n)
    expect(saved(encoderLayer, '5,2,8; 2,5:bool', 'm(x[0], src_key_padding_mask=x[1])')).toBe(3200n)
    expect(saved(encoderLayer, '5,2,8; 5,5:nograd', 'm(x[0], src_mask=x[1])')).toBe(3120n)
    // a float mask that requires grad rules out the flash kernel
    expect(saved(encoderLayer, '5,2,8; 5,5', 'm(x[0], src_mask=x[1])')).toBe(4080n)
    expect(saved(encoderLayer, '5,2,8; 5,5:bool', 'm(x[0], src_mask=x[1])')).toBe(3220n)
    expect(saved(encoderLayer, '5,2,8; 5,5:bool; 2,5:bool', 'm(x[0], src_mask=x[1], src_key_padding_mask=x[2])')).toBe(3520n)
    expect(saved(encoderLayer, '5,2,8; 5,5:bool', 'm(x[0], x[1])')).toBe(3220n)
    expect(saved('nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, norm_first=True)', '5,2,8; 5,5:bool; 2,5:bool', 'm(x[0], src_mask=x[1], src_key_padding_mask=x[2])')).toBe(3520n)
    expect(saved('nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)', '2,5,8; 5,5:bool; 2,5:bool', 'm(x[0], src_mask=x[1], src_key_padding_mask=x[2])')).toBe(3840n)
    // dropout active: the math kernel keeps no mask
    expect(saved('nn.TransformerEncoderLayer(8, 2, 16)', '5,2,8; 2,5:bool', 'm(x[0], src_key_padding_mask=x[1])')).toBe(6800n)
  })

  it('take the causal path with is_causal=True unless a key padding mask is given', () => {
    expect(saved(encoderLayer, '5,2,8; 5,5:bool', 'm(x[0], src_mask=x[1], is_causal=True)')).toBe(3120n)
    expect(saved(encoderLayer, '5,2,8; 5,5:bool; 2,5:bool', 'm(x[0], src_mask=x[1], src_key_padding_mask=x[2], is_causal=True)')).toBe(3520n)
    expect(() => saved(encoderLayer, '5,2,8', 'm(x[0], is_causal=True)')).toThrow('Need attn_mask if specifying the is_causal hint')
  })

  it('refuse a mask that is neither bool nor floating', () => {
    expect(() => saved(encoderLayer, '5,2,8; 2,5:int64', 'm(x[0], src_key_padding_mask=x[1])')).toThrow('only bool and floating types of src_key_padding_mask are supported')
  })

  it('hand a decoder layer tgt masks for its self-attention and memory masks for its cross-attention', () => {
    expect(saved('nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0)', '4,2,8; 5,2,8', 'm(x[0], x[1])')).toBe(4288n)
    expect(saved('nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0)', '4,2,8; 5,2,8; 4,4:bool; 2,5:bool', 'm(x[0], x[1], tgt_mask=x[2], memory_key_padding_mask=x[3])')).toBe(4432n)
    expect(saved('nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, norm_first=True)', '4,2,8; 5,2,8; 4,4:nograd; 2,5:bool; 4,5:bool', 'm(x[0], x[1], tgt_mask=x[2], memory_key_padding_mask=x[3], memory_mask=x[4], tgt_is_causal=True)')).toBe(4608n)
  })

  it('make an encoder stack convert its masks once and hand them to every layer', () => {
    const encoder = 'nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), num_layers=2)'
    expect(saved(encoder, '5,2,8', 'm(x[0])')).toBe(6560n)
    expect(saved(encoder, '5,2,8; 5,5:bool', 'm(x[0], mask=x[1])')).toBe(6660n)
    expect(saved(encoder, '5,2,8; 5,5:bool; 2,5:bool', 'm(x[0], mask=x[1], src_key_padding_mask=x[2])')).toBe(7360n)
    expect(saved(encoder, '5,2,8; 5,5:bool', 'm(x[0], mask=x[1], is_causal=True)')).toBe(6560n)
    expect(saved('nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0), num_layers=2)', '4,2,8; 5,2,8; 4,4:bool; 2,4:bool', 'm(x[0], x[1], tgt_mask=x[2], tgt_key_padding_mask=x[3])')).toBe(9344n)
  })

  it('make nn.Transformer hand src masks to its encoder and tgt and memory masks to its decoder', () => {
    const model = 'nn.Transformer(8, 2, 2, 2, 16, dropout=0.0)'
    expect(saved(model, '5,2,8; 4,2,8; 5,5:bool; 4,4:bool; 2,5:bool', 'm(x[0], x[1], src_mask=x[2], tgt_mask=x[3], memory_key_padding_mask=x[4], src_key_padding_mask=x[4])')).toBe(17520n)
    expect(saved('nn.Transformer(8, 2, 1, 1, 16, dropout=0.0)', '5,2,8; 4,2,8; 5,5:nograd; 4,4:nograd', 'm(x[0], x[1], x[2], x[3])')).toBe(8448n)
  })
})
