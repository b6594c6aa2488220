import type { TimmFamily } from './family.js'
import { beit } from './beit.js'
import { byobnet } from './byobnet.js'
import { cait } from './cait.js'
import { convmixer } from './convmixer.js'
import { convnext } from './convnext.js'
import { cspnet } from './cspnet.js'
import { deit, deitDistilled } from './deit.js'
import { densenet } from './densenet.js'
import { dla } from './dla.js'
import { efficientnet } from './efficientnet.js'
import { eva } from './eva.js'
import { fastvit } from './fastvit.js'
import { ghostnet } from './ghostnet.js'
import { inceptionResnetV2, inceptionV3 } from './inception.js'
import { metaformer } from './metaformer.js'
import { mlpMixer } from './mlp-mixer.js'
import { mobilenetv3 } from './mobilenetv3.js'
import { mobilevit } from './mobilevit.js'
import { maxxvit } from './maxxvit.js'
import { nfnet } from './nfnet.js'
import { regnet } from './regnet.js'
import { resnet } from './resnet.js'
import { rexnet } from './rexnet.js'
import { swinTransformer, swinTransformerV2 } from './swin.js'
import { vgg } from './vgg.js'
import { visionTransformer } from './vision-transformer.js'

/** A family of any argument type, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFamily = TimmFamily<any>

/** The timm families nnsize builds, one line each (the order of `list_modules()` does not matter). */
export const timmFamilies: readonly AnyFamily[] = [
  resnet,
  convnext,
  visionTransformer,
  deit,
  deitDistilled,
  efficientnet,
  mobilenetv3,
  swinTransformer,
  swinTransformerV2,
  vgg,
  densenet,
  inceptionV3,
  inceptionResnetV2,
  regnet,
  dla,
  ghostnet,
  rexnet,
  cspnet,
  metaformer,
  beit,
  eva,
  cait,
  convmixer,
  mlpMixer,
  mobilevit,
  byobnet,
  nfnet,
  maxxvit,
  fastvit,
]
