import type { SourceSpan } from '../../errors.js'
import { makeClass } from '../classes.js'
import { PyError, raise } from '../exceptions.js'
import { dictSet } from '../hash.js'
import { exceptionClassNamed, objectClass } from '../types.js'
import { FALSE, NONE, TRUE, bool, int, namespace, native, str, tuple, typeName } from '../../contract/values.js'
import type { InstanceValue, NamespaceValue, PyClass, Value } from '../../contract/values.js'

/** A version as PEP 440 defines it, normalised (`1.0RC1` is `1.0rc1`, `1.0-1` is `1.0.post1`). */
export interface Pep440Version {
  epoch: bigint
  release: bigint[]
  /** `a`, `b` or `rc` and its number. */
  pre?: ['a' | 'b' | 'rc', bigint]
  post?: bigint
  dev?: bigint
  /** The local label's parts (`+cpu`, `+cu121.1`): numbers where a part is all digits. */
  local?: Array<string | bigint>
}

// PEP 440's public version scheme with its permitted spellings: `v`, an epoch, the release, a pre-release
// (`a`/`alpha`, `b`/`beta`, `rc`/`c`/`pre`/`preview`), a post-release (`.postN`, `-N`, `rev`, `r`), a development
// release and a local label; separators `.`, `-` and `_` where PEP 440 allows them.
const versionPattern = new RegExp(
  [
    '^v?',
    '(?:(?<epoch>[0-9]+)!)?',
    '(?<release>[0-9]+(?:\\.[0-9]+)*)',
    '(?:[-_.]?(?<preLetter>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preNumber>[0-9]+)?)?',
    '(?:-(?<implicitPost>[0-9]+)|[-_.]?(?<postLetter>post|rev|r)[-_.]?(?<postNumber>[0-9]+)?)?',
    '(?:[-_.]?(?<devLetter>dev)[-_.]?(?<devNumber>[0-9]+)?)?',
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?$',
  ].join(''),
  'i',
)

/** Parses a version string as `packaging.version.Version` does; undefined when it is not a PEP 440 version. */
export function parsePep440(text: string): Pep440Version | undefined {
  if (text.length > 1000) return undefined
  const m = versionPattern.exec(text.trim())
  const g = m?.groups
  if (!g) return undefined
  const number = (s: string | undefined): bigint => (s === undefined ? 0n : BigInt(s))
  const out: Pep440Version = { epoch: number(g['epoch']), release: g['release']!.split('.').map((s) => BigInt(s)) }
  const preLetter = g['preLetter']?.toLowerCase()
  if (preLetter !== undefined) out.pre = [preLetter === 'alpha' || preLetter === 'a' ? 'a' : preLetter === 'beta' || preLetter === 'b' ? 'b' : 'rc', number(g['preNumber'])]
  if (g['implicitPost'] !== undefined) out.post = BigInt(g['implicitPost'])
  else if (g['postLetter'] !== undefined) out.post = number(g['postNumber'])
  if (g['devLetter'] !== undefined) out.dev = number(g['devNumber'])
  if (g['local'] !== undefined) out.local = g['local'].toLowerCase().split(/[-_.]/).map((s) => (/^[0-9]+$/.test(s) ? BigInt(s) : s))
  return out
}

/** The normalised text of a version (`str(Version(...))`). */
export function formatPep440(v: Pep440Version, withLocal = true): string {
  let s = `${v.epoch !== 0n ? `${v.epoch}!` : ''}${v.release.join('.')}`
  if (v.pre) s += `${v.pre[0]}${v.pre[1]}`
  if (v.post !== undefined) s += `.post${v.post}`
  if (v.dev !== undefined) s += `.dev${v.dev}`
  if (withLocal && v.local) s += `+${v.local.join('.')}`
  return s
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Orders two versions as PEP 440 does: epoch, release (trailing zeros ignored), then a development release
 * before its pre-releases, pre-releases before the release, post-releases after it, and a local label after
 * the same public version (numeric parts above alphanumeric ones). Gives <0, 0 or >0.
 */
export function comparePep440(a: Pep440Version, b: Pep440Version): number {
  const byEpoch = compareBig(a.epoch, b.epoch)
  if (byEpoch !== 0) return byEpoch
  const length = Math.max(a.release.length, b.release.length)
  for (let i = 0; i < length; i++) {
    const c = compareBig(a.release[i] ?? 0n, b.release[i] ?? 0n)
    if (c !== 0) return c
  }
  // Pre-release rank: a development release of the release itself (`1.0.dev1`) comes first, the release last.
  const preRank = (v: Pep440Version): [number, number, bigint] => (v.pre ? [1, ['a', 'b', 'rc'].indexOf(v.pre[0]), v.pre[1]] : v.post === undefined && v.dev !== undefined ? [0, 0, 0n] : [2, 0, 0n])
  const [pa, pb] = [preRank(a), preRank(b)]
  const byPre = pa[0] - pb[0] || pa[1] - pb[1] || compareBig(pa[2], pb[2])
  if (byPre !== 0) return byPre
  const byPost = a.post === undefined || b.post === undefined ? (a.post === undefined ? 0 : 1) - (b.post === undefined ? 0 : 1) : compareBig(a.post, b.post)
  if (byPost !== 0) return byPost
  const byDev = a.dev === undefined || b.dev === undefined ? (a.dev === undefined ? 1 : 0) - (b.dev === undefined ? 1 : 0) : compareBig(a.dev, b.dev)
  if (byDev !== 0) return byDev
  if (a.local === undefined || b.local === undefined) return (a.local === undefined ? 0 : 1) - (b.local === undefined ? 0 : 1)
  for (let i = 0; i < Math.min(a.local.length, b.local.length); i++) {
    const [x, y] = [a.local[i]!, b.local[i]!]
    if (typeof x === 'bigint' && typeof y === 'bigint') {
      if (x !== y) return compareBig(x, y)
    } else if (typeof x === 'bigint' || typeof y === 'bigint') return typeof x === 'bigint' ? 1 : -1
    else if (x !== y) return x < y ? -1 : 1
  }
  return a.local.length - b.local.length
}

/** The `packaging.version` classes: `Version` (its instances keep their parsed version here) and `InvalidVersion`. */
interface VersionClasses {
  version: PyClass
  invalid: PyClass
  parsed: WeakMap<InstanceValue, Pep440Version>
}

function versionClasses(): VersionClasses {
  const parsed = new WeakMap<InstanceValue, Pep440Version>()
  const invalid = makeClass('InvalidVersion', [exceptionClassNamed('ValueError')], { module: 'packaging.version', native: { subclassable: true } })
  // Written as packaging's Python class would run: `__init__` parses, the comparisons read the parsed versions.
  const version = makeClass('Version', [objectClass], { module: 'packaging.version', user: true })
  const self = (v: Value | undefined, span: SourceSpan): [InstanceValue, Pep440Version] => {
    const p = v?.kind === 'instance' ? parsed.get(v) : undefined
    return p ? [v as InstanceValue, p] : raise('TypeError', 'argument-type', `Expected a \`Version\`, got ${v ? typeName(v) : 'nothing'}.`, span)
  }
  const method = (name: string, run: (args: Value[], span: SourceSpan) => Value): void => {
    version.dict.set(name, native(`packaging.version.Version.${name}`, (args, span) => run(args.map((a) => a.value), span), { binds: true }))
  }
  method('__init__', ([target, text], span) => {
    if (text?.kind !== 'str') return raise('TypeError', 'argument-type', `\`Version\` takes a string, got ${text ? typeName(text) : 'nothing'}.`, span)
    const v = parsePep440(text.value)
    if (!v) throw new PyError('argument-value', invalid, `Invalid version: '${text.value.slice(0, 200)}'`, span)
    const instance = target as InstanceValue
    parsed.set(instance, v)
    const ints = (xs: readonly bigint[]): Value => tuple(xs.map((x) => int(x)))
    const fields: Record<string, Value> = {
      epoch: int(v.epoch),
      release: ints(v.release),
      major: int(v.release[0] ?? 0n),
      minor: int(v.release[1] ?? 0n),
      micro: int(v.release[2] ?? 0n),
      pre: v.pre ? tuple([str(v.pre[0]), int(v.pre[1])]) : NONE,
      post: v.post === undefined ? NONE : int(v.post),
      dev: v.dev === undefined ? NONE : int(v.dev),
      local: v.local ? str(v.local.join('.')) : NONE,
      public: str(formatPep440(v, false)),
      base_version: str(`${v.epoch !== 0n ? `${v.epoch}!` : ''}${v.release.join('.')}`),
      is_prerelease: bool(v.pre !== undefined || v.dev !== undefined),
      is_postrelease: bool(v.post !== undefined),
      is_devrelease: bool(v.dev !== undefined),
    }
    for (const [name, value] of Object.entries(fields)) dictSet(instance.dict, str(name), value, span)
    return NONE
  })
  method('__str__', ([v], span) => str(formatPep440(self(v, span)[1])))
  method('__repr__', ([v], span) => str(`<Version('${formatPep440(self(v, span)[1])}')>`))
  const other = (v: Value | undefined): Pep440Version | undefined => (v?.kind === 'instance' ? parsed.get(v) : undefined)
  method('__eq__', ([v, w], span) => {
    const b = other(w)
    return b === undefined ? FALSE : comparePep440(self(v, span)[1], b) === 0 ? TRUE : FALSE
  })
  method('__lt__', ([v, w], span) => {
    const b = other(w) ?? raise('TypeError', 'type', `A \`Version\` compares only with another \`Version\`, not ${w ? typeName(w) : 'nothing'}.`, span)
    return comparePep440(self(v, span)[1], b) < 0 ? TRUE : FALSE
  })
  return { version, invalid, parsed }
}

/**
 * `packaging` (what model files use of it): `packaging.version.parse` and `Version` — PEP 440 versions that
 * compare, print and give their parts as packaging 26 does (`version.parse(torch.__version__) >= version.parse('2.0')`)
 * — and `InvalidVersion`, the `ValueError` an invalid string raises.
 */
export function packagingNamespace(): NamespaceValue {
  const { version, invalid } = versionClasses()
  const parse = native('packaging.version.parse', (args, span, it) => it!.call(version.value, [...args], span))
  return namespace('packaging', {
    version: namespace('packaging.version', { parse, Version: version.value, InvalidVersion: invalid.value }),
  })
}
