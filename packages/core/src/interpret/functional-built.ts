import type { SourceSpan } from '../errors.js'
import { traceForward } from '../forward/trace.js'
import type { LayerDefinition } from '../contract/layer.js'
import { createModule } from '../model/module.js'
import { forwardFunctional, hasFunctionalRule } from './functional.js'
import type { Interpreter } from './interpreter.js'
import { wrapTensor } from './tensor-methods.js'
import { TensorValue, tuple } from '../contract/values.js'
import type { ArgValue, Value } from '../contract/values.js'

/**
 * `torch.nn.functional` on tensors made while the model is built: a constructor's dummy forward on `torch.zeros(…)`
 * that sizes a classifier (`F.adaptive_avg_pool2d(self.features(x), 1).view(1, -1).shape[1]`). The function's forward
 * rule runs on a throwaway trace of its own on the CPU profile, as a module called while the model is built is traced
 * (`callModule` in `forward.ts`), so its checks, errors and output shapes and dtypes are those of a traced `forward`;
 * only the shapes, dtypes and `requires_grad` of its results are kept.
 */

/** Replaces each tensor of `value` (also inside tuples and lists) by `make(tensor)`, keeping the structure. */
function mapTensors(value: Value, make: (tensor: TensorValue) => Value): Value {
  if (value.kind === 'tensor') return make(value)
  if (value.kind === 'tuple') return tuple(value.items.map((v) => mapTensors(v, make)), value.fields, value.cls)
  if (value.kind === 'list') return { kind: 'list', items: value.items.map((v) => mapTensors(v, make)) }
  return value
}

/** The tensors of `value` (also inside tuples and lists), in order. */
function tensorsIn(value: Value, out: TensorValue[] = []): TensorValue[] {
  if (value.kind === 'tensor') out.push(value)
  else if (value.kind === 'tuple' || value.kind === 'list') for (const v of value.items) tensorsIn(v, out)
  return out
}

/**
 * Runs `F.<name>(…)` on tensors made while the model is built, through the forward rule of `F.<name>` on a throwaway
 * trace: the result as PyTorch returns it (a tensor, or a tuple with `return_indices=True`), its tensors with the
 * shapes and dtypes of the trace and no trace of their own. Undefined when nnsize has no forward rule for `F.<name>`.
 */
export function builtFunctional(it: Interpreter, name: string, args: readonly ArgValue[], span: SourceSpan): Value | undefined {
  if (!hasFunctionalRule(name)) return undefined
  // Every tensor argument (a tensor made here, a parameter, a module's output) is an input of the throwaway trace.
  const given = args.flatMap((a) => tensorsIn(a.value))
  let result: Value | undefined
  const layer: LayerDefinition = {
    name: `F.${name}`,
    signature: [],
    build() {},
    forward: (_self, inputs, ctx) => {
      let next = 0
      const traced = args.map((a) => ({ ...a, value: mapTensors(a.value, () => wrapTensor(inputs[next++]!)) }))
      result = forwardFunctional({ it, ctx }, name, traced, span)
      return result === undefined ? [] : tensorsIn(result).flatMap((v) => (v.trace ? [v.trace] : []))
    },
  }
  // The throwaway module is named after the function, so that a shape error of the trace reads `F.conv2d` …
  const node = createModule(`F.${name}`, {}, layer)
  node.span = span
  traceForward(node, given.map((v) => ({ shape: [...v.shape], dtype: v.dtype, requiresGrad: v.requiresGrad })), 'cpu')
  return result === undefined ? undefined : mapTensors(result, (v) => new TensorValue([...v.shape], v.dtype, v.requiresGrad))
}
