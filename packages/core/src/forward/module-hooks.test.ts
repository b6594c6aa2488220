import { describe, expect, it } from 'vitest'
import { Budget } from '../interpret/budget.js'
import { linear } from '../layers/linear.js'
import { constructLayer, withDefaults } from '../model/construct.js'
import type { ModuleNode } from '../model/module.js'
import { registerModuleHooks, runningForward } from './module-hooks.js'
import type { ForwardContext, Tensor } from './trace.js'
import { traceForward } from './trace.js'

describe('module hooks of a traced forward', () => {
  // A Linear whose `weight` is no parameter: a hook gives a tensor of its shape, made in a pre-hook.
  const hooked = new WeakSet<ModuleNode>()
  const made = new WeakMap<ModuleNode, Tensor>()
  const contexts: Array<ForwardContext | undefined> = []
  registerModuleHooks({
    preForward(module, ctx) {
      if (!hooked.has(module)) return
      contexts.push(runningForward())
      made.set(module, ctx.tensor([3, 4]))
    },
    state(module, name) {
      return hooked.has(module) && name === 'weight' ? made.get(module) : undefined
    },
  })

  it('runs pre-hooks inside the call and gives their tensors for names the module does not hold', () => {
    const node = constructLayer(linear, withDefaults(linear, { in_features: 4, out_features: 3 }), new Budget())
    node.params.delete('weight')
    hooked.add(node)
    const f = traceForward(node, [{ shape: [2, 4], dtype: 'float32' }], 'cpu')
    expect(f.outputs[0]!.shape).toEqual([2, 3])
    expect(contexts).toHaveLength(1)
    expect(contexts[0]).toBeDefined()
    // The weight is an activation of 48 bytes that `mm` keeps for the input's gradient.
    expect(f.savedBytes).toBe(48n)
    expect(runningForward()).toBeUndefined()
  })

  it('leaves other modules as they are: a missing tensor is still an error', () => {
    const node = constructLayer(linear, withDefaults(linear, { in_features: 4, out_features: 3 }), new Budget())
    node.params.delete('weight')
    expect(() => traceForward(node, [{ shape: [2, 4], dtype: 'float32' }], 'cpu')).toThrow('`Linear` has no tensor `weight`.')
  })
})
