import type { LayerDefinition } from '../../../layers/define-layer.js'
import type { TimmLayerDefinitions } from '../../../interpret/collections.js'
import { QuickGELU } from './activations.js'
import { Attention } from './attention.js'
import { ClassifierHead, NormMlpClassifierHead } from './classifier.js'
import { CondConv2d, Conv2dSame, ConvNormAct, MixedConv2d, ScaledStdConv2d, ScaledStdConv2dSame, StdConv2d, StdConv2dSame } from './conv.js'
import { DropBlock2d, DropPath } from './drop.js'
import { GlobalResponseNorm } from './grn.js'
import { LayerScale, LayerScale2d } from './layer-scale.js'
import { ConvMlp, GatedMlp, GlobalResponseNormMlp, GluMlp, Mlp, SwiGLU } from './mlp.js'
import { BatchNormAct2d, GroupNorm1Act, GroupNormAct, LayerNormAct, LayerNormAct2d } from './norm-act.js'
import { GroupNorm, GroupNorm1, LayerNorm, LayerNorm2d, RmsNorm, RmsNorm2d, SimpleNorm, SimpleNorm2d } from './norm.js'
import { PatchEmbed } from './patch-embed.js'
import {
  AdaptiveAvgMaxPool2d,
  AdaptiveCatAvgMaxPool2d,
  AvgPool2dSame,
  BlurPool2d,
  FastAdaptiveAvgMaxPool,
  FastAdaptiveAvgPool,
  FastAdaptiveCatAvgMaxPool,
  FastAdaptiveMaxPool,
  MaxPool2dSame,
  SelectAdaptivePool2d,
} from './pool.js'
import { RelPosBias, RelPosBiasTf, RelPosMlp } from './pos-embed-rel.js'
import { EcaModule, EffectiveSEModule, SEModule } from './squeeze-excite.js'

/**
 * timm's building blocks (`timm.layers`) that the timm families use, one line each. Each is a
 * module class under timm's class name; the families build them with timm's arguments.
 */
export const timmLayers: readonly LayerDefinition[] = [
  QuickGELU,
  LayerNorm,
  LayerNorm2d,
  GroupNorm,
  GroupNorm1,
  RmsNorm,
  RmsNorm2d,
  SimpleNorm,
  SimpleNorm2d,
  BatchNormAct2d,
  GroupNormAct,
  GroupNorm1Act,
  LayerNormAct,
  LayerNormAct2d,
  Conv2dSame,
  StdConv2d,
  StdConv2dSame,
  ScaledStdConv2d,
  ScaledStdConv2dSame,
  ConvNormAct,
  MixedConv2d,
  CondConv2d,
  SelectAdaptivePool2d,
  FastAdaptiveAvgPool,
  FastAdaptiveMaxPool,
  FastAdaptiveAvgMaxPool,
  FastAdaptiveCatAvgMaxPool,
  AdaptiveAvgMaxPool2d,
  AdaptiveCatAvgMaxPool2d,
  BlurPool2d,
  AvgPool2dSame,
  MaxPool2dSame,
  ClassifierHead,
  NormMlpClassifierHead,
  SEModule,
  EffectiveSEModule,
  EcaModule,
  Mlp,
  GluMlp,
  SwiGLU,
  ConvMlp,
  GlobalResponseNormMlp,
  GatedMlp,
  Attention,
  PatchEmbed,
  LayerScale,
  LayerScale2d,
  DropPath,
  DropBlock2d,
  GlobalResponseNorm,
  RelPosBias,
  RelPosMlp,
  RelPosBiasTf,
] as readonly LayerDefinition[]

/** The layers of this list that model files import from `timm.layers`, given to the interpreter (one definition each). */
export const timmLayerDefinitions: TimmLayerDefinitions = { DropPath, DropBlock2d, LayerScale, LayerScale2d }
