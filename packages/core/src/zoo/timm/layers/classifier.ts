import type { ModuleBuilder } from '../../../layers/define-layer.js'
import type { ModuleNode } from '../../../model/module.js'
import { block, defineBlock, nn, runChild, sequentialNamed } from '../../torchvision/core.js'
import { createAct } from './activations.js'
import type { ActName } from './activations.js'
import { createNorm } from './norm.js'
import type { NormSpec } from './norm.js'
import { poolFeatMult, selectAdaptivePool } from './pool.js'
import type { PoolType } from './pool.js'
import { conv2d } from '../../../layers/conv.js'
import { dropout } from '../../../layers/dropout.js'
import { identity, linear as linearLayer } from '../../../layers/linear.js'
import { flatten } from '../../../layers/reshape.js'

/**
 * timm's classifier heads (`timm.layers.classifier`): `create_classifier` (a global pool and an
 * `fc`), `ClassifierHead` and `NormMlpClassifierHead`. A head for `num_classes <= 0` has
 * `nn.Identity` in place of its `fc`.
 */

/** `_create_fc`: `nn.Linear` (or a 1×1 `nn.Conv2d`), `nn.Identity` for no classes. */
export function createFc(m: ModuleBuilder, inFeatures: number, numClasses: number, useConv = false): ModuleNode {
  if (numClasses <= 0) return nn(m, identity)
  if (useConv) return nn(m, conv2d, { in_channels: inFeatures, out_channels: numClasses, kernel_size: 1, bias: true })
  return nn(m, linearLayer, { in_features: inFeatures, out_features: numClasses })
}

/** `create_classifier(num_features, num_classes, pool_type)`: `[global_pool, fc]`. */
export function createClassifier(m: ModuleBuilder, numFeatures: number, numClasses: number, poolType: PoolType, options: { useConv?: boolean; inputFmt?: 'NCHW' | 'NHWC' } = {}): [ModuleNode, ModuleNode] {
  const useConv = options.useConv ?? false
  const pool = selectAdaptivePool(m, poolType, poolType !== '' && !useConv, options.inputFmt ?? 'NCHW')
  return [pool, createFc(m, numFeatures * poolFeatMult(poolType), numClasses, useConv)]
}

/** Arguments of {@link ClassifierHead}. */
export interface ClassifierHeadArgs {
  in_features: number
  num_classes: number
  pool_type: PoolType
  drop_rate: number
  use_conv?: boolean
  input_fmt?: 'NCHW' | 'NHWC'
}

/** `ClassifierHead`: `global_pool`, `drop` (`nn.Dropout`), `fc`, `flatten`. */
export const ClassifierHead = defineBlock<ClassifierHeadArgs>({
  name: 'ClassifierHead',
  build(a, m) {
    const [pool, fc] = createClassifier(m, a.in_features, a.num_classes, a.pool_type, { useConv: a.use_conv ?? false, inputFmt: a.input_fmt ?? 'NCHW' })
    m.child('global_pool', pool)
    m.child('drop', nn(m, dropout, { p: a.drop_rate }))
    m.child('fc', fc)
    m.child('flatten', a.use_conv && a.pool_type !== '' ? nn(m, flatten, { start_dim: 1 }) : nn(m, identity))
  },
  forward(self, inputs, ctx) {
    let x = inputs[0]!
    for (const name of ['global_pool', 'drop', 'fc', 'flatten']) x = runChild(self, name, x, ctx)
    return x
  },
})

/** Builds a {@link ClassifierHead}. */
export function classifierHead(m: ModuleBuilder, args: ClassifierHeadArgs): ModuleNode {
  return block(m, ClassifierHead, args)
}

/** Arguments of {@link NormMlpClassifierHead}. */
export interface NormMlpClassifierHeadArgs {
  in_features: number
  num_classes: number
  hidden_size: number | null
  pool_type: PoolType
  drop_rate: number
  norm: NormSpec
  act: ActName
}

/** `NormMlpClassifierHead`: `global_pool`, `norm`, `flatten`, `pre_logits` (`fc` + `act` with a hidden size), `drop`, `fc`. */
export const NormMlpClassifierHead = defineBlock<NormMlpClassifierHeadArgs>({
  name: 'NormMlpClassifierHead',
  build(a, m) {
    const useConv = a.pool_type === ''
    const linear = (inF: number, outF: number): ModuleNode =>
      useConv ? nn(m, conv2d, { in_channels: inF, out_channels: outF, kernel_size: 1 }) : nn(m, linearLayer, { in_features: inF, out_features: outF })
    m.child('global_pool', selectAdaptivePool(m, a.pool_type, false))
    m.child('norm', createNorm(m, a.norm, a.in_features))
    m.child('flatten', a.pool_type !== '' ? nn(m, flatten, { start_dim: 1 }) : nn(m, identity))
    let features = a.in_features
    if (a.hidden_size) {
      m.child('pre_logits', sequentialNamed(m, [['fc', linear(a.in_features, a.hidden_size)], ['act', createAct(m, a.act)!]]))
      features = a.hidden_size
    } else {
      m.child('pre_logits', nn(m, identity))
    }
    m.child('drop', nn(m, dropout, { p: a.drop_rate }))
    m.child('fc', a.num_classes > 0 ? linear(features, a.num_classes) : nn(m, identity))
  },
  forward(self, inputs, ctx) {
    let x = inputs[0]!
    for (const name of ['global_pool', 'norm', 'flatten', 'pre_logits', 'drop', 'fc']) x = runChild(self, name, x, ctx)
    return x
  },
})

/** Builds a {@link NormMlpClassifierHead}. */
export function normMlpClassifierHead(m: ModuleBuilder, args: NormMlpClassifierHeadArgs): ModuleNode {
  return block(m, NormMlpClassifierHead, args)
}
