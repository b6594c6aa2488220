import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { limits } from '../limits.js'
import type { DType } from '../tensor/dtype.js'
import type { LayerDefinition, ModuleBuilder } from '../layers/define-layer.js'
import { createModule } from './module.js'
import type { ModuleNode, TensorDef } from './module.js'

/** Finds a layer definition by its class name. */
export type LayerLookup = (name: string) => LayerDefinition | undefined

/** Counts modules created by one program, to enforce {@link limits.maxModules}. */
export interface ConstructionBudget {
  modules: number
}

/**
 * Builds a module from bound arguments: runs the layer's checks, then its
 * `build`, with submodules made through the same path.
 */
export function constructLayer(
  layer: LayerDefinition,
  args: Record<string, unknown>,
  lookup: LayerLookup,
  budget: ConstructionBudget,
  span?: SourceSpan,
  argSpans: Record<string, SourceSpan> = {},
): ModuleNode {
  budget.modules++
  if (budget.modules > limits.maxModules) {
    throw new NnsizeError('limit', `The model has more than ${limits.maxModules.toLocaleString('en-US')} modules, the limit.`, { span })
  }
  layer.validate?.(args, (arg, message) => {
    throw new NnsizeError('argument-value', message, { span: argSpans[arg] ?? span })
  })
  const module = createModule(layer.className ?? layer.name, args, layer)
  module.span = span
  const argDType = args['dtype']
  const floatDType: DType = typeof argDType === 'string' ? (argDType as DType) : 'float32'
  const tensor = (kind: TensorDef['kind'], shape: readonly number[], dtype: DType, requiresGrad: boolean, persistent: boolean): TensorDef => {
    for (const d of shape) {
      if (!Number.isSafeInteger(d) || d < 0) {
        throw new NnsizeError('argument-value', `\`${layer.name}\` would create a tensor of invalid shape (${shape.join(', ')}).`, { span })
      }
    }
    return { kind, shape: [...shape], dtype, requiresGrad, persistent }
  }
  const builder: ModuleBuilder = {
    floatDType,
    param(name, shape, options) {
      const t = tensor('parameter', shape, options?.dtype ?? floatDType, options?.requiresGrad ?? true, true)
      module.params.set(name, t)
      return t
    },
    buffer(name, shape, options) {
      const t = tensor('buffer', shape, options?.dtype ?? floatDType, false, options?.persistent ?? true)
      module.buffers.set(name, t)
      return t
    },
    none(name, kind = 'parameter') {
      ;(kind === 'parameter' ? module.params : module.buffers).set(name, null)
    },
    child(name, child) {
      module.children.set(name, child)
      return child
    },
    create(name, childArgs) {
      const def = lookup(name)
      if (!def) throw new Error(`internal: unknown layer ${name}`)
      const full: Record<string, unknown> = {}
      for (const s of def.signature) full[s.name] = s.name in childArgs ? childArgs[s.name] : s.default
      if (def.variadic) full[def.variadic.name] = childArgs[def.variadic.name] ?? []
      for (const s of def.signature) {
        if (s.required && full[s.name] === undefined) throw new Error(`internal: ${name} needs ${s.name}`)
      }
      return constructLayer(def, full, lookup, budget, span)
    },
  }
  try {
    layer.build(args, builder)
  } catch (error) {
    if (NnsizeError.isInstance(error) && error.span === undefined && span !== undefined) {
      throw new NnsizeError(error.code, error.message, { span, suggestions: error.suggestions })
    }
    throw error
  }
  return module
}
