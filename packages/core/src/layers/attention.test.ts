import { describe, expect, it } from 'vitest'
import { analyze, buildModule } from '../analyze.js'
import { NnsizeError } from '../errors.js'
import { traceForward } from '../forward/trace.js'
import type { TorchVersion } from '../forward/torch-version.js'
import { createModule } from '../model/module.js'
import { runAttentionWithoutWeights } from './attention.js'
import { defineLayer } from './define-layer.js'

// Expected values were measured with PyTorch 1.13 and 2.13 (CPU, training mode, saved_tensors_hooks,
// each storage counted once). One shape means `m(x, x, x)`, two `m(q, kv, kv)`, three `m(q, k, v)`.

function run(expr: string, input: number[][], device: 'cpu' | 'cuda' = 'cpu', torch: TorchVersion = '1.13') {
  const r = analyze(expr, { input, device, torch })
  const f = r.forward!
  return { r, f, saved: f.savedBytes, withInput: f.savedBytesWithInput, shapes: f.outputs.map((t) => [...t.shape]) }
}

function parameterShapes(expr: string): Array<[string, number[]]> {
  return analyze(expr)
    .tensors.filter((t) => t.kind === 'parameter')
    .map((t) => [t.name, t.shape])
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

describe('multiheadAttention', () => {
  it('packs q, k and v into in_proj_weight when keys and values have embed_dim features', () => {
    expect(parameterShapes('nn.MultiheadAttention(8, 2)')).toEqual([
      ['in_proj_weight', [24, 8]],
      ['in_proj_bias', [24]],
      ['out_proj.weight', [8, 8]],
      ['out_proj.bias', [8]],
    ])
    const r = analyze('nn.MultiheadAttention(8, 2)')
    expect([...r.root.params.keys()]).toEqual(['in_proj_weight', 'q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_bias'])
    expect(r.modules.map((m) => [m.path, m.type])).toEqual([
      ['', 'MultiheadAttention'],
      ['out_proj', 'NonDynamicallyQuantizableLinear'],
    ])
  })

  it('registers separate projections, then bias_k and bias_v after out_proj', () => {
    expect(parameterShapes('nn.MultiheadAttention(16, 1, add_bias_kv=True, kdim=512, vdim=32)')).toEqual([
      ['q_proj_weight', [16, 16]],
      ['k_proj_weight', [16, 512]],
      ['v_proj_weight', [16, 32]],
      ['in_proj_bias', [48]],
      ['bias_k', [1, 1, 16]],
      ['bias_v', [1, 1, 16]],
      ['out_proj.weight', [16, 16]],
      ['out_proj.bias', [16]],
    ])
  })

  it('has no biases with bias=False', () => {
    expect(analyze('nn.MultiheadAttention(1024, 2, bias=False)').params.total).toBe(4194304n)
  })

  it('explains its own tensors; out_proj is a submodule', () => {
    expect(analyze('nn.MultiheadAttention(8, 2, add_bias_kv=True)').formula).toEqual([
      { tensor: 'in_proj_weight', factors: [['3 × embed_dim', 24], ['embed_dim', 8]] },
      { tensor: 'in_proj_bias', factors: [['3 × embed_dim', 24]] },
      { tensor: 'bias_k', factors: [['embed_dim', 8]] },
      { tensor: 'bias_v', factors: [['embed_dim', 8]] },
    ])
  })

  it('counts the projections, QKᵀ and AV, and the average of the returned weights over heads', () => {
    // L = S = 3, batch 2, embed 8, 2 heads of 4: in-proj 3·2·8·24 = 1152, QKᵀ and AV 2·2·3·3·4 = 144 each,
    // out-proj 3·2·8·8 = 384, averaging the weights over heads 2·2·3·3 = 36.
    const { f } = run('nn.MultiheadAttention(8, 2)', [[3, 2, 8]])
    expect(f.macs).toBe(1860n)
    expect(run('nn.MultiheadAttention(8, 2)', [[3, 2, 8]], 'cpu', '2.13').f.macs).toBe(1860n)
    expect(f.modules.map((m) => m.path)).toEqual([''])
  })

  it('saves the scaled q, k, softmax output, v, the merged heads and two scalars', () => {
    // q/√4 (48 floats), k (48), softmax (2·2·3·3 = 36), v (48), merged heads (48) = 228 floats,
    // + the float64 divisor and the int64 head count (8 bytes each).
    const { saved, withInput, shapes } = run('nn.MultiheadAttention(8, 2)', [[3, 2, 8]])
    expect(saved).toBe(928n)
    expect(withInput).toBe(1120n)
    expect(shapes).toEqual([[3, 2, 8], [2, 3, 3]])
  })

  it('saves dropout noise (cpu) or a 1-byte mask (cuda) and the dropped weights', () => {
    expect(run('nn.MultiheadAttention(8, 2, dropout=0.1)', [[3, 2, 8]]).saved).toBe(1216n)
    // The 36-element noise tensor becomes a bool mask: 144 − 36 bytes less.
    expect(run('nn.MultiheadAttention(8, 2, dropout=0.1)', [[3, 2, 8]], 'cuda').saved).toBe(1108n)
    expect(run('nn.MultiheadAttention(8, 2, dropout=0.1).eval()', [[3, 2, 8]]).saved).toBe(928n)
  })

  it('copies a batch-first input whose transposed view is not contiguous', () => {
    const { saved, withInput, shapes } = run('nn.MultiheadAttention(8, 2, batch_first=True)', [[2, 3, 8]])
    expect(shapes).toEqual([[2, 3, 8], [2, 3, 3]])
    expect(saved).toBe(1120n)
    expect(withInput).toBe(1120n)
  })

  it('takes an unbatched query, projecting q, k and v separately', () => {
    const { saved, withInput, shapes, f } = run('nn.MultiheadAttention(8, 2)', [[3, 8]])
    expect(shapes).toEqual([[3, 8], [3, 3]])
    expect(saved).toBe(472n)
    expect(withInput).toBe(568n)
    // + averaging the 2·3·3 weights over heads
    expect(f.macs).toBe(912n + 18n)
  })

  it('keeps k and v as views of the packed projection for one token of one sequence', () => {
    const { saved, withInput } = run('nn.MultiheadAttention(8, 2)', [[1, 1, 8]])
    expect(saved).toBe(184n)
    expect(withInput).toBe(216n)
  })

  it('attends over a separate key/value input', () => {
    const { saved, withInput, shapes, f } = run('nn.MultiheadAttention(8, 2)', [[3, 2, 8], [5, 2, 8]])
    expect(shapes).toEqual([[3, 2, 8], [2, 3, 5]])
    expect(saved).toBe(1280n)
    expect(withInput).toBe(1792n)
    expect(f.macs).toBe(2528n + 60n)
  })

  it('extends the keys with bias_k and a zero position', () => {
    const { saved, withInput, shapes, f } = run('nn.MultiheadAttention(8, 2, kdim=4, vdim=6, add_bias_kv=True, add_zero_attn=True)', [[3, 2, 8], [5, 2, 4], [5, 2, 6]])
    expect(shapes).toEqual([[3, 2, 8], [2, 3, 7]])
    expect(saved).toBe(1632n)
    expect(withInput).toBe(2224n)
    // q 3·2·8·8 + k 5·2·4·8 + v 5·2·6·8 + QKᵀ, AV 2·2·3·7·4 each + out 3·2·8·8, + the average over heads 2·2·3·7
    expect(f.macs).toBe(2240n + 84n)
  })

  it('rejects embed_dim not divisible by num_heads', () => {
    const error = errorOf(() => analyze('nn.MultiheadAttention(10, 3)'))
    expect(error.code).toBe('argument-value')
    expect(error.message).toBe('`embed_dim` must be divisible by `num_heads` (got embed_dim=10 and num_heads=3).')
  })

  it('rejects a non-positive embed_dim or num_heads', () => {
    expect(() => analyze('nn.MultiheadAttention(0, 2)')).toThrow('`embed_dim` and `num_heads` must be greater than 0, got embed_dim=0 and num_heads=2 instead.')
    expect(() => analyze('nn.MultiheadAttention(8, 0)')).toThrow('got embed_dim=8 and num_heads=0 instead.')
  })

  it('rejects a query with another embedding size', () => {
    const error = errorOf(() => run('nn.MultiheadAttention(8, 2)', [[3, 2, 6]]))
    expect(error.code).toBe('shape')
    expect(error.message).toContain('was expecting embedding dimension of 8, but got 6')
  })

  it('rejects a query of the wrong rank', () => {
    expect(() => run('nn.MultiheadAttention(8, 2)', [[1, 3, 2, 8]])).toThrow('expects an unbatched 2-D or batched 3-D query, got 4-D query')
  })

  it('rejects keys and values of another rank than the query', () => {
    expect(() => run('nn.MultiheadAttention(8, 2)', [[3, 2, 8], [5, 8]])).toThrow(
      'For batched (3-D) `query`, expected `key` and `value` to be 3-D but found 2-D and 2-D tensors respectively.',
    )
  })

  it('rejects keys of another size than kdim', () => {
    expect(() => run('nn.MultiheadAttention(8, 2, kdim=4, vdim=4)', [[3, 2, 8], [5, 2, 6]])).toThrow('expects keys with 4 features (kdim)')
  })

  it('rejects keys and values of different shapes', () => {
    expect(() => run('nn.MultiheadAttention(8, 2)', [[3, 2, 8], [5, 2, 8], [4, 2, 8]])).toThrow('key shape (5, 2, 8) does not match value shape (4, 2, 8).')
    expect(() => run('nn.MultiheadAttention(8, 2, kdim=4, vdim=6)', [[3, 2, 8], [5, 2, 4], [4, 2, 6]])).toThrow("key's sequence and batch dims (5, 2) do not match value's (4, 2).")
  })

  it('rejects keys with another batch size', () => {
    expect(() => run('nn.MultiheadAttention(8, 2)', [[3, 2, 8], [5, 3, 8]])).toThrow("expects key and value with the query's batch size 2, got 3")
  })

  it('rejects a dropout probability outside [0, 1] when it runs in training mode', () => {
    expect(() => run('nn.MultiheadAttention(8, 2, dropout=1.5)', [[3, 2, 8]])).toThrow('dropout probability has to be between 0 and 1, but got 1.5.')
    expect(run('nn.MultiheadAttention(8, 2, dropout=1.5).eval()', [[3, 2, 8]]).saved).toBe(928n)
  })

  it('rejects more than three inputs', () => {
    expect(() => run('nn.MultiheadAttention(8, 2)', [[3, 2, 8], [3, 2, 8], [3, 2, 8], [3, 2, 8]])).toThrow('at most 3 tensors, got 4')
  })
})

describe('runAttentionWithoutWeights', () => {
  it('returns the attention output only and skips averaging the weights', () => {
    const attention = buildModule('nn.MultiheadAttention(8, 2)')
    const wrapper = createModule(
      'Wrapper',
      {},
      defineLayer({ name: 'Wrapper', signature: [], build() {}, forward: (_self, inputs, ctx) => runAttentionWithoutWeights(ctx, attention, inputs, 'attn') }),
    )
    wrapper.children.set('attn', attention)
    const r = traceForward(wrapper, [{ shape: [3, 2, 8], dtype: 'float32' }], 'cpu', '1.13')
    expect(r.outputs.map((t) => [...t.shape])).toEqual([[3, 2, 8]])
    // need_weights=False: no int64 head-count scalar (8 bytes).
    expect(r.savedBytes).toBe(920n)
    expect(r.macs).toBe(1824n)
    // The next plain call returns the weights again.
    expect(traceForward(attention, [{ shape: [3, 2, 8], dtype: 'float32' }], 'cpu').outputs).toHaveLength(2)
  })

  it('hands the attention the masks given, as a transformer layer hands them (PyTorch 2.13)', () => {
    const attention = buildModule('nn.MultiheadAttention(8, 2)')
    const wrapper = createModule(
      'Wrapper',
      {},
      defineLayer({ name: 'Wrapper', signature: [], build() {}, forward: (_self, inputs, ctx) => runAttentionWithoutWeights(ctx, attention, [inputs[0]!], 'attn', { key_padding_mask: inputs[1]! }) }),
    )
    wrapper.children.set('attn', attention)
    // Measured with saved-tensor hooks, x of (5, 2, 8) and a (2, 5) bool key_padding_mask: the (2, 2, 1, 5) float mask adds 80 bytes.
    const r = traceForward(wrapper, [{ shape: [5, 2, 8], dtype: 'float32' }, { shape: [2, 5], dtype: 'bool' }], 'cpu')
    expect([r.savedBytes, r.savedBytesWithInput]).toEqual([1440n, 1760n])
  })
})

describe('multiheadAttention under PyTorch 2.13 (the default)', () => {
  const current = (expr: string, input: number[][], device: 'cpu' | 'cuda' = 'cpu') => run(expr, input, device, '2.13')

  it('lays the packed projection out as one (3, L, N, E) tensor that q, k and v view, and scales q by a number it does not save', () => {
    // packed q/k/v 3·3·2·8 = 144 floats (576 B), q·√(1/4) 48 floats, softmax 36, merged heads 48: 1104 B;
    // averaging the weights is a `mean`, which saves nothing.
    const { saved, withInput, shapes } = current('nn.MultiheadAttention(8, 2)', [[3, 2, 8]])
    expect([saved, withInput]).toEqual([1104n, 1296n])
    expect(shapes).toEqual([[3, 2, 8], [2, 3, 3]])
  })

  it('matches PyTorch 2.13 on every path of need_weights=True', () => {
    expect(current('nn.MultiheadAttention(8, 2, dropout=0.1)', [[3, 2, 8]]).saved).toBe(1392n)
    expect(current('nn.MultiheadAttention(8, 2, dropout=0.1).eval()', [[3, 2, 8]]).saved).toBe(1104n)
    expect(current('nn.MultiheadAttention(8, 2, batch_first=True)', [[2, 3, 8]]).withInput).toBe(1296n)
    expect([current('nn.MultiheadAttention(8, 2)', [[3, 8]]).saved, current('nn.MultiheadAttention(8, 2)', [[3, 8]]).withInput]).toEqual([456n, 552n])
    expect([current('nn.MultiheadAttention(8, 2)', [[1, 1, 8]]).saved, current('nn.MultiheadAttention(8, 2)', [[1, 1, 8]]).withInput]).toEqual([168n, 200n])
    expect(current('nn.MultiheadAttention(8, 2)', [[3, 2, 8], [5, 2, 8]]).saved).toBe(1264n)
    expect(current('nn.MultiheadAttention(8, 2, kdim=4, vdim=6, add_bias_kv=True, add_zero_attn=True)', [[3, 2, 8], [5, 2, 4], [5, 2, 6]]).saved).toBe(1616n)
  })

  function withoutWeights(expr: string, input: number[][], device: 'cpu' | 'cuda' = 'cpu') {
    const attention = buildModule(expr)
    const wrapper = createModule('Wrapper', {}, defineLayer({ name: 'Wrapper', signature: [], build() {}, forward: (_self, inputs, ctx) => runAttentionWithoutWeights(ctx, attention, inputs, 'attn') }))
    wrapper.children.set('attn', attention)
    return traceForward(wrapper, input.map((shape) => ({ shape, dtype: 'float32' as const })), device)
  }

  it('runs need_weights=False as flash attention on CPU: q, k, v, the output and the log-sum-exp', () => {
    // packed q/k/v 576 B, output 192 B (which the output projection reads as it is), log-sum-exp 2·2·3 floats.
    const r = withoutWeights('nn.MultiheadAttention(8, 2)', [[3, 2, 8]])
    expect([r.savedBytes, r.savedBytesWithInput]).toEqual([816n, 1008n])
    expect(r.kernels).toEqual([{ path: 'attn', op: 'scaled_dot_product_attention', kernel: 'flash attention (CPU)' }])
    expect(withoutWeights('nn.MultiheadAttention(8, 2)', [[3, 8]]).savedBytes).toBe(408n)
    expect(withoutWeights('nn.MultiheadAttention(8, 2, kdim=4, vdim=6, add_bias_kv=True, add_zero_attn=True)', [[3, 2, 8], [5, 2, 4], [5, 2, 6]]).savedBytes).toBe(1328n)
  })

  it('falls back to the math kernel when dropout is active, and says why', () => {
    const r = withoutWeights('nn.MultiheadAttention(8, 2, dropout=0.1)', [[3, 2, 8]])
    expect(r.savedBytes).toBe(1584n)
    expect(r.kernels[0]).toMatchObject({ kernel: 'math (composite)', note: 'dropout on the attention weights rules out the flash kernel' })
  })

  it('assumes a CUDA kernel and says that PyTorch picks it at run time', () => {
    const r = withoutWeights('nn.MultiheadAttention(8, 2)', [[3, 2, 8]], 'cuda')
    expect(r.kernels[0]).toMatchObject({ op: 'scaled_dot_product_attention', kernel: 'memory-efficient attention (CUDA)' })
    expect(r.kernels[0]!.note).toContain('at run time')
    // float32: q, k, v 576 B, output 192 B, its (L, N, E) copy 192 B, log-sum-exp padded to 32 rows 2·2·32 floats.
    expect(r.savedBytes).toBe(576n + 192n + 192n + 512n)
  })
})

describe('nn.MultiheadAttention with an attn_mask and need_weights=False (PyTorch 2.13)', () => {
  it('hands the mask to SDPA as a (1, 1, L, S) or (N, heads, L, S) view, which the CPU flash kernel keeps', () => {
    const model = (body: string): string =>
      `import torch\nimport torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.attn = nn.MultiheadAttention(8, 2)\n        self.mask = torch.empty(5, 5).fill_(float('-inf')).triu_(1)\n\n    def forward(self, x):\n${body}\n`
    const saved = (body: string): bigint => analyze(model(body), { input: '5,2,8', device: 'cpu' }).forward!.savedBytes
    // Measured with saved-tensor hooks, PyTorch 2.13 (CPU), x of (5, 2, 8): 1460 bytes with the (5, 5) float mask of
    // the module (100 bytes of it); 3220 bytes for two calls, one with a bool (5, 5) mask made in forward (kept as
    // a float copy) and one with a (4, 5, 5) float mask.
    expect(saved('        return self.attn(x, x, x, need_weights=False, attn_mask=self.mask)[0]')).toBe(1460n)
    expect(saved('        mask = torch.ones(5, 5, dtype=torch.bool).triu(1)\n        m3 = torch.zeros(4, 5, 5)\n        return self.attn(x, x, x, need_weights=False, attn_mask=mask)[0] + self.attn(x, x, x, need_weights=False, attn_mask=m3)[0]')).toBe(3220n)
  })
})

/** A model file whose module `W` runs `layer` on whatever it is called with, so that `call` can pass keywords. */
function called(layer: string, input: string, call: string) {
  const source = `import torch\nimport torch.nn as nn\n\nclass W(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.mod = ${layer}\n\n    def forward(self, *args, **kwargs):\n        return self.mod(*args, **kwargs)\n`
  const f = analyze(source, { input, call, device: 'cpu' }).forward!
  return { shapes: f.outputs.map((t) => [...t.shape]), saved: f.savedBytes, withInput: f.savedBytesWithInput, macs: f.macs }
}

// Measured with saved-tensor hooks, PyTorch 2.13 (CPU, training mode), x of (5, 2, 8) unless said otherwise; masks
// do not require grad.
describe('nn.MultiheadAttention with a key_padding_mask and need_weights=False (PyTorch 2.13)', () => {
  const attention = 'nn.MultiheadAttention(8, 2)'
  const selfAttention = 'm(x[0], x[0], x[0], need_weights=False'

  it('keeps the padding mask expanded over the heads, a float (N, heads, 1, S) copy that SDPA keeps', () => {
    // 1360 bytes without a mask, + the (2, 2, 1, 5) float mask (80 bytes), bool or float as given.
    expect(called(attention, '5,2,8; 2,5:bool:nograd', `${selfAttention}, key_padding_mask=x[1])`)).toMatchObject({ saved: 1440n, withInput: 1760n })
    expect(called(attention, '5,2,8; 2,5:nograd', `${selfAttention}, key_padding_mask=x[1])`)).toMatchObject({ saved: 1440n, withInput: 1760n })
    // batch_first: the input projection reads a copy of the transposed input (the input itself is not kept).
    expect(called('nn.MultiheadAttention(8, 2, batch_first=True)', '2,5,8; 2,5:bool:nograd', `${selfAttention}, key_padding_mask=x[1])`)).toMatchObject({ saved: 1760n, withInput: 1760n })
  })

  it('adds it to attn_mask: one (N, heads, L, S) float mask, whether is_causal is given or not', () => {
    expect(called(attention, '5,2,8; 2,5:bool:nograd; 5,5:bool:nograd', `${selfAttention}, key_padding_mask=x[1], attn_mask=x[2])`)).toMatchObject({ saved: 1760n, withInput: 2080n })
    expect(called(attention, '5,2,8; 2,5:bool:nograd; 5,5:bool:nograd', `${selfAttention}, key_padding_mask=x[1], attn_mask=x[2], is_causal=True)`)).toMatchObject({ saved: 1760n, withInput: 2080n })
    expect(called(attention, '5,2,8; 2,5:nograd; 4,5,5:nograd', `${selfAttention}, key_padding_mask=x[1], attn_mask=x[2])`)).toMatchObject({ saved: 1760n, withInput: 2080n })
  })

  it('views the mask given when there is one batch element or one head: the mask\'s own storage is kept', () => {
    // unbatched (5, 8) query, (5) mask: its 5-float canonical copy (20 bytes); one head, batch 1: the same.
    expect(called(attention, '5,8; 5:bool:nograd', `${selfAttention}, key_padding_mask=x[1])`)).toMatchObject({ shapes: [[5, 8]], saved: 700n, withInput: 860n })
    expect(called('nn.MultiheadAttention(8, 1)', '5,1,8; 1,5:bool:nograd', `${selfAttention}, key_padding_mask=x[1])`)).toMatchObject({ saved: 680n, withInput: 840n })
  })

  it('pads the masks by one key for bias_k and for add_zero_attn', () => {
    // (2, 2, 1, 7) float padding mask (112 bytes); a (5, 5) attn_mask becomes (1, 1, 5, 6) (120 bytes).
    expect(called('nn.MultiheadAttention(8, 2, add_bias_kv=True, add_zero_attn=True)', '5,2,8; 2,5:bool:nograd', `${selfAttention}, key_padding_mask=x[1])`)).toMatchObject({ saved: 2368n, withInput: 2688n })
    expect(called('nn.MultiheadAttention(8, 2, add_bias_kv=True)', '5,2,8; 5,5:nograd', `${selfAttention}, attn_mask=x[1])`)).toMatchObject({ saved: 2248n, withInput: 2568n })
    expect(called('nn.MultiheadAttention(8, 2, add_bias_kv=True)', '5,2,8; 5,5:nograd', 'm(x[0], x[0], x[0], attn_mask=x[1])')).toMatchObject({ shapes: [[5, 2, 8], [2, 5, 6]], saved: 1888n, withInput: 2208n })
  })

  it('keeps no mask on the math kernel (dropout) and with need_weights=True', () => {
    expect(called('nn.MultiheadAttention(8, 2, dropout=0.1)', '5,2,8; 2,5:bool:nograd', `${selfAttention}, key_padding_mask=x[1])`)).toMatchObject({ saved: 3120n, withInput: 3440n })
    expect(called(attention, '5,2,8; 2,5:bool:nograd', 'm(x[0], x[0], x[0], key_padding_mask=x[1])')).toMatchObject({ shapes: [[5, 2, 8], [2, 5, 5]], saved: 2000n, withInput: 2320n })
  })

  it('checks the masks\' shapes with PyTorch\'s messages', () => {
    expect(() => called(attention, '5,2,8; 3,5:bool:nograd', `${selfAttention}, key_padding_mask=x[1])`)).toThrow('Expected key_padded_mask.shape[0] to be 2, but got 3.')
    expect(() => called(attention, '5,2,8; 4,5:bool:nograd', `${selfAttention}, attn_mask=x[1])`)).toThrow('The shape of the 2D attn_mask is (4, 5), but should be (5, 5).')
    expect(() => called(attention, '5,2,8; 5:bool:nograd', `${selfAttention}, key_padding_mask=x[1])`)).toThrow('For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but found 1-D tensor instead.')
  })
})

describe('nn.MultiheadAttention with is_causal (PyTorch 2.13)', () => {
  it('drops attn_mask for SDPA\'s causal path with need_weights=False and no key_padding_mask', () => {
    // The (5, 5) float mask is not kept: 1360 bytes as without a mask.
    expect(called('nn.MultiheadAttention(8, 2)', '5,2,8; 5,5:nograd', 'm(x[0], x[0], x[0], attn_mask=x[1], is_causal=True, need_weights=False)')).toMatchObject({ saved: 1360n, withInput: 1680n })
    // need_weights=True uses the mask in baddbmm, which keeps nothing of it.
    expect(called('nn.MultiheadAttention(8, 2)', '5,2,8; 5,5:nograd', 'm(x[0], x[0], x[0], attn_mask=x[1], is_causal=True)')).toMatchObject({ shapes: [[5, 2, 8], [2, 5, 5]], saved: 2000n, withInput: 2320n })
  })

  it('needs attn_mask', () => {
    expect(() => called('nn.MultiheadAttention(8, 2)', '5,2,8', 'm(x[0], x[0], x[0], is_causal=True)')).toThrow(
      'Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.',
    )
  })
})

describe('nn.MultiheadAttention with average_attn_weights=False', () => {
  it('returns the weights per head, a view of the softmax output, and averages nothing', () => {
    // in-proj 1920, QKᵀ and AV 400 each, out-proj 640 MACs; the average over heads (100) is not computed.
    expect(called('nn.MultiheadAttention(8, 2)', '5,2,8', 'm(x[0], x[0], x[0], average_attn_weights=False)')).toEqual({ shapes: [[5, 2, 8], [2, 2, 5, 5]], saved: 2000n, withInput: 2320n, macs: 3360n })
    expect(called('nn.MultiheadAttention(8, 2)', '5,2,8', 'm(x[0], x[0], x[0])').macs).toBe(3460n)
    expect(called('nn.MultiheadAttention(8, 2)', '5,8', 'm(x[0], x[0], x[0], average_attn_weights=False)')).toMatchObject({ shapes: [[5, 8], [2, 5, 5]], saved: 840n, withInput: 1000n })
  })

  it('runs the same rule in F.multi_head_attention_forward, with is_causal too', () => {
    const source = `import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.attn = nn.MultiheadAttention(8, 2)\n        self.register_buffer('mask', torch.ones(5, 5, dtype=torch.bool).triu(1))\n\n    def forward(self, x):\n        a = self.attn\n        out, w = F.multi_head_attention_forward(x, x, x, 8, 2, a.in_proj_weight, a.in_proj_bias, None, None, False, 0.0, a.out_proj.weight, a.out_proj.bias, training=self.training, average_attn_weights=False)\n        out2, _ = F.multi_head_attention_forward(x, x, x, 8, 2, a.in_proj_weight, a.in_proj_bias, None, None, False, 0.0, a.out_proj.weight, a.out_proj.bias, training=self.training, need_weights=False, attn_mask=self.mask, is_causal=True)\n        return out + out2, w\n`
    const f = analyze(source, { input: '5,2,8', device: 'cpu' }).forward!
    expect(f.outputs.map((t) => [...t.shape])).toEqual([[5, 2, 8], [2, 2, 5, 5]])
    expect([f.savedBytes, f.savedBytesWithInput]).toEqual([3360n, 3680n])
  })
})

describe('MultiheadAttention attributes', () => {
  it('are set as its constructor sets them: kdim and vdim default to embed_dim, head_dim is embed_dim // num_heads', () => {
    // PyTorch 2.13: nn.MultiheadAttention(16, 4) has kdim = vdim = 16, head_dim 4, _qkv_same_embed_dim True
    const source = 'import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self, kdim=None):\n        super().__init__()\n        self.m = nn.MultiheadAttention(16, 4, kdim=kdim)\n        self.extra = nn.Linear(self.m.kdim + self.m.head_dim, self.m.vdim + int(self.m._qkv_same_embed_dim))\n'
    const params = (entry: string): bigint => analyze({ files: { 'm.py': source }, main: 'm.py', entry }).params.total
    // measured: 1,445 parameters (the extra layer is Linear(20, 17)); with kdim=8, 1,168 (Linear(12, 16))
    expect(params('M()')).toBe(1_445n)
    expect(params('M(8)')).toBe(1_168n)
  })
})
