import { int } from '../../bind/args.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, defineModel, defineSequentialBlock, makeDivisible, nn, roundHalfEven, runChild, sequentialNamed } from './core.js'
import { activation, Conv2dNormActivation, conv2dNormActivation, SqueezeExcitation } from './misc.js'
import type { ConvNormActivationArgs } from './misc.js'
import * as ops from './ops.js'
import { relu } from '../../layers/activation.js'
import { linear } from '../../layers/linear.js'
import { adaptiveAvgPool2d } from '../../layers/pool.js'

/** `SimpleStemIN`: a stride-2 3×3 `Conv2dNormActivation`. */
const SimpleStemIN = defineSequentialBlock<ConvNormActivationArgs>('SimpleStemIN', Conv2dNormActivation.build)

interface BlockArgs {
  width_in: number
  width_out: number
  stride: number
  group_width: number
  bottleneck_multiplier: number
  se_ratio: number | null
}

/** `BottleneckTransform`: 1×1 (`a`), grouped 3×3 (`b`), optional squeeze-excitation (`se`), linear 1×1 (`c`). */
const BottleneckTransform = defineSequentialBlock<BlockArgs>('BottleneckTransform', (a, m) => {
  const wB = roundHalfEven(a.width_out * a.bottleneck_multiplier)
  const g = Math.floor(wB / a.group_width)
  m.child('a', conv2dNormActivation(m, { in_channels: a.width_in, out_channels: wB, kernel_size: 1, stride: 1 }))
  m.child('b', conv2dNormActivation(m, { in_channels: wB, out_channels: wB, kernel_size: 3, stride: a.stride, groups: g }))
  if (a.se_ratio) m.child('se', block(m, SqueezeExcitation, { input_channels: wB, squeeze_channels: roundHalfEven(a.se_ratio * a.width_in), activation: activation(relu) }))
  m.child('c', conv2dNormActivation(m, { in_channels: wB, out_channels: a.width_out, kernel_size: 1, stride: 1, activation_layer: null }))
})

/** `ResBottleneckBlock`: a bottleneck transform plus a (projected) shortcut, then ReLU. */
const ResBottleneckBlock = defineBlock<BlockArgs>({
  name: 'ResBottleneckBlock',
  build(a, m) {
    if (a.width_in !== a.width_out || a.stride !== 1) {
      m.child('proj', conv2dNormActivation(m, { in_channels: a.width_in, out_channels: a.width_out, kernel_size: 1, stride: a.stride, activation_layer: null }))
    }
    m.child('f', block(m, BottleneckTransform, a))
    m.child('activation', nn(m, relu, { inplace: true }))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const shortcut = self.children.has('proj') ? runChild(self, 'proj', x, ctx) : x
    return runChild(self, 'activation', ops.add(ctx, shortcut, runChild(self, 'f', x, ctx)), ctx)
  },
})

/** `AnyStage`: a Sequential of blocks named `block<stage>-<i>`. */
const AnyStage = defineSequentialBlock<{ blocks: Array<[string, ModuleNode]> }>('AnyStage', (a, m) => {
  for (const [name, child] of a.blocks) m.child(name, child)
})

/** The design-space parameters of one RegNet (`BlockParams.from_init_params`). */
interface DesignParams {
  depth: number
  w_0: number
  w_a: number
  w_m: number
  group_width: number
  se_ratio: number | null
}

/** `torch.round`: halves to even, on a float32 value. */
function roundFloat32(x: number): number {
  return Math.fround(roundHalfEven(x))
}

/**
 * `BlockParams.from_init_params`: quantised linear widths grouped into stages.
 * torchvision computes these with float32 tensors; every step is rounded to
 * float32 here so that the stage widths come out the same.
 */
export function regnetStages(p: DesignParams): Array<{ width: number; depth: number; group_width: number }> {
  const f = Math.fround
  const QUANT = 8
  const wA = f(p.w_a)
  const logWm = f(Math.log(p.w_m))
  const wM = f(p.w_m)
  const blockWidths: number[] = []
  for (let i = 0; i < p.depth; i++) {
    const widthCont = f(f(i * wA) + p.w_0)
    const capacity = roundFloat32(f(f(Math.log(f(widthCont / p.w_0))) / logWm))
    const width = roundFloat32(f(f(p.w_0 * f(Math.pow(wM, capacity))) / QUANT))
    blockWidths.push(Math.trunc(f(width * QUANT)))
  }
  const splits: boolean[] = []
  for (let i = 0; i <= blockWidths.length; i++) splits.push((blockWidths[i] ?? 0) !== (blockWidths[i - 1] ?? 0))
  const stageWidths = blockWidths.filter((_, i) => splits[i])
  const boundaries = splits.flatMap((t, i) => (t ? [i] : []))
  const stageDepths = boundaries.slice(1).map((b, i) => b - boundaries[i]!)
  const numStages = new Set(blockWidths).size
  const stages: Array<{ width: number; depth: number; group_width: number }> = []
  for (let i = 0; i < Math.min(numStages, stageWidths.length, stageDepths.length); i++) {
    // _adjust_widths_groups_compatibilty with a bottleneck multiplier of 1.
    const wBot = Math.trunc(stageWidths[i]!)
    const groupWidth = Math.min(p.group_width, wBot)
    stages.push({ width: makeDivisible(wBot, groupWidth), depth: stageDepths[i]!, group_width: groupWidth })
  }
  return stages
}

function regnet(name: string, params: DesignParams) {
  return defineModel<{ num_classes: number; stem_width: number }>({
    name,
    className: 'RegNet',
    signature: [int('num_classes', { default: 1000 }), int('stem_width', { default: 32, min: 1 })],
    build(a, m) {
      m.child('stem', block(m, SimpleStemIN, { in_channels: 3, out_channels: a.stem_width, kernel_size: 3, stride: 2 }))
      let current = a.stem_width
      const stages: Array<[string, ModuleNode]> = []
      regnetStages(params).forEach((stage, i) => {
        const blocks: Array<[string, ModuleNode]> = []
        for (let j = 0; j < stage.depth; j++) {
          blocks.push([
            `block${i + 1}-${j}`,
            block(m, ResBottleneckBlock, { width_in: j === 0 ? current : stage.width, width_out: stage.width, stride: j === 0 ? 2 : 1, group_width: stage.group_width, bottleneck_multiplier: 1.0, se_ratio: params.se_ratio }),
          ])
        }
        stages.push([`block${i + 1}`, block(m, AnyStage, { blocks })])
        current = stage.width
      })
      m.child('trunk_output', sequentialNamed(m, stages))
      m.child('avgpool', nn(m, adaptiveAvgPool2d, { output_size: [1, 1] }))
      m.child('fc', nn(m, linear, { in_features: current, out_features: a.num_classes }))
    },
    forward(self, inputs, ctx) {
      let x = runChild(self, 'stem', inputs[0]!, ctx)
      x = runChild(self, 'trunk_output', x, ctx)
      x = runChild(self, 'avgpool', x, ctx)
      return runChild(self, 'fc', ops.flatten(ctx, x, 1), ctx)
    },
  })
}

const y = (depth: number, w_0: number, w_a: number, w_m: number, group_width: number): DesignParams => ({ depth, w_0, w_a, w_m, group_width, se_ratio: 0.25 })
const x = (depth: number, w_0: number, w_a: number, w_m: number, group_width: number): DesignParams => ({ depth, w_0, w_a, w_m, group_width, se_ratio: null })

/** `torchvision.models.regnet_y_*`: RegNetY (with squeeze-excitation), from 400 MF to 128 GF. */
export const regnet_y_400mf = regnet('regnet_y_400mf', y(16, 48, 27.89, 2.09, 8))
/** `torchvision.models.regnet_y_800mf` (`RegNet`). */
export const regnet_y_800mf = regnet('regnet_y_800mf', y(14, 56, 38.84, 2.4, 16))
/** `torchvision.models.regnet_y_1_6gf` (`RegNet`). */
export const regnet_y_1_6gf = regnet('regnet_y_1_6gf', y(27, 48, 20.71, 2.65, 24))
/** `torchvision.models.regnet_y_3_2gf` (`RegNet`). */
export const regnet_y_3_2gf = regnet('regnet_y_3_2gf', y(21, 80, 42.63, 2.66, 24))
/** `torchvision.models.regnet_y_8gf` (`RegNet`). */
export const regnet_y_8gf = regnet('regnet_y_8gf', y(17, 192, 76.82, 2.19, 56))
/** `torchvision.models.regnet_y_16gf` (`RegNet`). */
export const regnet_y_16gf = regnet('regnet_y_16gf', y(18, 200, 106.23, 2.48, 112))
/** `torchvision.models.regnet_y_32gf` (`RegNet`). */
export const regnet_y_32gf = regnet('regnet_y_32gf', y(20, 232, 115.89, 2.53, 232))
/** `torchvision.models.regnet_y_128gf` (`RegNet`). */
export const regnet_y_128gf = regnet('regnet_y_128gf', y(27, 456, 160.83, 2.52, 264))
/** `torchvision.models.regnet_x_*`: RegNetX (no squeeze-excitation), from 400 MF to 32 GF. */
export const regnet_x_400mf = regnet('regnet_x_400mf', x(22, 24, 24.48, 2.54, 16))
/** `torchvision.models.regnet_x_800mf` (`RegNet`). */
export const regnet_x_800mf = regnet('regnet_x_800mf', x(16, 56, 35.73, 2.28, 16))
/** `torchvision.models.regnet_x_1_6gf` (`RegNet`). */
export const regnet_x_1_6gf = regnet('regnet_x_1_6gf', x(18, 80, 34.01, 2.25, 24))
/** `torchvision.models.regnet_x_3_2gf` (`RegNet`). */
export const regnet_x_3_2gf = regnet('regnet_x_3_2gf', x(25, 88, 26.31, 2.25, 48))
/** `torchvision.models.regnet_x_8gf` (`RegNet`). */
export const regnet_x_8gf = regnet('regnet_x_8gf', x(23, 80, 49.56, 2.88, 120))
/** `torchvision.models.regnet_x_16gf` (`RegNet`). */
export const regnet_x_16gf = regnet('regnet_x_16gf', x(22, 216, 55.59, 2.1, 128))
/** `torchvision.models.regnet_x_32gf` (`RegNet`). */
export const regnet_x_32gf = regnet('regnet_x_32gf', x(23, 320, 69.86, 2.0, 168))
