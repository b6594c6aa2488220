import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { limits } from '../limits.js'
import type { ConstructionBudget } from '../model/construct.js'

const count = (n: number): string => n.toLocaleString('en-US')

/**
 * The one bound on the work of a Python program: steps run, items created, characters of strings
 * created, the size of integers and the depth of calls. Every loop, repetition, power and allocation
 * of the interpreter charges it before doing the work, so that any program stops with an error of its
 * own code within a second, whatever it asks for. It also counts modules for {@link constructLayer}.
 */
export class Budget implements ConstructionBudget {
  modules = 0
  steps = 0
  items = 0
  chars = 0
  depth = 0

  /** Charges `n` steps (a statement, a loop iteration, a call). */
  step(span: SourceSpan | undefined, n = 1): void {
    this.steps += n
    if (this.steps > limits.maxSteps) {
      throw new NnsizeError('too-many-steps', `The program ran more than ${count(limits.maxSteps)} steps, the limit: an endless loop, or a loop far longer than building a model needs.`, { span })
    }
  }

  /** Charges a linear scan of `n` items of a container (membership, comparison, search): one step each. */
  scanItems(n: number, span: SourceSpan | undefined): void {
    if (n > 16) this.step(span, n)
  }

  /** Charges a scan of a string of `n` characters (search, count, length of code points): a step per 100 characters. */
  scanChars(n: number, span: SourceSpan | undefined): void {
    if (n > 1000) this.step(span, Math.ceil(n / 100))
  }

  /** Charges `n` items of a list, tuple, dict or set about to be created. */
  allocate(n: number | bigint, span: SourceSpan | undefined): void {
    if (n <= 0) return
    const total = this.items + (typeof n === 'bigint' ? (n > BigInt(limits.maxItems) ? limits.maxItems + 1 : Number(n)) : n)
    if (total > limits.maxItems) {
      throw new NnsizeError('too-many-items', `The program creates more than ${count(limits.maxItems)} list, tuple, dict and set items in all, the limit.`, { span })
    }
    this.items = total
  }

  /** Charges a string of `n` characters about to be created. */
  string(n: number | bigint, span: SourceSpan | undefined): void {
    if (n <= 0) return
    const total = this.chars + (typeof n === 'bigint' ? (n > BigInt(limits.maxStringChars) ? limits.maxStringChars + 1 : Number(n)) : n)
    if (total > limits.maxStringChars) {
      throw new NnsizeError('string-too-long', `The program creates more than ${count(limits.maxStringChars)} characters of strings in all, the limit.`, { span })
    }
    this.chars = total
  }

  /** Checks that an integer of about `bits` bits may be created (called before computing it). */
  intBits(bits: number | bigint, span: SourceSpan | undefined): void {
    if (bits > limits.maxIntBits) {
      const shown = typeof bits === 'bigint' && bits > 10n ** 15n ? 'more than 10^15' : count(Number(bits))
      throw new NnsizeError('int-too-large', `This integer would have ${shown} bits; the limit is ${count(limits.maxIntBits)}.`, { span })
    }
  }

  /** Enters a call; {@link leave} when it returns. */
  enter(span: SourceSpan | undefined): void {
    if (++this.depth > limits.maxCallDepth) {
      this.depth--
      throw new NnsizeError('too-deep', `Calls nest deeper than ${count(limits.maxCallDepth)} levels, the limit: a recursion that does not end?`, { span })
    }
  }

  /** Leaves a call entered with {@link enter}. */
  leave(): void {
    this.depth--
  }
}

/** Bit length of an integer (of its absolute value), without converting it to text. */
export function bitLength(value: bigint): number {
  const abs = value < 0n ? -value : value
  if (abs === 0n) return 0
  // Hex digits count 4 bits each; refine the top digit.
  const hex = abs.toString(16)
  return (hex.length - 1) * 4 + Math.floor(Math.log2(parseInt(hex[0]!, 16))) + 1
}
