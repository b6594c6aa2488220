import { raise } from '../exceptions.js'
import type { Interpreter } from '../interpreter.js'
import type { Iter } from '../operators.js'
import { binary } from '../operators.js'
import { int, namespace, native, tuple } from '../../contract/values.js'
import type { NamespaceValue, Value } from '../../contract/values.js'
import type { SourceSpan } from '../../errors.js'

function lazy(name: string, next: Iter): Value {
  return { kind: 'iterator', name: `itertools.${name}`, next }
}

function count(v: Value | undefined, what: string, span: SourceSpan): number {
  if (v === undefined || v.kind === 'none') return -1
  if (v.kind !== 'int') return raise('TypeError', 'argument-type', `${what} must be an int.`, span)
  return Number(v.value)
}

function combinations(it: Interpreter, pool: Value[], r: number, span: SourceSpan, withReplacement: boolean): Value[] {
  const out: Value[] = []
  const pick = (start: number, chosen: Value[]): void => {
    if (chosen.length === r) {
      it.budget.allocate(r, span)
      out.push(tuple([...chosen]))
      return
    }
    for (let i = start; i < pool.length; i++) {
      it.budget.step(span)
      chosen.push(pool[i]!)
      pick(withReplacement ? i : i + 1, chosen)
      chosen.pop()
    }
  }
  pick(0, [])
  return out
}

function permutations(it: Interpreter, pool: Value[], r: number, span: SourceSpan): Value[] {
  const out: Value[] = []
  const used = new Array<boolean>(pool.length).fill(false)
  const pick = (chosen: Value[]): void => {
    if (chosen.length === r) {
      it.budget.allocate(r, span)
      out.push(tuple([...chosen]))
      return
    }
    for (let i = 0; i < pool.length; i++) {
      if (used[i]) continue
      it.budget.step(span)
      used[i] = true
      chosen.push(pool[i]!)
      pick(chosen)
      chosen.pop()
      used[i] = false
    }
  }
  pick([])
  return out
}

function fromArray(name: string, items: Value[]): Value {
  let i = 0
  return lazy(name, () => (i < items.length ? items[i++] : undefined))
}

/** `itertools`: lazy where Python is lazy (`count`, `cycle`, `repeat` without a count), every item charged to the budget. */
export function itertoolsNamespace(): NamespaceValue {
  const chain = native('itertools.chain', (args, span, it) => {
    const nexts = args.map((a) => it!.iter(a.value, span))
    let k = 0
    return lazy('chain', () => {
      while (k < nexts.length) {
        const v = nexts[k]!()
        if (v !== undefined) return v
        k++
      }
      return undefined
    })
  }, {
    members: {
      from_iterable: native('itertools.chain.from_iterable', (args, span, it) => {
        const outer = it!.iter(args[0]?.value ?? tuple([]), span)
        let inner: Iter | undefined
        return lazy('chain', () => {
          for (;;) {
            if (inner) {
              const v = inner()
              if (v !== undefined) return v
            }
            const nextIterable = outer()
            if (nextIterable === undefined) return undefined
            inner = it!.iter(nextIterable, span)
          }
        })
      }),
    },
  })
  return namespace('itertools', {
    chain,
    count: native('itertools.count', (args, span, it) => {
      let current: Value = args[0]?.value ?? int(0)
      const step: Value = args[1]?.value ?? int(1)
      return lazy('count', () => {
        const v = current
        current = binary(it!, 'Add', current, step, span)
        return v
      })
    }),
    repeat: native('itertools.repeat', (args, span) => {
      const v = args[0]?.value ?? raise('TypeError', 'missing-argument', '`repeat` needs a value.', span)
      let times = count(args[1]?.value ?? args.find((a) => a.name === 'times')?.value, 'times', span)
      return lazy('repeat', () => {
        if (times === 0) return undefined
        if (times > 0) times--
        return v
      })
    }),
    cycle: native('itertools.cycle', (args, span, it) => {
      const items = it!.toArray(args[0]?.value ?? tuple([]), span)
      let i = 0
      return lazy('cycle', () => (items.length === 0 ? undefined : items[i++ % items.length]))
    }),
    islice: native('itertools.islice', (args, span, it) => {
      const next = it!.iter(args[0]?.value ?? tuple([]), span)
      const [start, stop, step] = args.length <= 2 ? [0, count(args[1]?.value, 'stop', span), 1] : [Math.max(0, count(args[1]?.value, 'start', span)), count(args[2]?.value, 'stop', span), Math.max(1, count(args[3]?.value, 'step', span))]
      let position = 0
      let nextWanted = start
      return lazy('islice', () => {
        for (;;) {
          if (stop >= 0 && nextWanted >= stop) return undefined
          const v = next()
          if (v === undefined) return undefined
          if (position++ === nextWanted) {
            nextWanted += step
            return v
          }
        }
      })
    }),
    accumulate: native('itertools.accumulate', (args, span, it) => {
      const next = it!.iter(args[0]?.value ?? tuple([]), span)
      const fn = args[1]?.name === undefined ? args[1]?.value : args.find((a) => a.name === 'func')?.value
      let acc: Value | undefined = args.find((a) => a.name === 'initial')?.value
      let first = acc !== undefined
      return lazy('accumulate', () => {
        if (first) {
          first = false
          return acc
        }
        const v = next()
        if (v === undefined) return undefined
        acc = acc === undefined ? v : fn ? it!.callWith(fn, [acc, v], span) : binary(it!, 'Add', acc, v, span)
        return acc
      })
    }),
    product: native('itertools.product', (args, span, it) => {
      const repeatArg = args.find((a) => a.name === 'repeat')?.value
      const pools = args.filter((a) => a.name === undefined).map((a) => it!.toArray(a.value, span))
      const times = repeatArg ? count(repeatArg, 'repeat', span) : 1
      const all: Value[][] = []
      for (let t = 0; t < times; t++) all.push(...pools)
      let results: Value[][] = [[]]
      for (const pool of all) {
        const next: Value[][] = []
        for (const r of results) for (const v of pool) {
          it!.budget.allocate(r.length + 1, span)
          next.push([...r, v])
        }
        results = next
      }
      return fromArray('product', results.map((r) => tuple(r)))
    }),
    combinations: native('itertools.combinations', (args, span, it) => fromArray('combinations', combinations(it!, it!.toArray(args[0]?.value ?? tuple([]), span), count(args[1]?.value, 'r', span), span, false))),
    combinations_with_replacement: native('itertools.combinations_with_replacement', (args, span, it) => fromArray('combinations_with_replacement', combinations(it!, it!.toArray(args[0]?.value ?? tuple([]), span), count(args[1]?.value, 'r', span), span, true))),
    permutations: native('itertools.permutations', (args, span, it) => {
      const pool = it!.toArray(args[0]?.value ?? tuple([]), span)
      const r = args[1] ? count(args[1].value, 'r', span) : pool.length
      return fromArray('permutations', permutations(it!, pool, r < 0 ? pool.length : r, span))
    }),
    zip_longest: native('itertools.zip_longest', (args, span, it) => {
      const fill = args.find((a) => a.name === 'fillvalue')?.value ?? { kind: 'none' }
      const nexts = args.filter((a) => a.name === undefined).map((a) => it!.iter(a.value, span))
      return lazy('zip_longest', () => {
        let alive = false
        const items = nexts.map((n) => {
          const v = n()
          if (v !== undefined) alive = true
          return v ?? fill
        })
        return alive ? tuple(items) : undefined
      })
    }),
    pairwise: native('itertools.pairwise', (args, span, it) => {
      const next = it!.iter(args[0]?.value ?? tuple([]), span)
      let previous = next()
      return lazy('pairwise', () => {
        const v = next()
        if (v === undefined || previous === undefined) return undefined
        const pair = tuple([previous, v])
        previous = v
        return pair
      })
    }),
    starmap: native('itertools.starmap', (args, span, it) => {
      const fn = args[0]?.value ?? raise('TypeError', 'missing-argument', '`starmap` needs a function.', span)
      const next = it!.iter(args[1]?.value ?? tuple([]), span)
      return lazy('starmap', () => {
        const v = next()
        return v === undefined ? undefined : it!.callWith(fn, it!.toArray(v, span), span)
      })
    }),
  })
}
