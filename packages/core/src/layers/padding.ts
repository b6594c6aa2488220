import { coerceInts, float } from '../bind/args.js'
import type { ArgSpec } from '../bind/args.js'
import * as ops from '../forward/ops/index.js'
import { formatShape } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'

/** The modes of `F.pad`. */
export type PadMode = ops.PadMode

function paddingArg(dims: number): ArgSpec<number[], 'padding', true> {
  return {
    name: 'padding',
    required: true,
    coerce: (value, span, name) => coerceInts(value, span, name, 2 * dims, -Number.MAX_SAFE_INTEGER),
  }
}

function makePad(name: string, dims: 1 | 2 | 3, mode: PadMode, withValue: boolean, since?: string) {
  return defineLayer({
    name,
    ...(since === undefined ? {} : { since }),
    signature: withValue ? [paddingArg(dims), float('value')] : [paddingArg(dims)],
    build() {},
    forward(self, inputs, ctx) {
      const x = inputs[0]!
      if (mode === 'circular' && x.shape.length !== dims + 1 && x.shape.length !== dims + 2) {
        throw ctx.error(`expected ${dims + 1}D or ${dims + 2}D input (got ${x.shape.length}D input of shape ${formatShape(x.shape)}).`)
      }
      return ops.pad(ctx, x, self.args.padding, mode)
    },
  })
}

/** `nn.ConstantPad1d(padding, value)`: pads the last dimension with `value`; negative padding crops. Saves nothing. */
export const constantPad1d = makePad('ConstantPad1d', 1, 'constant', true)
/** `nn.ConstantPad2d(padding, value)`: pads the last two dimensions with `value`. */
export const constantPad2d = makePad('ConstantPad2d', 2, 'constant', true)
/** `nn.ConstantPad3d(padding, value)`: pads the last three dimensions with `value`. */
export const constantPad3d = makePad('ConstantPad3d', 3, 'constant', true)
/** `nn.ZeroPad1d(padding)`: pads the last dimension with zeros. */
export const zeroPad1d = makePad('ZeroPad1d', 1, 'constant', false, '2.1')
/** `nn.ZeroPad2d(padding)`: pads the last two dimensions with zeros. */
export const zeroPad2d = makePad('ZeroPad2d', 2, 'constant', false)
/** `nn.ZeroPad3d(padding)`: pads the last three dimensions with zeros. */
export const zeroPad3d = makePad('ZeroPad3d', 3, 'constant', false, '2.1')
/** `nn.ReflectionPad1d(padding)`: mirrors the input at its edges; padding must be smaller than the input. Saves its input. */
export const reflectionPad1d = makePad('ReflectionPad1d', 1, 'reflect', false)
/** `nn.ReflectionPad2d(padding)`: mirrors the last two dimensions. Saves its input. */
export const reflectionPad2d = makePad('ReflectionPad2d', 2, 'reflect', false)
/** `nn.ReflectionPad3d(padding)`: mirrors the last three dimensions. Saves its input. */
export const reflectionPad3d = makePad('ReflectionPad3d', 3, 'reflect', false)
/** `nn.ReplicationPad1d(padding)`: repeats the edge values. Saves its input. */
export const replicationPad1d = makePad('ReplicationPad1d', 1, 'replicate', false)
/** `nn.ReplicationPad2d(padding)`: repeats the edge values of the last two dimensions. Saves its input. */
export const replicationPad2d = makePad('ReplicationPad2d', 2, 'replicate', false)
/** `nn.ReplicationPad3d(padding)`: repeats the edge values of the last three dimensions. Saves its input. */
export const replicationPad3d = makePad('ReplicationPad3d', 3, 'replicate', false)
/** `nn.CircularPad1d(padding)`: wraps the input around; padding at most the input size. Saves nothing. */
export const circularPad1d = makePad('CircularPad1d', 1, 'circular', false, '2.1')
/** `nn.CircularPad2d(padding)`: wraps the last two dimensions around. */
export const circularPad2d = makePad('CircularPad2d', 2, 'circular', false, '2.1')
/** `nn.CircularPad3d(padding)`: wraps the last three dimensions around. */
export const circularPad3d = makePad('CircularPad3d', 3, 'circular', false, '2.1')
