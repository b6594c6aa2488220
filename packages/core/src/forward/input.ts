import { NnsizeError } from '../errors.js'
import type { ModuleNode } from '../model/module.js'
import type { DType } from '../tensor/dtype.js'
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
 * numbers, and brackets), or arrays. Index-taking models (Embedding first) get int64 inputs.
 */
export function parseInputShapes(input: string | readonly number[] | ReadonlyArray<readonly number[]>, root: ModuleNode): InputSpec[] {
  let shapes: number[][]
  if (typeof input === 'string') {
    const text = input.trim()
    if (text === '') throw new NnsizeError('option', 'The input shape is empty: write it as `1,3,224,224`.')
    shapes = text.split(';').map((part, index) => {
      const cleaned = part.replace(/[[\]()]/g, ' ').trim()
      if (cleaned === '') throw new NnsizeError('option', `Input shape ${index + 1} is empty.`)
      return cleaned.split(/\s*[,x×]\s*|\s+/).map((token) => {
        if (!/^\d[\d_]*$/.test(token)) throw new NnsizeError('option', `\`${token}\` in input shape \`${part.trim()}\` is not a positive integer.`)
        return Number(token.replace(/_/g, ''))
      })
    })
  } else if (input.length > 0 && Array.isArray(input[0])) {
    shapes = (input as ReadonlyArray<readonly number[]>).map((s) => [...s])
  } else {
    shapes = [[...(input as readonly number[])]]
  }
  for (const shape of shapes) {
    for (const d of shape) {
      if (!Number.isSafeInteger(d) || d <= 0) {
        throw new NnsizeError('option', `Input dimensions must be positive integers, got \`${String(d)}\` in (${shape.join(', ')}).`)
      }
    }
  }
  const dtype: DType = firstLeaf(root).layer?.inputKind === 'index' ? 'int64' : 'float32'
  return shapes.map((shape) => ({ shape, dtype }))
}
