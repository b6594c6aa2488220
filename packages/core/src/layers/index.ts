import { relu } from './activation.js'
import { multiheadAttention } from './attention.js'
import { moduleDict, moduleList, sequential } from './containers.js'
import { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d } from './conv.js'
import type { LayerDefinition } from './define-layer.js'
import { bilinear, identity, linear } from './linear.js'
import { gru, gruCell, lstm, lstmCell, rnn, rnnCell } from './rnn.js'
import { transformer, transformerDecoder, transformerDecoderLayer, transformerEncoder, transformerEncoderLayer } from './transformer.js'

/** Every layer kind nnsize knows, one line each. Order is only for listings. */
export const layers = [
  // containers
  sequential,
  moduleList,
  moduleDict,
  // linear
  identity,
  linear,
  bilinear,
  // convolution
  conv1d,
  conv2d,
  conv3d,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
  // activations
  relu,
  // recurrent
  rnn,
  lstm,
  gru,
  rnnCell,
  lstmCell,
  gruCell,
  // attention
  multiheadAttention,
  // transformer
  transformerEncoderLayer,
  transformerDecoderLayer,
  transformerEncoder,
  transformerDecoder,
  transformer,
] as const satisfies readonly LayerDefinition[]
