import { NnsizeError } from '../errors.js'
import { bool, device, dtype, float, int, optionalFloat, optionalInt, str } from '../bind/args.js'
import type { ArgSpec } from '../bind/args.js'
import { showValue, typeName } from '../contract/values.js'
import * as ops from '../forward/ops/index.js'
import type { Tensor } from '../forward/trace.js'
import { isFloatingDType } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { formatShape } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'
import type { ArgFailure, ClassMethod, ModuleBuilder } from './define-layer.js'

/** A tensor argument (`_weight=torch.zeros(10, 3)`): its shape and dtype. */
export interface TensorArg {
  shape: number[]
  dtype: DType
}

/** A tensor argument that may be `None`. */
export function optionalTensor<const N extends string>(name: N): ArgSpec<TensorArg | null, N, false> {
  return {
    name,
    required: false,
    default: null,
    coerce(value, span, n) {
      if (value.kind === 'none') return null
      if (value.kind === 'tensor') return { shape: [...value.shape], dtype: value.dtype }
      throw new NnsizeError('argument-type', `\`${n}\` must be a tensor such as \`torch.zeros(10, 3)\`, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
    },
  }
}

/** A 2-D tensor argument (`from_pretrained(embeddings)`). */
function matrixArg<const N extends string>(name: N): ArgSpec<TensorArg, N, true> {
  const optional = optionalTensor(name)
  return {
    name,
    required: true,
    coerce(value, span, n) {
      const t = optional.coerce(value, span, n)
      if (t === null) throw new NnsizeError('argument-type', `\`${n}\` must be a tensor such as \`torch.zeros(10, 3)\`, got None.`, { span })
      if (t.shape.length !== 2) {
        throw new NnsizeError('argument-value', `Embeddings parameter is expected to be 2-dimensional: \`${n}\` has shape ${formatShape(t.shape)}.`, { span })
      }
      return t
    },
  }
}

/** Bound arguments shared by `nn.Embedding` and `nn.EmbeddingBag`. */
interface EmbeddingCommon {
  num_embeddings: number
  embedding_dim: number
  padding_idx: number | null
  max_norm: number | null
  norm_type: number
  scale_grad_by_freq: boolean
  sparse: boolean
  _weight: TensorArg | null
}

/** `padding_idx` within `[-num_embeddings, num_embeddings)`, as the constructors assert; `_weight` of shape `(num_embeddings, embedding_dim)`. */
function validateCommon(a: EmbeddingCommon, weightRequiresGrad: boolean, fail: ArgFailure): void {
  const n = a.num_embeddings
  if (a.padding_idx !== null && (a.padding_idx >= n || a.padding_idx < -n)) {
    fail('padding_idx', `Padding_idx must be within num_embeddings: \`padding_idx\` is ${a.padding_idx} but \`num_embeddings\` is ${n}, so it must be between ${-n} and ${n - 1}.`)
  }
  if (a._weight !== null) {
    const { shape } = a._weight
    if (shape.length !== 2 || shape[0] !== n || shape[1] !== a.embedding_dim) {
      fail('_weight', `Shape of weight does not match num_embeddings and embedding_dim: \`_weight\` has shape ${formatShape(shape)}, expected (${n}, ${a.embedding_dim}).`)
    }
    if (weightRequiresGrad && !isFloatingDType(a._weight.dtype)) {
      fail('_weight', `Only tensors of floating point and complex dtype can require gradients: \`_weight\` is \`torch.${a._weight.dtype}\`.`)
    }
  }
}

/** The `weight` parameter: from `_weight` (its dtype) when given, else `(num_embeddings, embedding_dim)` in the layer's dtype. */
function buildWeight(a: EmbeddingCommon, requiresGrad: boolean, m: ModuleBuilder): void {
  const weightDType = a._weight?.dtype ?? m.floatDType
  m.param('weight', [a.num_embeddings, a.embedding_dim], { dtype: weightDType, requiresGrad })
}

function explainWeight(a: EmbeddingCommon) {
  return [{ tensor: 'weight', factors: [['num_embeddings', a.num_embeddings], ['embedding_dim', a.embedding_dim]] as const }]
}

const commonHead = [int('num_embeddings'), int('embedding_dim')] as const
const paddingIdx = optionalInt('padding_idx', { default: null, min: -Infinity })
const maxNorm = optionalFloat('max_norm', { default: null })
const normType = float('norm_type', { default: 2.0 })
const scaleGradByFreq = bool('scale_grad_by_freq', { default: false })
const sparse = bool('sparse', { default: false })

/**
 * `nn.Embedding(num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
 * scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False)`: a lookup table.
 * The forward saves the indices when the weight requires grad; 0 MACs.
 */
export const embedding = defineLayer({
  name: 'Embedding',
  signature: [...commonHead, paddingIdx, maxNorm, normType, scaleGradByFreq, sparse, optionalTensor('_weight'), bool('_freeze', { default: false }), device(), dtype()],
  inputKind: 'index',
  validate: (a, fail) => validateCommon(a, !a._freeze, fail),
  build(a, m) {
    buildWeight(a, !a._freeze, m)
  },
  explain: explainWeight,
  classMethods: {
    from_pretrained: {
      signature: [matrixArg('embeddings'), bool('freeze', { default: true }), paddingIdx, maxNorm, normType, scaleGradByFreq, sparse],
      call(args, create) {
        const embeddings = args['embeddings'] as TensorArg
        const { freeze, ...rest } = args
        return create({ ...rest, num_embeddings: embeddings.shape[0], embedding_dim: embeddings.shape[1], _weight: embeddings, _freeze: freeze })
      },
    } satisfies ClassMethod,
  },
  forward: (self, inputs, ctx) => ops.embedding(ctx, inputs[0]!, ctx.state(self, 'weight')),
})

const mode = str('mode', { default: 'mean', choices: ['sum', 'mean', 'max'] as const })
const includeLastOffset = bool('include_last_offset', { default: false })

/**
 * `nn.EmbeddingBag(num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
 * mode='mean', sparse=False, _weight=None, include_last_offset=False, padding_idx=None)`: sums, averages
 * or takes the maximum of the embeddings of each bag. A 2-D input `(B, L)` is `B` bags of `L` indices; a 1-D
 * input is cut into bags at `offsets`. Forward: `(input, offsets=None, per_sample_weights=None)`.
 */
export const embeddingBag = defineLayer({
  name: 'EmbeddingBag',
  signature: [...commonHead, maxNorm, normType, scaleGradByFreq, mode, sparse, optionalTensor('_weight'), includeLastOffset, paddingIdx, device(), dtype()],
  inputKind: 'index',
  validate: (a, fail) => validateCommon(a, true, fail),
  build(a, m) {
    buildWeight(a, true, m)
  },
  explain: explainWeight,
  classMethods: {
    from_pretrained: {
      signature: [matrixArg('embeddings'), bool('freeze', { default: true }), maxNorm, normType, scaleGradByFreq, mode, sparse, includeLastOffset, paddingIdx],
      call(args, create) {
        const embeddings = args['embeddings'] as TensorArg
        const { freeze, ...rest } = args
        const module = create({ ...rest, num_embeddings: embeddings.shape[0], embedding_dim: embeddings.shape[1], _weight: embeddings })
        const weight = module.params.get('weight')
        if (weight) weight.requiresGrad = !freeze
        return module
      },
    } satisfies ClassMethod,
  },
  forwardOptions: ['offsets', 'per_sample_weights'],
  /**
   * `F.embedding_bag` ({@link ops.embeddingBag}): a 2-D input `(B, L)` is `B` bags of `L` indices; a 1-D input
   * takes `offsets` (the second tensor); `per_sample_weights` is the third tensor or the keyword.
   */
  forward(self, inputs, ctx, options) {
    const a = self.args
    if (inputs.length > 3) throw ctx.error(`takes input, offsets and per_sample_weights: at most 3 tensors, got ${inputs.length}.`)
    const tensorOption = (name: string, position: number): Tensor | null => {
      const value = options?.[name]
      return typeof value === 'object' && value !== null && 'storage' in value ? (value as Tensor) : (inputs[position] ?? null)
    }
    return ops.embeddingBag(ctx, inputs[0]!, ctx.state(self, 'weight'), {
      mode: a.mode,
      includeLastOffset: a.include_last_offset,
      paddingIdx: a.padding_idx,
      offsets: tensorOption('offsets', 1),
      perSampleWeights: tensorOption('per_sample_weights', 2),
    })
  },
})
