import { NnsizeError } from '../errors.js'
import { showValue, typeName } from '../contract/values.js'
import type { Value } from '../contract/values.js'
import type { ModuleNode, TensorDef } from '../model/module.js'
import { isFloatingDType } from '../tensor/dtype.js'
import { any } from '../bind/args.js'
import { defineLayer } from './define-layer.js'
import type { ModuleBuilder } from './define-layer.js'

function asModule(value: Value, where: string): ModuleNode {
  if (value.kind === 'module') return value.module
  throw new NnsizeError('argument-type', `${where} must be a module, got ${typeName(value)} \`${showValue(value)}\`.`)
}

function moduleKey(key: Value): string {
  if (key.kind === 'str') {
    if (key.value === '' || key.value.includes('.')) {
      throw new NnsizeError('argument-value', `Module name '${key.value}' must be non-empty and contain no \`.\`.`)
    }
    return key.value
  }
  throw new NnsizeError('argument-type', `Module names must be strings, got ${typeName(key)} \`${showValue(key)}\`.`)
}

/** `nn.Sequential(*modules)` or `nn.Sequential(OrderedDict([...]))`: children run in order. */
export const sequential = defineLayer({
  name: 'Sequential',
  signature: [],
  variadic: any('modules'),
  build({ modules }, m) {
    const first = modules[0]
    if (modules.length === 1 && first?.kind === 'dict') {
      if (!first.ordered) throw new NnsizeError('argument-type', '`nn.Sequential` takes modules or an `OrderedDict`; a plain dict is not a module.')
      for (const [key, value] of first.entries) m.child(moduleKey(key), asModule(value, `Entry ${showValue(key)} of \`nn.Sequential\``))
      return
    }
    modules.forEach((value, i) => m.child(String(i), asModule(value, `Argument ${i + 1} of \`nn.Sequential\``)))
  },
  forward(self, inputs, ctx) {
    let current = [...inputs]
    let previous: string | undefined
    for (const [name, child] of self.children) {
      if (!child) continue
      // A module whose forward is Python takes the previous outputs whole; so does the first one, and a first nested
      // `nn.Sequential`, when the container was called with a tuple (`self.cells((x, prev))`).
      const whole = child.layer?.takesValues === true || (previous === undefined && child.layer === self.layer)
      if (previous !== undefined && current.length > 1 && !whole) {
        throw ctx.error(`passes the ${current.length} outputs of \`${previous}\` (a tuple) to \`${name}\` (${child.type}), which takes one tensor; PyTorch fails here too. Put \`${previous}\` last or take its first output in your own module.`)
      }
      current = ctx.run(child, whole ? current : current.slice(0, 1), name)
      previous = name
    }
    return current
  },
})

/** `nn.ModuleList(modules)`: holds modules, has no forward. */
export const moduleList = defineLayer({
  name: 'ModuleList',
  signature: [any('modules', { default: { kind: 'none' } })],
  build({ modules }, m) {
    if (modules.kind === 'none') return
    if (modules.kind !== 'list' && modules.kind !== 'tuple') {
      throw new NnsizeError('argument-type', `\`nn.ModuleList\` takes a list of modules, got ${typeName(modules)}.`)
    }
    // `None` items are registered as `None` (PyTorch's `add_module(name, None)`): they hold no parameters.
    modules.items.forEach((value, i) => m.child(String(i), value.kind === 'none' ? null : asModule(value, `Item ${i} of \`nn.ModuleList\``)))
  },
})

/** `nn.ModuleDict(modules)`: holds named modules in insertion order, has no forward. */
export const moduleDict = defineLayer({
  name: 'ModuleDict',
  signature: [any('modules', { default: { kind: 'none' } })],
  build({ modules }, m) {
    if (modules.kind === 'none') return
    if (modules.kind === 'dict') {
      for (const [key, value] of modules.entries) m.child(moduleKey(key), asModule(value, `Entry ${showValue(key)} of \`nn.ModuleDict\``))
      return
    }
    if (modules.kind === 'list' || modules.kind === 'tuple') {
      for (const pair of modules.items) {
        if ((pair.kind !== 'tuple' && pair.kind !== 'list') || pair.items.length !== 2) {
          throw new NnsizeError('argument-type', `\`nn.ModuleDict\` entries must be \`(name, module)\` pairs, got \`${showValue(pair)}\`.`)
        }
        m.child(moduleKey(pair.items[0]!), asModule(pair.items[1]!, `Entry ${showValue(pair.items[0]!)} of \`nn.ModuleDict\``))
      }
      return
    }
    throw new NnsizeError('argument-type', `\`nn.ModuleDict\` takes a dict of modules, got ${typeName(modules)}.`)
  },
})

/** One tensor made into a parameter per `nn.Parameter` value, so that the same value given twice is one tensor. */
const parameterOf = new WeakMap<object, TensorDef>()

/**
 * Registers the value `value` as the parameter `name`, as `ParameterList` and `ParameterDict` do: a tensor
 * becomes a parameter (`nn.Parameter(t)`, requiring grad unless it is a parameter made with
 * `requires_grad=False`); the same `nn.Parameter` value registered again is the same tensor. Other values are
 * kept as plain attributes (not parameters); modules belong in `nn.ModuleList` / `nn.ModuleDict`.
 */
function registerParameter(m: ModuleBuilder, name: string, value: Value, where: string): void {
  if (value.kind === 'module') throw new NnsizeError('argument-type', `${where} is a module; \`nn.ParameterList\` and \`nn.ParameterDict\` hold tensors (use \`nn.ModuleList\` or \`nn.ModuleDict\` for modules).`)
  if (value.kind !== 'tensor') return
  const existing = value.isParameter ? parameterOf.get(value) : undefined
  if (existing && m.shared) {
    m.shared(name, existing)
    return
  }
  const requiresGrad = value.isParameter ? value.requiresGrad : true
  if (requiresGrad && !isFloatingDType(value.dtype)) {
    throw new NnsizeError('argument-value', `${where} is a \`torch.${value.dtype}\` tensor, which cannot be a parameter that requires grad (Only Tensors of floating point and complex dtype can require gradients).`)
  }
  const def = m.param(name, value.shape, { dtype: value.dtype, requiresGrad })
  if (value.isParameter) parameterOf.set(value, def)
}

/**
 * `nn.ParameterList(values=None)`: holds tensors as parameters named `0`, `1`, …; a tensor becomes
 * `nn.Parameter(t)`. Has no forward.
 */
export const parameterList = defineLayer({
  name: 'ParameterList',
  signature: [any('values', { default: { kind: 'none' } })],
  build({ values }, m) {
    if (values.kind === 'none') return
    if (values.kind !== 'list' && values.kind !== 'tuple') throw new NnsizeError('argument-type', `\`nn.ParameterList\` takes a list of tensors, got ${typeName(values)} \`${showValue(values)}\`.`)
    values.items.forEach((value, i) => registerParameter(m, String(i), value, `Item ${i} of \`nn.ParameterList\``))
  },
})

/** `nn.ParameterDict(parameters=None)`: holds tensors as parameters under their keys, in insertion order. Has no forward. */
export const parameterDict = defineLayer({
  name: 'ParameterDict',
  signature: [any('parameters', { default: { kind: 'none' } })],
  build({ parameters }, m) {
    if (parameters.kind === 'none') return
    const entries: Array<[Value, Value]> = []
    if (parameters.kind === 'dict') entries.push(...parameters.entries)
    else if (parameters.kind === 'list' || parameters.kind === 'tuple') {
      for (const pair of parameters.items) {
        if ((pair.kind !== 'tuple' && pair.kind !== 'list') || pair.items.length !== 2) {
          throw new NnsizeError('argument-type', `\`nn.ParameterDict\` entries must be \`(name, tensor)\` pairs, got \`${showValue(pair)}\`.`)
        }
        entries.push([pair.items[0]!, pair.items[1]!])
      }
    } else throw new NnsizeError('argument-type', `\`nn.ParameterDict\` takes a dict of tensors, got ${typeName(parameters)} \`${showValue(parameters)}\`.`)
    for (const [key, value] of entries) {
      if (key.kind !== 'str') throw new NnsizeError('argument-type', `\`nn.ParameterDict\` keys must be strings, got ${typeName(key)} \`${showValue(key)}\`.`)
      if (key.value === '' || key.value.includes('.')) throw new NnsizeError('argument-value', `Parameter name '${key.value}' must be non-empty and contain no \`.\`.`)
      registerParameter(m, key.value, value, `Entry '${key.value}' of \`nn.ParameterDict\``)
    }
  },
})
