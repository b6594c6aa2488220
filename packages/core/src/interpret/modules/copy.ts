import { NnsizeError } from '../../errors.js'
import type { SourceSpan } from '../../errors.js'
import { limits } from '../../limits.js'
import { buffersOf, childrenOf, createModule, paramsOf } from '../../model/module.js'
import type { ModuleNode, TensorDef } from '../../model/module.js'
import { dictSet, newDict } from '../hash.js'
import type { Interpreter } from '../interpreter.js'
import { moduleValue, noteChild } from '../nn-module.js'
import { TensorValue, namespace, native, tensorOf, tuple } from '../../contract/values.js'
import type { DictValue, NamespaceValue, Value } from '../../contract/values.js'

/** What one `deepcopy` has copied, so that sharing inside the copied value is kept (as `copy.deepcopy`'s memo does). */
interface Memo {
  modules: Map<ModuleNode, ModuleNode>
  tensors: Map<TensorDef, TensorDef>
  values: Map<object, Value>
}

function copyDef(def: TensorDef, memo: Memo): TensorDef {
  let copy = memo.tensors.get(def)
  if (!copy) memo.tensors.set(def, (copy = { ...def, shape: [...def.shape] }))
  return copy
}

function copyModule(it: Interpreter, node: ModuleNode, memo: Memo, span: SourceSpan): ModuleNode {
  const done = memo.modules.get(node)
  if (done) return done
  it.budget.modules++
  if (it.budget.modules > limits.maxModules) throw new NnsizeError('limit', `The model has more than ${limits.maxModules.toLocaleString('en-US')} modules, the limit.`, { span })
  it.budget.step(span)
  const copy = createModule(node.type, node.args, node.layer)
  copy.training = node.training
  copy.span = node.span
  memo.modules.set(node, copy)
  for (const [k, def] of paramsOf(node)) copy.params.set(k, def === null ? null : copyDef(def, memo))
  for (const [k, def] of buffersOf(node)) copy.buffers.set(k, def === null ? null : copyDef(def, memo))
  for (const [k, child] of childrenOf(node)) {
    const c = child === null ? null : copyModule(it, child, memo, span)
    noteChild(copy, c, span)
    copy.children.set(k, c)
  }
  const inst = it.instances.get(node)
  if (inst) it.instances.set(copy, { cls: inst.cls, dict: deepCopy(it, inst.dict, memo, span) as DictValue })
  return copy
}

/** `copy.deepcopy(value)`: modules, parameters and containers copied, sharing inside the value kept. */
export function deepCopy(it: Interpreter, value: Value, memo: Memo, span: SourceSpan): Value {
  switch (value.kind) {
    case 'module':
      return moduleValue(copyModule(it, value.module, memo, span))
    case 'tensor':
      if (value.def) return tensorOf(copyDef(value.def, memo))
      return new TensorValue([...value.shape], value.dtype, value.requiresGrad)
    case 'list':
    case 'tuple':
    case 'dict':
    case 'set':
    case 'instance': {
      const done = memo.values.get(value)
      if (done) return done
      it.budget.step(span)
      if (value.kind === 'list') {
        const out: Value = { kind: 'list', items: [] }
        memo.values.set(value, out)
        it.budget.allocate(value.items.length, span)
        for (const v of value.items) out.items.push(deepCopy(it, v, memo, span))
        return out
      }
      if (value.kind === 'tuple') {
        it.budget.allocate(value.items.length, span)
        const out = tuple(value.items.map((v) => deepCopy(it, v, memo, span)), value.fields)
        memo.values.set(value, out)
        return out
      }
      if (value.kind === 'dict') {
        const out = newDict(value.ordered)
        if (value.defaultFactory) out.defaultFactory = value.defaultFactory
        memo.values.set(value, out)
        it.budget.allocate(value.entries.length, span)
        for (const [k, v] of value.entries) dictSet(out, deepCopy(it, k, memo, span), deepCopy(it, v, memo, span), span)
        return out
      }
      if (value.kind === 'set') {
        const out: Value = { kind: 'set', items: new Map(value.items), frozen: value.frozen }
        memo.values.set(value, out)
        return out
      }
      const out: Value = { kind: 'instance', cls: value.cls, dict: newDict(), native: value.native }
      memo.values.set(value, out)
      out.dict = deepCopy(it, value.dict, memo, span) as DictValue
      return out
    }
    default:
      return value
  }
}

/** `copy.copy(value)`: a new container (or module) holding the same items. */
function shallowCopy(it: Interpreter, value: Value, span: SourceSpan): Value {
  switch (value.kind) {
    case 'list':
      it.budget.allocate(value.items.length, span)
      return { kind: 'list', items: [...value.items] }
    case 'dict': {
      const out = newDict(value.ordered)
      it.budget.allocate(value.entries.length, span)
      for (const [k, v] of value.entries) dictSet(out, k, v, span)
      return out
    }
    case 'set':
      return { kind: 'set', items: new Map(value.items), frozen: value.frozen }
    case 'instance': {
      const dict = newDict()
      for (const [k, v] of value.dict.entries) dictSet(dict, k, v, span)
      return { kind: 'instance', cls: value.cls, dict, native: value.native }
    }
    case 'module': {
      it.budget.modules++
      const node = value.module
      const copy = createModule(node.type, node.args, node.layer)
      copy.training = node.training
      copy.span = node.span
      for (const [k, def] of paramsOf(node)) copy.params.set(k, def)
      for (const [k, def] of buffersOf(node)) copy.buffers.set(k, def)
      for (const [k, child] of childrenOf(node)) copy.children.set(k, child)
      const inst = it.instances.get(node)
      if (inst) it.instances.set(copy, { cls: inst.cls, dict: shallowCopy(it, inst.dict, span) as DictValue })
      return moduleValue(copy)
    }
    default:
      return value
  }
}

/** `copy`: `deepcopy` and `copy`. */
export function copyNamespace(): NamespaceValue {
  return namespace('copy', {
    deepcopy: native('copy.deepcopy', (args, span, it) => deepCopy(it!, args[0]?.value ?? { kind: 'none' }, { modules: new Map(), tensors: new Map(), values: new Map() }, span)),
    copy: native('copy.copy', (args, span, it) => shallowCopy(it!, args[0]?.value ?? { kind: 'none' }, span)),
  })
}
