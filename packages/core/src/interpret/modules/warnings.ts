import { NONE, namespace, native } from '../../contract/values.js'
import type { NamespaceValue } from '../../contract/values.js'

/** `warnings`: `warn` adds a note to the analysis; filters change nothing. */
export function warningsNamespace(): NamespaceValue {
  return namespace('warnings', {
    warn: native('warnings.warn', (args, span, it) => {
      const message = args[0]?.value
      if (message) it!.note(`warning: ${it!.str(message, span).slice(0, 1000)}`)
      return NONE
    }),
    filterwarnings: native('warnings.filterwarnings', () => NONE),
    simplefilter: native('warnings.simplefilter', () => NONE),
  })
}
