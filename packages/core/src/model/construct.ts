import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { limits } from '../limits.js'
import type { DType } from '../tensor/dtype.js'
import type { LayerDefinition, ModuleBuilder } from '../contract/layer.js'
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
  budget: ConstructionBudget,
  span?: SourceSpan,
  argSpans: Record<string, SourceSpan> = {},
): ModuleNode {
  budget.modules++
  if (budget.modules > limits.maxModules) {
    throw new NnsizeError('limit', `The model has more than ${limits.maxModules.toLocaleString('en-US')} modules, the limit.`, { span })
  }
  const module = createModule(layer.className ?? layer.name, args, layer)
  module.span = span
  buildLayerInto(module, layer, args, budget, span, argSpans)
  return module
}

/**
 * Runs a layer's checks and `build` into a module that already exists (a Python class deriving
 * from the layer, whose `super().__init__(…)` builds the layer's parameters and children into
 * itself). The module keeps its own class name; it takes the layer and its arguments.
 */
export function buildLayerInto(
  module: ModuleNode,
  layer: LayerDefinition,
  args: Record<string, unknown>,
  budget: ConstructionBudget,
  span?: SourceSpan,
  argSpans: Record<string, SourceSpan> = {},
): void {
  layer.validate?.(args, (arg, message) => {
    throw new NnsizeError('argument-value', message, { span: argSpans[arg] ?? span })
  })
  module.layer = layer
  module.args = args
  for (const _ in argSpans) {
    module.argSpans = argSpans
    break
  }
  const argDType = args['dtype']
  const floatDType: DType = typeof argDType === 'string' ? (argDType as DType) : 'float32'
  const builder = new Builder(module, layer, floatDType, budget, span)
  try {
    layer.build(args, builder)
  } catch (error) {
    if (NnsizeError.isInstance(error) && error.span === undefined && span !== undefined) {
      throw new NnsizeError(error.code, error.message, { span, suggestions: error.suggestions })
    }
    throw error
  }
}

/**
 * A layer's arguments given from JS, with the defaults of those left out (`*args` default to none). A required
 * argument left out is a defect of the caller, which the types of {@link ModuleBuilder.create} already refuse.
 */
export function withDefaults(def: LayerDefinition, given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const full: Record<string, unknown> = {}
  for (const s of def.signature) full[s.name] = s.name in given ? given[s.name] : s.default
  if (def.variadic) full[def.variadic.name] = given[def.variadic.name] ?? []
  for (const s of def.signature) {
    if (s.required && full[s.name] === undefined) throw new Error(`internal: ${def.name} needs ${s.name}`)
  }
  return full
}

function makeTensor(layer: LayerDefinition, span: SourceSpan | undefined, kind: TensorDef['kind'], shape: readonly number[], dtype: DType, requiresGrad: boolean, persistent: boolean): TensorDef {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new NnsizeError('argument-value', `\`${layer.name}\` would create a tensor of invalid shape (${shape.join(', ')}).`, { span })
    }
  }
  return { kind, shape: [...shape], dtype, requiresGrad, persistent }
}

class Builder implements ModuleBuilder {
  constructor(
    private readonly module: ModuleNode,
    private readonly layer: LayerDefinition,
    readonly floatDType: DType,
    private readonly budget: ConstructionBudget,
    private readonly span: SourceSpan | undefined,
  ) {}

  param(name: string, shape: readonly number[], options?: { dtype?: DType; requiresGrad?: boolean }): TensorDef {
    const t = makeTensor(this.layer, this.span, 'parameter', shape, options?.dtype ?? this.floatDType, options?.requiresGrad ?? true, true)
    this.module.params.set(name, t)
    return t
  }

  buffer(name: string, shape: readonly number[], options?: { dtype?: DType; persistent?: boolean }): TensorDef {
    const t = makeTensor(this.layer, this.span, 'buffer', shape, options?.dtype ?? this.floatDType, false, options?.persistent ?? true)
    this.module.buffers.set(name, t)
    return t
  }

  shared(name: string, tensor: TensorDef): TensorDef {
    ;(tensor.kind === 'parameter' ? this.module.params : this.module.buffers).set(name, tensor)
    return tensor
  }

  none(name: string, kind: 'parameter' | 'buffer' = 'parameter'): void {
    ;(kind === 'parameter' ? this.module.params : this.module.buffers).set(name, null)
  }

  child(name: string, child: ModuleNode | null): ModuleNode | null {
    this.module.children.set(name, child)
    return child
  }

  readonly create: ModuleBuilder['create'] = (def, args) =>
    constructLayer(def as LayerDefinition, withDefaults(def as LayerDefinition, args as Readonly<Record<string, unknown>>), this.budget, this.span)
}
