// Type-level tests: compiled by `pnpm typecheck` (never run). Each `@ts-expect-error` line must fail to compile.
import type { ModuleBuilder } from '../../layers/define-layer.js'
import { conv2d } from '../../layers/conv.js'
import { relu } from '../../layers/activation.js'
import { nn } from './core.js'

export function probe(m: ModuleBuilder): void {
  // Python-like values: an int where PyTorch takes an int or a tuple, a tuple, a string among the choices.
  nn(m, conv2d, { in_channels: 3, out_channels: 8, kernel_size: 3, padding: 'same', padding_mode: 'reflect' })
  nn(m, conv2d, { in_channels: 3, out_channels: 8, kernel_size: [3, 1], stride: [2, 1] })
  nn(m, relu, { inplace: true })
  nn(m, relu)
  // @ts-expect-error a misspelt argument name does not compile
  nn(m, conv2d, { in_channels: 3, out_channels: 8, kernal_size: 3 })
  // @ts-expect-error a required argument cannot be left out
  nn(m, conv2d, { in_channels: 3, out_channels: 8 })
  // @ts-expect-error a wrong type does not compile
  nn(m, relu, { inplace: 'yes' })
  // @ts-expect-error a string outside the choices does not compile
  nn(m, conv2d, { in_channels: 3, out_channels: 8, kernel_size: 3, padding_mode: 'mirror' })
  // @ts-expect-error a class name is no longer accepted
  nn(m, 'Conv2d', { in_channels: 3, out_channels: 8, kernel_size: 3 })
}
