import { any, bool, device, dtype, int } from '../bind/args.js'
import * as ops from '../forward/ops/index.js'
import { formatShape } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'

/** `nn.Identity(*args, **kwargs)`: returns its input; takes and ignores any arguments. */
export const identity = defineLayer({
  name: 'Identity',
  signature: [],
  variadic: { ...any('args'), required: false },
  ignoresExtraKeywords: true,
  build() {},
  forward: (_self, inputs) => [inputs[0]!],
})

/**
 * `nn.Linear(in_features, out_features, bias=True)`: `y = x Wᵀ + b` ({@link ops.linear}): saves its input when the
 * weight requires grad; `rows × in_features × out_features` MACs.
 */
export const linear = defineLayer({
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
    return ops.linear(ctx, inputs[0]!, ctx.state(self, 'weight'), self.args.bias ? ctx.state(self, 'bias') : null)
  },
})

/**
 * `nn.Bilinear(in1_features, in2_features, out_features, bias=True)`: `y = x₁ᵀ A x₂ + b` on two inputs.
 * Saves both inputs; `rows × out_features × in1_features × in2_features` MACs.
 */
export const bilinear = defineLayer({
  name: 'Bilinear',
  forwardInputs: ['input1', 'input2'],
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
    const { in1_features, in2_features } = self.args
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
    return ops.bilinear(ctx, x1, x2, ctx.state(self, 'weight'), self.args.bias ? ctx.state(self, 'bias') : null)
  },
})
