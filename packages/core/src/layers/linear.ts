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

/** `nn.Linear(in_features, out_features, bias=True)`: `y = x Wᵀ + b`. */
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
    ctx.save(x, ctx.state(self, 'weight'))
    return out
  },
})

/** `nn.Bilinear(in1_features, in2_features, out_features, bias=True)`: `y = x₁ᵀ A x₂ + b`. */
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
})
