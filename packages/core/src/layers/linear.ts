import { bool, device, dtype, int } from '../bind/args.js'
import { formatShape, numel } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'

/** `nn.Identity(*args, **kwargs)`: returns its input; takes and ignores any arguments. */
export const identity = defineLayer<Record<string, never>>({
  name: 'Identity',
  signature: [],
  variadic: { name: 'args', required: false, coerce: (v) => v },
  ignoresExtraKeywords: true,
  build() {},
  forward: (_self, inputs) => [inputs[0]!],
})

/**
 * `nn.Linear(in_features, out_features, bias=True)`: `y = x Wᵀ + b`. Saves its input when the weight
 * requires grad; `rows × in_features × out_features` MACs.
 */
export const linear = defineLayer<{ in_features: number; out_features: number; bias: boolean }>({
  name: 'Linear',
  signature: [int('in_features'), int('out_features'), bool('bias', { default: true }), device(), dtype()],
  build({ in_features, out_features, bias }, m) {
    m.param('weight', [out_features, in_features])
    if (bias) m.param('bias', [out_features])
    else m.none('bias')
  },
  explain: ({ in_features, out_features, bias }) => [
    { tensor: 'weight', factors: [['in_features', in_features], ['out_features', out_features]] },
    ...(bias ? [{ tensor: 'bias', factors: [['out_features', out_features]] as const }] : []),
  ],
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const { in_features, out_features } = self.args
    const last = x.shape.at(-1)
    if (x.shape.length === 0 || last !== in_features) {
      const rows = x.shape.length <= 1 ? 1 : Number(numel(x.shape.slice(0, -1)))
      throw ctx.error(`cannot multiply an input of shape ${formatShape(x.shape)} by its weight: mat1 and mat2 shapes cannot be multiplied (${rows}x${last ?? 0} and ${in_features}x${out_features}). It expects the last dimension to be ${in_features}.`)
    }
    const out = ctx.tensor([...x.shape.slice(0, -1), out_features], x.dtype)
    ctx.macs(numel(x.shape.slice(0, -1)) * BigInt(in_features) * BigInt(out_features))
    // `mm` saves the input only for the weight's gradient; the weight (a parameter) is never counted.
    if (self.params.get('weight')?.requiresGrad) ctx.save(x)
    ctx.save(ctx.state(self, 'weight'))
    return out
  },
})

/**
 * `nn.Bilinear(in1_features, in2_features, out_features, bias=True)`: `y = x₁ᵀ A x₂ + b` on two inputs.
 * Saves both inputs; `rows × out_features × in1_features × in2_features` MACs.
 */
export const bilinear = defineLayer<{ in1_features: number; in2_features: number; out_features: number; bias: boolean }>({
  name: 'Bilinear',
  signature: [int('in1_features'), int('in2_features'), int('out_features'), bool('bias', { default: true }), device(), dtype()],
  build({ in1_features, in2_features, out_features, bias }, m) {
    m.param('weight', [out_features, in1_features, in2_features])
    if (bias) m.param('bias', [out_features])
    else m.none('bias')
  },
  explain: ({ in1_features, in2_features, out_features, bias }) => [
    { tensor: 'weight', factors: [['out_features', out_features], ['in1_features', in1_features], ['in2_features', in2_features]] },
    ...(bias ? [{ tensor: 'bias', factors: [['out_features', out_features]] as const }] : []),
  ],
  forward(self, inputs, ctx) {
    const [x1, x2] = inputs
    const { in1_features, in2_features, out_features } = self.args
    if (!x1 || !x2) throw ctx.error(`takes two inputs, \`input1\` and \`input2\`, got ${inputs.length}.`)
    const rank = x1.shape.length
    if (rank !== x2.shape.length) throw ctx.error(`got inputs of ${rank} and ${x2.shape.length} dimensions (shapes ${formatShape(x1.shape)} and ${formatShape(x2.shape)}): bilinear(): input dimensions do not match.`)
    if (rank === 0) throw ctx.error('cannot take zero-dim inputs.')
    for (let i = 0; i < rank - 1; i++) {
      if (x1.shape[i] !== x2.shape[i]) {
        throw ctx.error(`got inputs of shapes ${formatShape(x1.shape)} and ${formatShape(x2.shape)}: bilinear(): input batch dimensions do not match at dim ${i}: got ${x1.shape[i]} and ${x2.shape[i]}.`)
      }
    }
    if (x1.shape[rank - 1] !== in1_features) throw ctx.error(`expects \`input1\` to end with ${in1_features} features (\`in1_features\`), got ${formatShape(x1.shape)}.`)
    if (x2.shape[rank - 1] !== in2_features) throw ctx.error(`expects \`input2\` to end with ${in2_features} features (\`in2_features\`), got ${formatShape(x2.shape)}.`)
    const rows = numel(x1.shape.slice(0, -1))
    ctx.macs(rows * BigInt(out_features) * BigInt(in1_features) * BigInt(in2_features))
    // `_trilinear(input1, weight, input2)` keeps all three: each input is needed for the other's gradient.
    ctx.save(x1, x2, ctx.state(self, 'weight'))
    return ctx.tensor([...x1.shape.slice(0, -1), out_features], x1.dtype)
  },
})
