import { NnsizeError } from '../errors.js'
import { showValue, typeName } from '../interpret/values.js'
import type { Value } from '../interpret/values.js'
import type { ModuleNode } from '../model/module.js'
import { any } from '../bind/args.js'
import { defineLayer } from './define-layer.js'

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
export const sequential = defineLayer<{ modules: Value[] }>({
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
      if (previous !== undefined && current.length > 1) {
        throw ctx.error(`passes the ${current.length} outputs of \`${previous}\` (a tuple) to \`${name}\` (${child.type}), which takes one tensor; PyTorch fails here too. Put \`${previous}\` last or take its first output in your own module.`)
      }
      current = ctx.run(child, current.slice(0, 1), name)
      previous = name
    }
    return current
  },
})

/** `nn.ModuleList(modules)`: holds modules, has no forward. */
export const moduleList = defineLayer<{ modules: Value }>({
  name: 'ModuleList',
  signature: [any('modules', { default: { kind: 'none' } })],
  build({ modules }, m) {
    if (modules.kind === 'none') return
    if (modules.kind !== 'list' && modules.kind !== 'tuple') {
      throw new NnsizeError('argument-type', `\`nn.ModuleList\` takes a list of modules, got ${typeName(modules)}.`)
    }
    modules.items.forEach((value, i) => m.child(String(i), asModule(value, `Item ${i} of \`nn.ModuleList\``)))
  },
})

/** `nn.ModuleDict(modules)`: holds named modules in insertion order, has no forward. */
export const moduleDict = defineLayer<{ modules: Value }>({
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
