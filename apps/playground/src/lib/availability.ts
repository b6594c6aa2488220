import { buildModule } from '@nnsize/core'
import { examples } from './examples.ts'
import type { Example } from './examples.ts'

/**
 * The examples this build of the core can evaluate. An example naming a layer or a model the
 * core does not know yet stays out of the gallery instead of greeting readers with an error.
 */
export function availableExamples(list: readonly Example[] = examples): Example[] {
  return list.filter((example) => {
    try {
      buildModule(example.state.source)
      return true
    } catch {
      return false
    }
  })
}
