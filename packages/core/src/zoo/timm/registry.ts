import type { TimmFamily } from './family.js'
import { convnext } from './convnext.js'
import { resnet } from './resnet.js'

/** A family of any argument type, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFamily = TimmFamily<any>

/** The timm families nnsize builds, one line each (the order of `list_modules()` does not matter). */
export const timmFamilies: readonly AnyFamily[] = [
  resnet,
  convnext,
]
