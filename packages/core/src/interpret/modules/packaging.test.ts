import { describe, expect, it } from 'vitest'
import { python, pythonError } from '../../../test/interpret.js'
import { comparePep440, formatPep440, parsePep440 } from './packaging.js'

describe('parsePep440', () => {
  it('normalises as packaging 26 does', () => {
    // str(packaging.version.parse(text)) with packaging 26.3.
    const normalised: Array<[string, string]> = [
      ['2.13.0+cpu', '2.13.0+cpu'],
      ['1.0RC1', '1.0rc1'],
      ['1.0-1', '1.0.post1'],
      ['v1.2', '1.2'],
      ['1!0.1', '1!0.1'],
      ['1.0a2.post1.dev4', '1.0a2.post1.dev4'],
      ['2.0.0-beta.3', '2.0.0b3'],
      ['1.0.0.post', '1.0.0.post0'],
      ['1.0+ubuntu-1', '1.0+ubuntu.1'],
      ['  2.1  ', '2.1'],
    ]
    for (const [text, out] of normalised) expect(formatPep440(parsePep440(text)!), text).toBe(out)
    for (const bad of ['2.x', 'latest', '', '1.0+']) expect(parsePep440(bad), bad).toBeUndefined()
  })
})

describe('comparePep440', () => {
  it('orders development, pre-, post-releases and local labels as PEP 440 does', () => {
    // sorted(map(parse, …)) with packaging 26.3 gives this order.
    const order = ['1.0.dev1', '1.0a1.dev1', '1.0a1', '1.0a1.post1', '1.0b2', '1.0rc1', '1.0', '1.0+abc', '1.0+5', '1.0+5.a', '1.0.post1.dev1', '1.0.post1', '1.1', '1!0.5']
    const parsed = order.map((v) => parsePep440(v)!)
    for (let i = 0; i < parsed.length; i++) {
      for (let j = 0; j < parsed.length; j++) expect(Math.sign(comparePep440(parsed[i]!, parsed[j]!)), `${order[i]} vs ${order[j]}`).toBe(Math.sign(i - j))
    }
    expect(comparePep440(parsePep440('2.0')!, parsePep440('2.0.0')!)).toBe(0)
  })
})

describe('packaging.version in a program', () => {
  it('parses, compares and gives the parts of versions, torch.__version__ among them', () => {
    // Values of packaging 26.3; nnsize's torch.__version__ is '2.13.0'.
    python(`
from packaging import version
from packaging.version import Version, parse
import packaging.version
v = version.parse(torch.__version__)
assert not v < version.parse('2.0.0') and v >= Version('2.0') and v > parse('2.12.1') and v == Version('2.13') and v != Version('2.13.1')
assert (v.major, v.minor, v.micro, v.release, v.epoch) == (2, 13, 0, (2, 13, 0), 0) and str(v) == '2.13.0' and repr(v) == "<Version('2.13.0')>"
w = packaging.version.parse('1.0a2.post1.dev4')
assert w.pre == ('a', 2) and w.post == 1 and w.dev == 4 and w.local is None and w.is_prerelease and w.is_postrelease and w.is_devrelease
l = Version('2.13.0+cpu')
assert l.local == 'cpu' and l.public == '2.13.0' and l.base_version == '2.13.0' and l > v and not l.is_prerelease
assert [str(x) for x in sorted([parse('1.1'), parse('1.0rc1'), parse('1.0')])] == ['1.0rc1', '1.0', '1.1'] and (v == '2.13.0') is False
`)
  })

  it('raises InvalidVersion, a ValueError, for an invalid version, and TypeError for an order with a string', () => {
    python(`
from packaging.version import InvalidVersion, parse
try:
    parse('2.x')
    raise AssertionError('no error')
except InvalidVersion as e:
    assert str(e) == "Invalid version: '2.x'" and isinstance(e, ValueError)
`)
    expect(pythonError("from packaging import version\nversion.parse('latest')").message).toBe("Invalid version: 'latest'")
    expect(pythonError("from packaging import version\nversion.parse('1.0') < '2.0'").code).toBe('type')
  })
})
