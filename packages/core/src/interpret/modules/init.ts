import type { SourceSpan } from '../../errors.js'
import { raise } from '../exceptions.js'
import { markWritten } from '../tensor-values.js'
import { float, int, namespace, native, tuple, typeName } from '../../contract/values.js'
import type { ArgValue, NamespaceValue, TensorValue, Value } from '../../contract/values.js'

/** Initialisers of `torch.nn.init`: nnsize keeps no values, so each only checks its tensor and returns it. */
const initialisers = [
  'uniform_',
  'normal_',
  'trunc_normal_',
  'constant_',
  'ones_',
  'zeros_',
  'eye_',
  'dirac_',
  'xavier_uniform_',
  'xavier_normal_',
  'kaiming_uniform_',
  'kaiming_normal_',
  'orthogonal_',
  'sparse_',
  // Deprecated spellings without the underscore.
  'uniform',
  'normal',
  'constant',
  'xavier_uniform',
  'xavier_normal',
  'kaiming_uniform',
  'kaiming_normal',
  'orthogonal',
  'sparse',
]

/** The tensor an initialiser fills (first, or `tensor=`); `shownName` names the function in the error. */
export function tensorArg(shownName: string, args: readonly ArgValue[], span: SourceSpan): TensorValue {
  const t = args[0]?.value ?? args.find((a) => a.name === 'tensor')?.value
  if (t?.kind !== 'tensor') return raise('TypeError', 'argument-type', `\`${shownName}\` takes a tensor, got ${t ? typeName(t) : 'nothing'}.`, span)
  return t
}

/** `torch.nn.init._calculate_fan_in_and_fan_out`: fans (in, out) from the shape, as PyTorch computes them. */
export function fans(t: TensorValue, span: SourceSpan): [number, number] {
  const shape = t.shape
  if (shape.length < 2) raise('ValueError', 'argument-value', 'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions', span)
  const receptive = shape.slice(2).reduce((p, d) => p * d, 1)
  return [shape[1]! * receptive, shape[0]! * receptive]
}

/** `torch.nn.init`. */
export function initNamespace(): NamespaceValue {
  const members: Record<string, Value> = {}
  for (const name of initialisers) {
    members[name] = native(`nn.init.${name}`, (args, span) => {
      const t = tensorArg(`nn.init.${name}`, args, span)
      if ((name.startsWith('xavier') || name.startsWith('kaiming') || name.startsWith('orthogonal')) && t.shape.length < 2) fans(t, span)
      if (name.startsWith('dirac') && (t.shape.length < 3 || t.shape.length > 5)) raise('ValueError', 'argument-value', 'Only tensors with 3, 4, or 5 dimensions are supported.', span)
      if (name.startsWith('eye') && t.shape.length !== 2) raise('ValueError', 'argument-value', 'Only tensors with 2 dimensions are supported.', span)
      markWritten(t)
      return t
    })
  }
  members['_calculate_fan_in_and_fan_out'] = native('nn.init._calculate_fan_in_and_fan_out', (args, span) => {
    const [fanIn, fanOut] = fans(tensorArg('nn.init._calculate_fan_in_and_fan_out', args, span), span)
    return tuple([int(fanIn), int(fanOut)])
  })
  members['calculate_gain'] = native('nn.init.calculate_gain', (args, span) => {
    const nonlinearity = args[0]?.value
    const param = args[1]?.value
    const name = nonlinearity?.kind === 'str' ? nonlinearity.value : raise('TypeError', 'argument-type', '`calculate_gain` takes the name of a nonlinearity.', span)
    switch (name) {
      case 'linear':
      case 'conv1d':
      case 'conv2d':
      case 'conv3d':
      case 'conv_transpose1d':
      case 'conv_transpose2d':
      case 'conv_transpose3d':
      case 'sigmoid':
        return float(1)
      case 'tanh':
        return float(5 / 3)
      case 'relu':
        return float(Math.sqrt(2))
      case 'leaky_relu': {
        const slope = param === undefined || param.kind === 'none' ? 0.01 : param.kind === 'float' ? param.value : param.kind === 'int' ? Number(param.value) : raise('ValueError', 'argument-value', 'negative_slope is not a valid number.', span)
        return float(Math.sqrt(2 / (1 + slope ** 2)))
      }
      case 'selu':
        return float(3 / 4)
      default:
        return raise('ValueError', 'argument-value', `Unsupported nonlinearity ${name}.`, span)
    }
  })
  return namespace('torch.nn.init', members)
}
