import { NnsizeError } from '../../errors.js'
import type { SourceSpan } from '../../errors.js'
import * as ops from '../../forward/ops/index.js'
import type { DType } from '../../tensor/dtype.js'
import { raise } from '../exceptions.js'
import type { Interpreter } from '../interpreter.js'
import { traceOf, wrapTensor } from '../tensor-methods.js'
import type { TraceOps } from '../tensor-methods.js'
import { newTensor, wrapDimension } from '../tensor.js'
import { namespace, native, typeName } from '../../contract/values.js'
import type { ArgValue, NamespaceValue, TensorValue, Value } from '../../contract/values.js'

/**
 * `torch.fft`'s complex transforms (`fft`, `ifft`, `fft2`, `ifft2`, `fftn`, `ifftn`): shapes and dtypes while the
 * model is built, and in a traced `forward` the kernels PyTorch 2.13 runs. A real input is first copied to a
 * complex one (`ToCopy`), then transformed (`_fft_c2c`); neither keeps a tensor for backward, and
 * FlopCounterMode counts no FLOPs for them. The real-input transforms (`rfft`, `irfft`, …) are not modelled.
 */

/** The parameters of each transform after `input`: the signal sizes and the dimensions, by name. */
const transforms: Record<string, { size: 'n' | 's'; dims: 'one' | 'two' | 'all' }> = {
  fft: { size: 'n', dims: 'one' },
  ifft: { size: 'n', dims: 'one' },
  fft2: { size: 's', dims: 'two' },
  ifft2: { size: 's', dims: 'two' },
  fftn: { size: 's', dims: 'all' },
  ifftn: { size: 's', dims: 'all' },
}

/** The other functions of `torch.fft`, which are named so that a call says it is not modelled. */
const unmodelled = ['rfft', 'irfft', 'rfft2', 'irfft2', 'rfftn', 'irfftn', 'hfft', 'ihfft', 'hfft2', 'ihfft2', 'hfftn', 'ihfftn', 'fftfreq', 'rfftfreq', 'fftshift', 'ifftshift']

/** The complex dtype a transform of `dtype` gives: complex128 for float64, complex64 for other reals. */
function complexOf(dtype: DType): DType {
  if (dtype === 'complex64' || dtype === 'complex128') return dtype
  return dtype === 'float64' ? 'complex128' : 'complex64'
}

function argument(args: readonly ArgValue[], position: number, name: string): Value | undefined {
  const named = args.find((a) => a.name === name)
  if (named) return named.value
  const positional = args.filter((a) => a.name === undefined)
  return positional[position]?.value
}

function ints(v: Value, what: string, span: SourceSpan): number[] {
  const items = v.kind === 'tuple' || v.kind === 'list' ? v.items : [v]
  return items.map((d) => (d.kind === 'int' ? Number(d.value) : raise('TypeError', 'argument-type', `\`${what}\` must be an int or a tuple of ints, got ${typeName(d)}.`, span)))
}

/** The shape and dtype of `torch.fft.<name>(input, …)`. */
function transformed(name: string, x: TensorValue, args: readonly ArgValue[], span: SourceSpan): { shape: number[]; dtype: DType } {
  const spec = transforms[name]!
  const rank = x.shape.length
  const sizeValue = argument(args, 1, spec.size)
  const dimValue = argument(args, 2, 'dim')
  const sizes = sizeValue === undefined || sizeValue.kind === 'none' ? undefined : ints(sizeValue, spec.size, span)
  let dims: number[]
  if (dimValue !== undefined && dimValue.kind !== 'none') dims = ints(dimValue, 'dim', span).map((d) => wrapDimension(d, rank, span))
  else if (spec.dims === 'one') dims = [wrapDimension(-1, rank, span)]
  else if (spec.dims === 'two') dims = [wrapDimension(-2, rank, span), wrapDimension(-1, rank, span)]
  else dims = sizes === undefined ? [...Array(rank).keys()] : sizes.map((_, i) => rank - sizes.length + i)
  if (sizes !== undefined && sizes.length !== dims.length) {
    raise('RuntimeError', 'argument-value', `When given, dim and shape arguments must have the same length`, span)
  }
  if (new Set(dims).size !== dims.length) raise('RuntimeError', 'argument-value', 'FFT dims must be unique', span)
  const shape = [...x.shape]
  dims.forEach((d, i) => {
    const n = sizes?.[i] ?? -1
    if (n === -1) return
    if (n < 1) raise('RuntimeError', 'argument-value', `Invalid number of data points (${n}) specified`, span)
    shape[d] = n
  })
  return { shape, dtype: complexOf(x.dtype) }
}

function inputOf(name: string, args: readonly ArgValue[], span: SourceSpan): TensorValue {
  const x = argument(args, 0, 'input')
  if (x?.kind !== 'tensor') return raise('TypeError', 'argument-type', `\`torch.fft.${name}\` takes a tensor, got ${x ? typeName(x) : 'nothing'}.`, span)
  return x
}

/** `torch.fft`: the complex transforms, run by the trace in `forward` and as shapes while the model is built. */
export function fftNamespace(): NamespaceValue {
  const members: Record<string, Value> = {}
  for (const name of Object.keys(transforms)) {
    members[name] = native(`torch.fft.${name}`, (args, span, it) => {
      const x = inputOf(name, args, span)
      const interpreter = it as Interpreter | undefined
      if (x.trace !== undefined && interpreter?.forwardOps) {
        const result = interpreter.forwardOps(`fft.${name}`, [x], args, span)
        if (result !== undefined) return result
      }
      const { shape, dtype } = transformed(name, x, args, span)
      return newTensor(shape, dtype, x.requiresGrad)
    })
  }
  for (const name of unmodelled) {
    members[name] = native(`torch.fft.${name}`, (_args, span) => {
      throw new NnsizeError('unsupported', `\`torch.fft.${name}\` is not supported yet.`, { span })
    })
  }
  return namespace('torch.fft', members)
}

/** `torch.fft.<name>(input, …)` in a traced `forward`: the complex copy of a real input, then the transform. */
export function forwardFft(t: TraceOps, name: string, args: readonly ArgValue[], span: SourceSpan): Value | undefined {
  if (!Object.hasOwn(transforms, name)) return undefined
  const value = inputOf(name, args, span)
  const { shape, dtype } = transformed(name, value, args, span)
  const x = traceOf(t, value)
  const complex = x.dtype === dtype ? x : ops.result(t.ctx, x.shape, dtype, [x])
  return wrapTensor(ops.result(t.ctx, shape, dtype, [complex]))
}
