import { NnsizeError } from '../../errors.js'
import { raise } from '../exceptions.js'
import { builtFunctional } from '../functional-built.js'
import { newTensor } from '../tensor.js'
import { namespace, native, typeName } from '../../contract/values.js'
import type { NamespaceValue, Value } from '../../contract/values.js'

/** Activation functions that transformer layers also take as their `activation` argument (`activation=F.gelu`). */
export const functionalActivations = ['relu', 'gelu', 'silu', 'tanh', 'sigmoid', 'elu', 'leaky_relu', 'relu6', 'mish', 'hardswish', 'selu', 'celu', 'softplus']

/**
 * Functions of one input tensor (activations, softmax, norms, dropout, `glu`). While the model is built, those without
 * a forward rule (`F.batch_norm`, `F.instance_norm`, …), which all keep the input's shape, give a tensor like it.
 */
const elementwise = [
  ...functionalActivations,
  'hardtanh',
  'hardsigmoid',
  'logsigmoid',
  'softsign',
  'tanhshrink',
  'softshrink',
  'hardshrink',
  'threshold',
  'rrelu',
  'glu',
  'softmax',
  'log_softmax',
  'softmin',
  'dropout',
  'dropout1d',
  'dropout2d',
  'dropout3d',
  'alpha_dropout',
  'feature_alpha_dropout',
  'normalize',
  'layer_norm',
  'group_norm',
  'instance_norm',
  'batch_norm',
  'local_response_norm',
  'rms_norm',
]

/** Functions of `torch.nn.functional` that change shapes: each runs only where nnsize has a forward rule for it. */
const forwardOnly = [
  'linear',
  'bilinear',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
  'max_pool1d',
  'max_pool2d',
  'max_pool3d',
  'max_unpool1d',
  'max_unpool2d',
  'max_unpool3d',
  'avg_pool1d',
  'avg_pool2d',
  'avg_pool3d',
  'adaptive_avg_pool1d',
  'adaptive_avg_pool2d',
  'adaptive_avg_pool3d',
  'adaptive_max_pool1d',
  'adaptive_max_pool2d',
  'adaptive_max_pool3d',
  'lp_pool1d',
  'lp_pool2d',
  'interpolate',
  'upsample',
  'upsample_nearest',
  'upsample_bilinear',
  'pad',
  'embedding',
  'embedding_bag',
  'prelu',
  'one_hot',
  'pixel_shuffle',
  'pixel_unshuffle',
  'unfold',
  'fold',
  'scaled_dot_product_attention',
  'multi_head_attention_forward',
  'cross_entropy',
  'nll_loss',
  'mse_loss',
  'l1_loss',
  'smooth_l1_loss',
  'binary_cross_entropy',
  'binary_cross_entropy_with_logits',
  'kl_div',
  'cosine_similarity',
  'pairwise_distance',
  'grid_sample',
  'affine_grid',
]

/**
 * `torch.nn.functional`: functions on tensors. In `forward` the trace answers them; while the model is built, a
 * function with a forward rule runs it on a throwaway trace ({@link builtFunctional}), giving the shapes, dtypes and
 * errors of `forward`.
 */
export function functionalNamespace(): NamespaceValue {
  const members: Record<string, Value> = {}
  for (const name of elementwise) {
    members[name] = native(
      `F.${name}`,
      (args, span, it) => {
        const x = args[0]?.value ?? args.find((a) => a.name === 'input')?.value
        if (x?.kind === 'tensor' && x.trace !== undefined) {
          const result = it!.forwardOps?.(`F.${name}`, args.map((a) => a.value), args, span)
          if (result !== undefined) return result
          throw new NnsizeError('unsupported', `\`F.${name}\` is not supported yet in forward.`, { span })
        }
        if (x?.kind !== 'tensor') return raise('TypeError', 'argument-type', `\`F.${name}\` takes a tensor, got ${x ? typeName(x) : 'nothing'}.`, span)
        return builtFunctional(it!, name, args, span) ?? newTensor([...x.shape], x.dtype, x.requiresGrad)
      },
      functionalActivations.includes(name) ? { activation: name } : {},
    )
  }
  for (const name of forwardOnly) {
    members[name] = native(`F.${name}`, (args, span, it) => {
      const result = it!.forwardOps?.(`F.${name}`, args.map((a) => a.value), args, span)
      if (result !== undefined) return result
      const inForward = it!.forwardOps !== undefined || args.some((a) => a.value.kind === 'tensor' && a.value.trace !== undefined)
      const built = inForward ? undefined : builtFunctional(it!, name, args, span)
      if (built !== undefined) return built
      throw new NnsizeError('unsupported', `\`F.${name}\` is not supported yet${inForward ? ' in forward' : ', in forward or while the model is built'}.`, { span })
    })
  }
  return namespace('torch.nn.functional', members)
}
