import { analyze } from '@nnsize/core'
import { examples } from './examples.ts'
import type { Example } from './examples.ts'

/**
 * The examples this build of the core can evaluate (parameters only, which is quick). An example
 * naming a layer or a model the core does not know stays out of the gallery instead of greeting
 * readers with an error.
 */
export function availableExamples(list: readonly Example[] = examples): Example[] {
  return list.filter((example) => {
    try {
      analyze(example.state.source)
      return true
    } catch {
      return false
    }
  })
}
