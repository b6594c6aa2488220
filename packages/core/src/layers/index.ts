import { relu } from './activation.js'
import { moduleDict, moduleList, sequential } from './containers.js'
import { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d } from './conv.js'
import type { LayerDefinition } from './define-layer.js'
import {
  circularPad1d,
  circularPad2d,
  circularPad3d,
  constantPad1d,
  constantPad2d,
  constantPad3d,
  reflectionPad1d,
  reflectionPad2d,
  reflectionPad3d,
  replicationPad1d,
  replicationPad2d,
  replicationPad3d,
  zeroPad1d,
  zeroPad2d,
  zeroPad3d,
} from './padding.js'
import { bilinear, identity, linear } from './linear.js'

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
  // padding
  zeroPad1d,
  zeroPad2d,
  zeroPad3d,
  constantPad1d,
  constantPad2d,
  constantPad3d,
  reflectionPad1d,
  reflectionPad2d,
  reflectionPad3d,
  replicationPad1d,
  replicationPad2d,
  replicationPad3d,
  circularPad1d,
  circularPad2d,
  circularPad3d,
  // activations
  relu,
] as const satisfies readonly LayerDefinition[]
