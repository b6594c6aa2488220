import type { Value } from '../contract/values.js'
import type { ForwardContext } from '../forward/trace.js'
import { showValue, typeName } from '../contract/values.js'

/**
 * A forward keyword that takes a sequence of ints (`output_size=[10, 10]`, a `torch.Size`), as the layer's rule reads
 * it from the call's options; undefined when it is absent or `None`.
 */
export function intsOption(ctx: ForwardContext, options: Readonly<Record<string, unknown>> | undefined, name: string): number[] | undefined {
  const value = options?.[name]
  if (value === undefined || value === null) return undefined
  const v = value as Value
  const items = v.kind === 'tuple' || v.kind === 'list' ? v.items : undefined
  if (items !== undefined && items.every((item) => item.kind === 'int')) return items.map((item) => Number((item as Extract<Value, { kind: 'int' }>).value))
  throw ctx.error(`takes \`${name}\` as a sequence of ints, got ${typeName(v)} \`${showValue(v)}\`.`, 'type')
}
