import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import type { DeviceProfile } from '../forward/trace.js'
import { errorOf, spanText } from '../../test/support.js'

/** `[expression, index input shape, output shape, saved bytes, saved bytes with the input]`. */
type Measured = [string, number[], number[], number, number]

/** Measured with PyTorch on CPU in training mode (`saved_tensors_hooks`, each storage once, parameters excluded). */
const measured: Record<string, Measured[]> = {
  embedding: [
    ['nn.Embedding(10, 4)', [2, 5], [2, 5, 4], 0, 80],
    ['nn.Embedding(10, 4, padding_idx=-1)', [3], [3, 4], 0, 24],
    ['nn.Embedding(10, 4)', [], [4], 0, 8],
    ['nn.Embedding(10, 4, _weight=torch.zeros(10, 4))', [2, 5], [2, 5, 4], 0, 80],
    ['nn.Embedding(10, 4, max_norm=1.0, dtype=torch.float64)', [2, 5], [2, 5, 4], 0, 80],
    ['nn.Embedding.from_pretrained(torch.zeros(7, 3), padding_idx=2)', [2, 5], [2, 5, 3], 0, 0],
    ['nn.Sequential(nn.Embedding(10, 4, dtype=torch.float64), nn.Linear(4, 3, dtype=torch.float64))', [2, 5], [2, 5, 3], 320, 400],
    ['nn.Sequential(nn.Embedding(100, 8), nn.LayerNorm(8), nn.Dropout(0.1))', [2, 6], [2, 6, 8], 864, 960],
  ],
  embeddingBag: [
    ['nn.EmbeddingBag(10, 4)', [2, 5], [2, 4], 136, 216],
    ["nn.EmbeddingBag(10, 4, mode='sum')", [2, 5], [2, 4], 48, 128],
    ["nn.EmbeddingBag(10, 4, mode='sum', padding_idx=0)", [2, 5], [2, 4], 136, 216],
    ["nn.EmbeddingBag(10, 4, mode='sum', dtype=torch.float64)", [2, 5], [2, 4], 136, 216],
    ["nn.EmbeddingBag(10, 4, mode='max')", [2, 5], [2, 4], 184, 264],
    ["nn.EmbeddingBag(10, 4, mode='max', padding_idx=0)", [2, 5], [2, 4], 184, 264],
    // A 2-D input is one bag per row whatever `include_last_offset` says (PyTorch 2.13; 1.13 dropped the last bag).
    ["nn.EmbeddingBag(10, 4, mode='mean', include_last_offset=True)", [3, 5], [3, 4], 200, 320],
    ['nn.EmbeddingBag(10, 4).requires_grad_(False)', [2, 5], [2, 4], 0, 0],
    ['nn.EmbeddingBag.from_pretrained(torch.zeros(7, 3))', [2, 5], [2, 3], 0, 0],
    ["nn.EmbeddingBag.from_pretrained(torch.zeros(7, 3), freeze=False, mode='sum')", [2, 5], [2, 3], 48, 128],
  ],
}

function forward(source: string, input: number[], device: DeviceProfile = 'cpu') {
  return analyze(source, { input, device }).forward!
}

function checkMeasured(kind: string): void {
  for (const [source, input, output, saved, savedWithInput] of measured[kind]!) {
    it(`${source} on (${input.join(', ')}) gives (${output.join(', ')}) and saves ${saved} B, ${savedWithInput} B with its indices`, () => {
      const f = forward(source, input)
      expect(f.outputs[0]!.shape).toEqual(output)
      expect(f.savedBytes).toBe(BigInt(saved))
      expect(f.savedBytesWithInput).toBe(BigInt(savedWithInput))
    })
  }
}

describe('embedding', () => {
  checkMeasured('embedding')
  it('costs no MACs', () => {
    expect(forward('nn.Embedding(10, 4)', [2, 5]).macs).toBe(0n)
    expect(forward('nn.EmbeddingBag(10, 4)', [2, 5]).macs).toBe(0n)
  })
  it('has a (num_embeddings, embedding_dim) weight, explained by both', () => {
    const r = analyze('nn.Embedding(10, 4, dtype=torch.float16)')
    expect(r.tensors.map((t) => [t.name, t.shape, t.dtype])).toEqual([['weight', [10, 4], 'float16']])
    expect(r.params.bytes).toBe(80n)
    expect(r.formula).toEqual([{ tensor: 'weight', factors: [['num_embeddings', 10], ['embedding_dim', 4]] }])
  })
  it('counts huge tables exactly', () => {
    const r = analyze('nn.Embedding(128256, 16384)')
    expect(r.params.total).toBe(128256n * 16384n)
    expect(r.params.bytes).toBe(128256n * 16384n * 4n)
  })
  it('takes integer inputs and outputs the weight dtype', () => {
    const f = forward('nn.Embedding(10, 4, dtype=torch.float64)', [2, 5])
    expect(f.inputs[0]!.dtype).toBe('int64')
    expect(f.outputs[0]!.dtype).toBe('float64')
  })
  it('freezes with _freeze=True (PyTorch 2.x) and requires_grad_(False), and then saves nothing', () => {
    expect(analyze('nn.Embedding(10, 4, _freeze=True)').params.trainable).toBe(0n)
    const r = analyze('nn.Embedding(10, 4).requires_grad_(False)', { input: [2, 5], device: 'cpu' })
    expect(r.params.trainable).toBe(0n)
    expect(r.forward!.savedBytesWithInput).toBe(0n)
  })
  it('from_pretrained takes the tensor shape and dtype and freezes by default', () => {
    const frozen = analyze('nn.Embedding.from_pretrained(torch.zeros(7, 3))')
    expect(frozen.tensors.map((t) => [t.name, t.shape])).toEqual([['weight', [7, 3]]])
    expect(frozen.params.trainable).toBe(0n)
    expect(frozen.params.frozen).toBe(21n)
    const trainable = analyze('nn.Embedding.from_pretrained(torch.zeros(7, 3, dtype=torch.float16), freeze=False)')
    expect(trainable.params.trainable).toBe(21n)
    expect(trainable.params.bytes).toBe(42n)
    expect(analyze('nn.Embedding.from_pretrained(torch.zeros(7, 3, dtype=torch.int64))').params.bytes).toBe(168n)
  })
  it('rejects `padding_idx` outside the table, pointing at it', () => {
    for (const [source, value] of [
      ['nn.Embedding(10, 3, padding_idx=10)', '10'],
      ['nn.Embedding(10, 3, padding_idx=-11)', '-11'],
    ] as const) {
      const e = errorOf(() => analyze(source))
      expect(e.code).toBe('argument-value')
      expect(e.message).toBe(`Padding_idx must be within num_embeddings: \`padding_idx\` is ${value} but \`num_embeddings\` is 10, so it must be between -10 and 9.`)
      expect(spanText(source, e)).toBe(value)
    }
  })
  it('checks `padding_idx` of from_pretrained against the tensor rows', () => {
    const source = 'nn.Embedding.from_pretrained(torch.zeros(7, 3), padding_idx=7)'
    const e = errorOf(() => analyze(source))
    expect(e.message).toContain('`padding_idx` is 7 but `num_embeddings` is 7')
    expect(spanText(source, e)).toBe('7')
  })
  it('rejects a `_weight` of another shape, pointing at it', () => {
    const source = 'nn.Embedding(10, 3, _weight=torch.zeros(10, 4))'
    const e = errorOf(() => analyze(source))
    expect(e.message).toBe('Shape of weight does not match num_embeddings and embedding_dim: `_weight` has shape (10, 4), expected (10, 3).')
    expect(spanText(source, e)).toBe('torch.zeros(10, 4)')
  })
  it('rejects an integer `_weight` that would require grad', () => {
    const source = 'nn.Embedding(2, 3, _weight=torch.zeros(2, 3, dtype=torch.int64))'
    const e = errorOf(() => analyze(source))
    expect(e.message).toContain('Only tensors of floating point and complex dtype can require gradients')
    expect(spanText(source, e)).toBe('torch.zeros(2, 3, dtype=torch.int64)')
  })
  it('rejects a `_weight` that is not a tensor', () => {
    const source = 'nn.Embedding(2, 3, _weight=[1, 2])'
    const e = errorOf(() => analyze(source))
    expect(e.code).toBe('argument-type')
    expect(spanText(source, e)).toBe('[1, 2]')
  })
  it('from_pretrained rejects a tensor that is not 2-D, pointing at it', () => {
    const source = 'nn.Embedding.from_pretrained(torch.zeros(10))'
    const e = errorOf(() => analyze(source))
    expect(e.message).toBe('Embeddings parameter is expected to be 2-dimensional: `embeddings` has shape (10).')
    expect(spanText(source, e)).toBe('torch.zeros(10)')
  })
  it('rejects float inputs inside a model', () => {
    const e = errorOf(() => forward('nn.Sequential(nn.Linear(3, 3), nn.Embedding(10, 3))', [2, 3]))
    expect(e.code).toBe('shape')
    expect(e.message).toContain("takes integer indices, got a float32 tensor of shape (2, 3)")
  })
})

describe('embeddingBag', () => {
  checkMeasured('embeddingBag')
  it('keeps the CUDA kernel\'s offset2bag (n), bag_size (B) and, for max, max_indices on the cuda profile', () => {
    // offsets 2×8 + offset2bag 10×8 + bag_size 2×8 = 112 B; max adds max_indices 2×4×8 = 64 B.
    expect(forward('nn.EmbeddingBag(10, 4)', [2, 5], 'cuda').savedBytes).toBe(112n)
    expect(forward("nn.EmbeddingBag(10, 4, mode='sum')", [2, 5], 'cuda').savedBytes).toBe(112n)
    expect(forward("nn.EmbeddingBag(10, 4, mode='max')", [2, 5], 'cuda').savedBytes).toBe(176n)
    expect(forward("nn.EmbeddingBag(10, 4, mode='max')", [2, 5], 'cuda').savedBytesWithInput).toBe(256n)
  })
  it('has a (num_embeddings, embedding_dim) weight', () => {
    const r = analyze('nn.EmbeddingBag(10, 4, dtype=torch.bfloat16)')
    expect(r.tensors.map((t) => [t.name, t.shape, t.dtype])).toEqual([['weight', [10, 4], 'bfloat16']])
    expect(r.params.bytes).toBe(80n)
  })
  it('from_pretrained freezes by default', () => {
    expect(analyze('nn.EmbeddingBag.from_pretrained(torch.zeros(7, 3))').params.trainable).toBe(0n)
    expect(analyze('nn.EmbeddingBag.from_pretrained(torch.zeros(7, 3), freeze=False)').params.trainable).toBe(21n)
  })
  it('rejects an unknown mode, pointing at it', () => {
    const source = "nn.EmbeddingBag(10, 3, mode='median')"
    const e = errorOf(() => analyze(source))
    expect(e.message).toBe("`mode` must be one of 'sum', 'mean', 'max', got 'median'.")
    expect(spanText(source, e)).toBe("'median'")
  })
  it('rejects `padding_idx` outside the table', () => {
    expect(errorOf(() => analyze('nn.EmbeddingBag(5, 3, padding_idx=5)')).message).toContain('Padding_idx must be within num_embeddings')
  })
  it('needs offsets with a 1-D input, none with a 2-D input, and refuses 3-D', () => {
    expect(errorOf(() => forward('nn.EmbeddingBag(10, 3)', [6])).message).toContain('offsets has to be a 1D Tensor but got None')
    expect(errorOf(() => forward('nn.EmbeddingBag(10, 3)', [2, 3, 4])).message).toContain('input has to be 1D or 2D Tensor, but got Tensor of dimension 3')
    expect(errorOf(() => called("nn.EmbeddingBag(10, 4, mode='sum')", '2,3:int64; 2:int64', 'm(x[0], x[1])')).message).toContain(
      "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class 'torch.Tensor'>",
    )
    expect(errorOf(() => called("nn.EmbeddingBag(10, 4, mode='sum')", '6:int64; 2,3:int64', 'm(x[0], x[1])')).message).toContain('offsets has to be a 1D Tensor')
  })
  it('drops the last row\'s bag of a 2-D input with include_last_offset under PyTorch 1.13', () => {
    // The value this test held before PyTorch's fix (pytorch/pytorch#168159): offset2bag 16×8, offsets and bag_size
    // 3×8 each, max_indices 2×8 (the indices 15×8 besides).
    const f = analyze("nn.EmbeddingBag(10, 4, mode='mean', include_last_offset=True)", { input: [3, 5], device: 'cpu', torch: '1.13' }).forward!
    expect([f.outputs[0]!.shape, f.savedBytes, f.savedBytesWithInput]).toEqual([[2, 4], 192n, 312n])
  })
})

/** A model file whose module `W` runs `layer` on whatever it is called with, so that `call` can pass keywords. */
function called(layer: string, input: string, call: string) {
  const source = `import torch\nimport torch.nn as nn\n\nclass W(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.mod = ${layer}\n\n    def forward(self, *args, **kwargs):\n        return self.mod(*args, **kwargs)\n`
  const f = analyze(source, { input, call, device: 'cpu' }).forward!
  return { shape: [...f.outputs[0]!.shape], saved: f.savedBytes, withInput: f.savedBytesWithInput }
}

// Measured with PyTorch 2.13 (CPU, training mode, saved_tensors_hooks, each storage once, parameters excluded); the
// float inputs require grad unless marked `:nograd`.
describe('embeddingBag with offsets and per_sample_weights', () => {
  it('keeps the flat per-sample weights (a view of the input) with the indices, whether they require grad or not', () => {
    // indices 6×8 (input), offsets 2×8, per_sample_weights 6×4 (input), empty offset2bag, bag_size and max_indices 2×8.
    expect(called("nn.EmbeddingBag(10, 4, mode='sum')", '2,3:int64; 2,3', 'm(x[0], per_sample_weights=x[1])')).toEqual({ shape: [2, 4], saved: 48n, withInput: 120n })
    expect(called("nn.EmbeddingBag(10, 4, mode='sum')", '2,3:int64; 2,3:nograd', 'm(x[0], per_sample_weights=x[1])')).toEqual({ shape: [2, 4], saved: 48n, withInput: 120n })
    // padding_idx leaves the fast path: offset2bag of 7 int64.
    expect(called("nn.EmbeddingBag(10, 4, mode='sum', padding_idx=0)", '2,3:int64; 2,3', 'm(x[0], per_sample_weights=x[1])')).toEqual({ shape: [2, 4], saved: 104n, withInput: 176n })
  })
  it('saves the per-sample weights for their own gradient when the weight is frozen', () => {
    expect(called("nn.EmbeddingBag(10, 4, mode='sum').requires_grad_(False)", '2,3:int64; 2,3', 'm(x[0], per_sample_weights=x[1])')).toEqual({ shape: [2, 4], saved: 48n, withInput: 120n })
    expect(called("nn.EmbeddingBag(10, 4, mode='sum').requires_grad_(False)", '2,3:int64; 2,3:nograd', 'm(x[0], per_sample_weights=x[1])')).toEqual({ shape: [2, 4], saved: 0n, withInput: 0n })
  })
  it('cuts a 1-D input into one bag per offset, one fewer with include_last_offset', () => {
    // indices 6×8 and offsets 3×8 (inputs), empty offset2bag, bag_size 3×8, max_indices one per bag.
    expect(called("nn.EmbeddingBag(10, 4, mode='sum')", '6:int64; 3:int64', 'm(x[0], x[1])')).toEqual({ shape: [3, 4], saved: 48n, withInput: 120n })
    expect(called("nn.EmbeddingBag(10, 4, mode='sum', include_last_offset=True)", '6:int64; 3:int64', 'm(x[0], x[1])')).toEqual({ shape: [2, 4], saved: 40n, withInput: 112n })
    expect(called("nn.EmbeddingBag(10, 4, mode='max')", '6:int64; 3:int64', 'm(x[0], offsets=x[1])')).toEqual({ shape: [3, 4], saved: 176n, withInput: 248n })
    expect(called('nn.EmbeddingBag(10, 4, include_last_offset=True)', '6:int64; 3:int64', 'm(x[0], x[1])')).toEqual({ shape: [2, 4], saved: 96n, withInput: 168n })
    expect(called('nn.EmbeddingBag(10, 4)', '6:int32; 3:int32', 'm(x[0], x[1])')).toEqual({ shape: [3, 4], saved: 52n, withInput: 88n })
    expect(called("nn.EmbeddingBag(10, 4, mode='sum')", '6:int64; 3:int64; 6', 'm(x[0], x[1], per_sample_weights=x[2])')).toEqual({ shape: [3, 4], saved: 48n, withInput: 144n })
    // The tensors given in order: input, offsets, per_sample_weights.
    const f = analyze("nn.EmbeddingBag(10, 4, mode='sum')", { input: '6:int64; 3:int64; 6:float32', device: 'cpu' }).forward!
    expect([f.outputs[0]!.shape, f.savedBytes, f.savedBytesWithInput]).toEqual([[3, 4], 48n, 144n])
  })
  it('refuses per_sample_weights of another shape, another dtype or outside sum mode, as PyTorch does', () => {
    expect(errorOf(() => called("nn.EmbeddingBag(10, 4, mode='sum')", '2,3:int64; 3,2', 'm(x[0], per_sample_weights=x[1])')).message).toContain(
      'embedding_bag: If per_sample_weights (torch.Size([3, 2])) is not None, then it must have the same shape as the input (torch.Size([2, 3]))',
    )
    expect(errorOf(() => called('nn.EmbeddingBag(10, 4)', '2,3:int64; 2,3', 'm(x[0], per_sample_weights=x[1])')).message).toContain(
      "per_sample_weights is only supported for mode='sum' (got mode='mean')",
    )
    expect(errorOf(() => called("nn.EmbeddingBag(10, 4, mode='sum')", '2,3:int64; 2,3:float64', 'm(x[0], per_sample_weights=x[1])')).message).toContain(
      "Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 'per_sample_weights'",
    )
  })
})
