import { closeSync, openSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

const { isTerminal, linuxMajor } = createRequire(import.meta.url)('../bin/nnsize.cjs') as { isTerminal(fd: number): boolean; linuxMajor(rdev: number): number }

describe('isTerminal', () => {
  it("reads Linux's major device numbers as glibc does", () => {
    expect(linuxMajor(0x103)).toBe(1) // /dev/null
    expect(linuxMajor(0x8800)).toBe(136) // /dev/pts/0
    expect(linuxMajor(0x0400)).toBe(4) // /dev/tty0
    expect(linuxMajor(0x5000_0000_0103)).toBe(0x5001) // a major above 4095: its high bits sit at bit 44
  })

  it.runIf(process.platform === 'linux')('knows /dev/null is no terminal from its device number', () => {
    expect(linuxMajor(statSync('/dev/null').rdev)).toBe(1)
    const fd = openSync('/dev/null', 'w')
    try {
      expect(isTerminal(fd)).toBe(false)
    } finally {
      closeSync(fd)
    }
  })

  it('says false for a regular file and a descriptor that is not open', () => {
    const fd = openSync(new URL(import.meta.url), 'r')
    try {
      expect(isTerminal(fd)).toBe(false)
    } finally {
      closeSync(fd)
    }
    expect(isTerminal(1_000_000)).toBe(false)
  })
})
