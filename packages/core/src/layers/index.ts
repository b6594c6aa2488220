import { relu } from './activation.js'
import { moduleDict, moduleList, sequential } from './containers.js'
import { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d } from './conv.js'
import type { LayerDefinition } from './define-layer.js'
import {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveAvgPool3d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  adaptiveMaxPool3d,
  avgPool1d,
  avgPool2d,
  avgPool3d,
  fractionalMaxPool2d,
  fractionalMaxPool3d,
  lpPool1d,
  lpPool2d,
  lpPool3d,
  maxPool1d,
  maxPool2d,
  maxPool3d,
  maxUnpool1d,
  maxUnpool2d,
  maxUnpool3d,
} from './pool.js'
import { channelShuffle, flatten, fold, pixelShuffle, pixelUnshuffle, unflatten, unfold } from './reshape.js'
import { upsample, upsamplingBilinear2d, upsamplingNearest2d } from './upsample.js'
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
  // pooling
  maxPool1d,
  maxPool2d,
  maxPool3d,
  avgPool1d,
  avgPool2d,
  avgPool3d,
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveAvgPool3d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  adaptiveMaxPool3d,
  lpPool1d,
  lpPool2d,
  lpPool3d,
  fractionalMaxPool2d,
  fractionalMaxPool3d,
  maxUnpool1d,
  maxUnpool2d,
  maxUnpool3d,
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
  // reshaping
  flatten,
  unflatten,
  pixelShuffle,
  pixelUnshuffle,
  channelShuffle,
  fold,
  unfold,
  // upsampling
  upsample,
  upsamplingNearest2d,
  upsamplingBilinear2d,
  // activations
  relu,
] as const satisfies readonly LayerDefinition[]
