import { describe, expect, it } from 'vitest'
import { int, lazyMember, namespace } from './values.js'
import type { Value } from './values.js'

describe('lazyMember', () => {
  it('makes a member on its first read only, keeps it, lists it, and lets an assignment replace it', () => {
    const ns = namespace('lib', { eager: int(1) })
    let made = 0
    lazyMember(ns.members, 'Lazy', () => {
      made++
      return int(2)
    })
    expect(Object.keys(ns.members)).toEqual(['eager', 'Lazy'])
    expect(Object.hasOwn(ns.members, 'Lazy')).toBe(true)
    expect(made).toBe(0)
    expect(ns.members['Lazy']).toEqual({ kind: 'int', value: 2n })
    expect(ns.members['Lazy']).toBe(ns.members['Lazy'])
    expect(made).toBe(1)

    let unread = 0
    lazyMember(ns.members, 'Replaced', () => {
      unread++
      return int(3)
    })
    const replacement: Value = int(4)
    ns.members['Replaced'] = replacement
    expect(ns.members['Replaced']).toBe(replacement)
    expect(unread).toBe(0)
  })
})
