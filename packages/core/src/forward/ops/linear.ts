import { isContiguous, stridesOf, viewStrides } from '../layout.js'
import { formatShape } from '../../tensor/shape.js'
import type { FlopCounterOp, ForwardContext, Tensor } from '../trace.js'
import { anyRequiresGrad, broadcastShapes, checkSameDType, product, result, saveIf } from './common.js'

/**
 * `F.linear(x, weight, bias)` with a `(out, in)` weight: `rows × in × out` MACs (rows: the product of the
 * leading sizes). `mm` keeps the input for the weight's gradient and the weight for the input's.
 * `copyInput` models PyTorch reading a contiguous copy of a non-contiguous input (a transposed view); an input of
 * three or more dimensions whose leading dimensions cannot be flattened into a view is copied too (`matmul`
 * folds it with `reshape`), and `mm` saves that copy.
 */
export function linear(ctx: ForwardContext, x: Tensor, weight: Tensor, bias?: Tensor | null, options: { copyInput?: boolean } = {}): Tensor {
  const outFeatures = weight.shape[0]!
  const inFeatures = weight.shape[1]!
  const last = x.shape.at(-1)
  if (x.shape.length === 0 || last !== inFeatures) {
    const rows = x.shape.length <= 1 ? 1n : product(x.shape.slice(0, -1))
    throw ctx.error(`cannot multiply an input of shape ${formatShape(x.shape)} by its weight: mat1 and mat2 shapes cannot be multiplied (${rows}x${last ?? 0} and ${inFeatures}x${outFeatures}). It expects the last dimension to be ${inFeatures}.`)
  }
  checkSameDType(ctx, x, weight, bias, 'matmul')
  const folded = x.shape.length < 3 || viewStrides(x.shape, stridesOf(x), [x.shape.slice(0, -1).reduce((p, d) => p * d, 1), inFeatures]) !== undefined
  const saved = options.copyInput || !folded ? ctx.tensor(x.shape, x.dtype, x.requiresGrad) : x
  const out = result(ctx, [...x.shape.slice(0, -1), outFeatures], x.dtype, [x, weight, bias ?? undefined])
  const macs = product(x.shape.slice(0, -1)) * BigInt(inFeatures) * BigInt(outFeatures)
  ctx.macs(macs)
  // `F.linear` runs `addmm` for a 2-D input with a bias, and flattens a contiguous input with a bias into one (a 3-D
  // one in PyTorch 1.13, any in 2.x); else `matmul` (`mm`) and an add.
  const flattened = x.shape.length > 2 && !options.copyInput && isContiguous(x) && (x.shape.length === 3 || ctx.torch !== '1.13')
  ctx.flops(bias && (x.shape.length === 2 || flattened) ? 'aten.addmm' : 'aten.mm', 2n * macs)
  saveIf(ctx, weight.requiresGrad, saved)
  saveIf(ctx, x.requiresGrad, weight)
  return out
}

/**
 * `F.bilinear(x1, x2, weight, bias)` with a `(out, in1, in2)` weight: `rows × out × in1 × in2` MACs.
 * `_trilinear(input1, weight, input2)` keeps all three: each is needed for the others' gradients.
 */
export function bilinear(ctx: ForwardContext, x1: Tensor, x2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const [outFeatures, in1, in2] = weight.shape as [number, number, number]
  const rows = product(x1.shape.slice(0, -1))
  const out = result(ctx, [...x1.shape.slice(0, -1), outFeatures], x1.dtype, [x1, x2, weight, bias ?? undefined])
  ctx.macs(rows * BigInt(outFeatures) * BigInt(in1) * BigInt(in2))
  saveIf(ctx, anyRequiresGrad(x1, x2, weight), x1, x2, weight)
  return out
}

/**
 * A batched matrix product `a @ b` of `(…, n, k)` by `(…, k, m)` (`torch.matmul` of two tensors of at least
 * two dimensions, batch sizes broadcast; `torch.bmm` for three): `batch × n × k × m` MACs. Each operand is
 * kept for the other's gradient. Pass contiguous copies where PyTorch copies. `flopOp` names the ATen op when it is
 * not `mm`/`bmm` (`baddbmm` adds a mask in the same call); `null` for `mv` and `dot`, which FlopCounterMode does not
 * count (it has no formula for them). `backwardFactor` sets the backward pass's multiple of the MACs where it is not
 * the module's default (see `ForwardContext.macs`).
 */
export function matmul(ctx: ForwardContext, a: Tensor, b: Tensor, options: { flopOp?: FlopCounterOp | null; backwardFactor?: number } = {}): Tensor {
  if (a.shape.length < 2 || b.shape.length < 2) throw ctx.error(`multiplies matrices of at least 2 dimensions, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}.`)
  const [n, k] = a.shape.slice(-2) as [number, number]
  const [k2, m] = b.shape.slice(-2) as [number, number]
  if (k !== k2) throw ctx.error(`cannot multiply matrices of shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}.`)
  const batch = broadcastShapes(ctx, a.shape.slice(0, -2), b.shape.slice(0, -2))
  const out = result(ctx, [...batch, n, m], a.dtype, [a, b])
  const macs = product(batch) * BigInt(n) * BigInt(k) * BigInt(m)
  ctx.macs(macs, options.backwardFactor)
  // `matmul` folds a batch by a matrix into one `mm`; batches on both sides are a `bmm`.
  if (options.flopOp !== null) ctx.flops(options.flopOp ?? (b.shape.length === 2 ? 'aten.mm' : 'aten.bmm'), 2n * macs)
  saveIf(ctx, b.requiresGrad, a)
  saveIf(ctx, a.requiresGrad, b)
  return out
}

/** `torch.bmm(a, b)` of `(B, n, k)` by `(B, k, m)`: as {@link matmul}. */
export const bmm = matmul

/**
 * `torch.baddbmm(input, batch1, batch2, beta=…, alpha=…)` of `(b, n, m)` by `(b, m, p)`, `input` broadcast to `(b, n, p)`
 * (checked by the caller): `b × n × m × p` MACs, 2× in backward (both batches get a gradient), which FlopCounterMode
 * counts as `aten.baddbmm` whatever `beta` and `alpha`. `BaddbmmBackward0` keeps `batch1` when `batch2` requires grad
 * and `batch2` when `batch1` does; nothing for `input`. The result requires grad when any operand does.
 */
export function baddbmm(ctx: ForwardContext, input: Tensor, batch1: Tensor, batch2: Tensor): Tensor {
  const out = matmul(ctx, batch1, batch2, { flopOp: 'aten.baddbmm', backwardFactor: 2 })
  ctx.use(input)
  return input.requiresGrad && !out.requiresGrad ? { ...out, requiresGrad: ctx.gradEnabled() } : out
}

/**
 * A matrix product added to an input (`torch.addmm`, `addbmm`, `addmv`) or alone (`torch.mv`, `dot`, `vdot`), checked
 * by the caller: `shape` of `a`'s dtype, `macs` multiply-accumulates (2× in backward: both operands get a gradient),
 * which FlopCounterMode counts as `flopOp` (`aten.addmm`, whatever `beta` and `alpha`) or not at all (`null`: it has no
 * formula for `addbmm`, `addmv`, `mv`, `dot` and `vdot`). Autograd keeps `a` as given when `b` requires grad and `b`
 * when `a` does; nothing for the input, which is only scaled. The result requires grad when any operand does. In place
 * (`addmm_`, `inPlace`), the result is the input's storage. `backwardFactor` `null` takes the module's default, as
 * {@link matmul} does (`torch.tensordot`'s `dot`, like its `mm`).
 */
export function productAdded(ctx: ForwardContext, input: Tensor | undefined, a: Tensor, b: Tensor, shape: readonly number[], macs: bigint, flopOp: FlopCounterOp | null, inPlace = false, backwardFactor: number | null = 2): Tensor {
  let out: Tensor
  if (inPlace && input) {
    ctx.use(a, b)
    const requiresGrad = anyRequiresGrad(input, a, b) && ctx.gradEnabled()
    out = requiresGrad === input.requiresGrad ? input : { ...input, requiresGrad }
  } else out = result(ctx, shape, a.dtype, [input, a, b])
  ctx.macs(macs, backwardFactor ?? undefined)
  if (flopOp !== null) ctx.flops(flopOp, 2n * macs)
  saveIf(ctx, b.requiresGrad, a)
  saveIf(ctx, a.requiresGrad, b)
  return out
}
