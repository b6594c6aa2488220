import { NnsizeError } from '../../errors.js'
import type { LayerDefinition } from '../../layers/define-layer.js'
import { createModule } from '../../model/module.js'
import { makeClass } from '../classes.js'
import { einopsLayerForward, einopsOutsideForward } from '../einops.js'
import { raise } from '../exceptions.js'
import { moduleClass, moduleValue } from '../nn-module.js'
import { namespace, native } from '../../contract/values.js'
import type { NamespaceValue, Value } from '../../contract/values.js'

/** The layers of `einops.layers.torch`: no parameters; the pattern and axis lengths are kept as the module's arguments. */
function einopsLayer(name: 'Rearrange' | 'Reduce'): Value {
  const definition: LayerDefinition = { name, signature: [], build() {}, forward: (self, inputs, ctx) => einopsLayerForward(name, self.args, inputs, ctx, self.span) }
  const cls = makeClass(name, [moduleClass], {
    module: 'einops.layers.torch',
    native: {
      subclassable: true,
      call: (args, span, it) => {
        const positional = args.filter((a) => a.name === undefined).map((a) => a.value)
        const pattern = positional[0] ?? args.find((a) => a.name === 'pattern')?.value
        if (pattern?.kind !== 'str') return raise('TypeError', 'argument-type', `\`${name}\` needs a pattern string.`, span)
        const reduction = name === 'Reduce' ? (positional[1] ?? args.find((a) => a.name === 'reduction')?.value) : undefined
        if (name === 'Reduce' && reduction?.kind !== 'str') return raise('TypeError', 'argument-type', '`Reduce` needs a reduction (`"mean"`, `"max"`, …).', span)
        const lengths: Record<string, number> = {}
        for (const a of args) {
          if (a.name === undefined || a.name === 'pattern' || a.name === 'reduction') continue
          if (a.value.kind !== 'int') raise('TypeError', 'argument-type', `Axis length \`${a.name}\` must be an int.`, a.span)
          lengths[a.name] = Number(a.value.value)
        }
        it.budget.modules++
        const node = createModule(name, { pattern: pattern.value, ...(reduction?.kind === 'str' ? { reduction: reduction.value } : {}), axes_lengths: lengths }, definition)
        node.span = span
        return moduleValue(node)
      },
    },
  })
  return cls.value
}

function forwardOnly(name: string): Value {
  return native(`einops.${name}`, (args, span, it) => {
    const result = it!.forwardOps?.(`einops.${name}`, args.map((a) => a.value), args, span)
    if (result !== undefined) return result
    if (!args.some((a) => a.value.kind === 'tensor' && a.value.trace !== undefined)) {
      const outside = einopsOutsideForward(name, args, span)
      if (outside !== undefined) return outside
    }
    throw new NnsizeError('unsupported', `\`einops.${name}\` is not supported yet${args.some((a) => a.value.kind === 'tensor' && a.value.trace !== undefined) ? ' in forward' : ' outside forward'}.`, { span })
  })
}

/** `einops` and `einops.layers.torch`. */
export function einopsNamespace(): NamespaceValue {
  const torchLayers = namespace('einops.layers.torch', { Rearrange: einopsLayer('Rearrange'), Reduce: einopsLayer('Reduce') })
  return namespace('einops', {
    rearrange: forwardOnly('rearrange'),
    repeat: forwardOnly('repeat'),
    reduce: forwardOnly('reduce'),
    einsum: forwardOnly('einsum'),
    pack: forwardOnly('pack'),
    unpack: forwardOnly('unpack'),
    layers: namespace('einops.layers', { torch: torchLayers }),
  })
}
