import { NnsizeError } from '../errors.js'
import { paramsOf, walkModules } from '../model/module.js'
import type { ModuleNode } from '../model/module.js'
import { dtypeAliases, isFloatingDType } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { didYouMean, suggest } from '../suggest.js'
import type { InputSpec } from './trace.js'

/** The first module that does work when `root` runs: the first child of a Sequential, recursively. */
export function firstLeaf(root: ModuleNode): ModuleNode {
  let node = root
  for (;;) {
    if (node.type !== 'Sequential') return node
    const first = [...node.children.values()].find((c) => c !== null)
    if (!first) return node
    node = first
  }
}

/**
 * Reads input shapes: `"1,3,224,224"` or `"2,10,64; 2,20,64"` (also `x` or spaces between
 * numbers, and brackets), each optionally with a dtype (`"1,16,8,8; 1,16,4,4:int64"`) and `:grad` or `:nograd`
 * (whether it requires grad; by default a floating-point input does), or arrays.
 * Without a dtype, index-taking models (Embedding first) get int64 inputs, others the dtype of their
 * first floating-point parameter (float32 when they have none).
 */
export function parseInputShapes(input: string | readonly number[] | ReadonlyArray<readonly number[]>, root: ModuleNode): InputSpec[] {
  let shapes: number[][]
  const dtypes: Array<DType | undefined> = []
  const grads: Array<boolean | undefined> = []
  if (typeof input === 'string') {
    const text = input.trim()
    if (text === '') throw new NnsizeError('option', 'The input shape is empty: write it as `1,3,224,224`.')
    shapes = text.split(';').map((part, index) => {
      const [dims = '', ...suffixes] = part.split(':')
      for (const suffix of suffixes) {
        const name = suffix.trim()
        // `:grad` / `:nograd`: whether the input requires grad (`torch.randn(..., requires_grad=…)`).
        if (name === 'grad' || name === 'nograd') {
          if (grads[index] !== undefined) throw new NnsizeError('option', `Input shape \`${part.trim()}\` has more than one \`:grad\` or \`:nograd\`.`)
          grads[index] = name === 'grad'
          continue
        }
        if (dtypes[index] !== undefined) throw new NnsizeError('option', `Input shape \`${part.trim()}\` has more than one \`:dtype\`.`)
        const key = name.replace(/^torch\./, '')
        // Only the table's own names: `constructor` or `__proto__` are not dtypes.
        const dtype = Object.hasOwn(dtypeAliases, key) ? dtypeAliases[key] : undefined
        if (!dtype) {
          const suggestions = suggest(name, [...Object.keys(dtypeAliases), 'grad', 'nograd'])
          throw new NnsizeError('option', `\`${name}\` in input shape \`${part.trim()}\` is not a dtype, \`grad\` or \`nograd\`.${didYouMean(suggestions)}`, { suggestions })
        }
        dtypes[index] = dtype
      }
      const cleaned = dims.replace(/[[\]()]/g, ' ').trim()
      if (cleaned === '') throw new NnsizeError('option', `Input shape ${index + 1} is empty.`)
      return cleaned.split(/\s*[,x×]\s*|\s+/).map((token) => {
        if (token === '') throw new NnsizeError('option', `Input shape \`${part.trim()}\` has an empty dimension: write positive integers separated by commas, as in \`1,3,224,224\`.`)
        if (!/^\d[\d_]*$/.test(token)) throw new NnsizeError('option', `\`${token}\` in input shape \`${part.trim()}\` is not a positive integer.`)
        return Number(token.replace(/_/g, ''))
      })
    })
  } else if (input.length > 0 && Array.isArray(input[0])) {
    shapes = (input as ReadonlyArray<readonly number[]>).map((s) => [...s])
  } else {
    shapes = [[...(input as readonly number[])]]
  }
  if (shapes.length > 16) throw new NnsizeError('option', `${shapes.length} input shapes given; a forward call takes at most 16.`)
  for (const shape of shapes) {
    if (shape.length > 16) throw new NnsizeError('option', `Input shape (${shape.join(', ')}) has ${shape.length} dimensions; at most 16 are supported.`)
    for (const d of shape) {
      if (!Number.isSafeInteger(d) || d <= 0) {
        throw new NnsizeError('option', `Input dimensions must be positive integers, got \`${String(d)}\` in (${shape.join(', ')}).`)
      }
    }
  }
  const dtype: DType = firstLeaf(root).layer?.inputKind === 'index' ? 'int64' : firstFloatDType(root)
  return shapes.map((shape, i) => {
    const spec: InputSpec = { shape, dtype: dtypes[i] ?? dtype }
    const grad = grads[i]
    if (grad === undefined) return spec
    if (grad && !isFloatingDType(spec.dtype)) {
      throw new NnsizeError('option', `Input ${i + 1} (${shape.join(', ')}) is ${spec.dtype} and cannot take \`:grad\`: only tensors of floating point and complex dtype can require gradients.`)
    }
    return { ...spec, requiresGrad: grad }
  })
}

/** The dtype of the model's first floating-point parameter (a `.half()` model takes float16 inputs), else float32. */
function firstFloatDType(root: ModuleNode): DType {
  for (const { node } of walkModules(root)) {
    for (const p of paramsOf(node).values()) if (p && isFloatingDType(p.dtype)) return p.dtype
  }
  return 'float32'
}
