import { floatPow } from '../float-arith.js'
import type { SourceSpan } from '../../errors.js'
import { bitLength } from '../budget.js'
import { toFloat } from '../builtins.js'
import { raise } from '../exceptions.js'
import type { Interpreter } from '../interpreter.js'
import { binary, order } from '../operators.js'
import { FALSE, bool, float, int, namespace, native, typeName } from '../../contract/values.js'
import type { ArgValue, NamespaceValue, Value } from '../../contract/values.js'

function num(it: Interpreter, args: readonly ArgValue[], i: number, name: string, span: SourceSpan): number {
  const v = args[i]?.value
  if (!v) return raise('TypeError', 'missing-argument', `\`math.${name}\` needs ${i + 1} argument${i === 0 ? '' : 's'}.`, span)
  return toFloat(it, v, span)
}

function integer(v: Value | undefined, name: string, span: SourceSpan): bigint {
  if (v?.kind === 'int') return v.value
  if (v?.kind === 'bool') return v.value ? 1n : 0n
  return raise('TypeError', 'argument-type', `\`math.${name}\` takes integers, got ${v ? typeName(v) : 'nothing'}.`, span)
}

function checked(value: number, name: string, span: SourceSpan): Value {
  if (Number.isNaN(value)) raise('ValueError', 'argument-value', `Math domain error in \`math.${name}\`.`, span)
  if (!Number.isFinite(value)) raise('OverflowError', 'argument-value', `Math range error in \`math.${name}\`.`, span)
  return float(value)
}

/** A float function of one argument with Python's domain checks (`math.log(0)` is a `ValueError`). */
function unary(name: string, fn: (x: number) => number, domain?: (x: number) => boolean): Value {
  return native(`math.${name}`, (args, span, it) => {
    const x = num(it!, args, 0, name, span)
    if (domain && !domain(x)) raise('ValueError', 'argument-value', `Math domain error in \`math.${name}\`.`, span)
    const y = fn(x)
    return Number.isFinite(x) && !Number.isFinite(y) ? checked(y, name, span) : float(y)
  })
}

/** Rounds a float to an int (`math.floor`, `math.ceil`, `math.trunc`): exact at any size. */
function toInt(name: string, fn: (x: number) => number): Value {
  return native(`math.${name}`, (args, span, it) => {
    const v = args[0]?.value
    if (v?.kind === 'int') return v
    if (v?.kind === 'bool') return int(v.value ? 1 : 0)
    const x = num(it!, args, 0, name, span)
    if (!Number.isFinite(x)) raise(Number.isNaN(x) ? 'ValueError' : 'OverflowError', 'argument-value', `Cannot convert float ${x} to integer.`, span)
    return int(BigInt(fn(x)))
  })
}

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is too coarse; use the series/continued fraction split for double precision.
  const t = Math.abs(x)
  if (t < 2.5) {
    let sum = t
    let term = t
    for (let n = 1; n < 60; n++) {
      term *= (-t * t) / n
      const add = term / (2 * n + 1)
      sum += add
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum
  }
  let f = 0
  for (let n = 60; n >= 1; n--) f = (n / 2) / (t + f)
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f)
  return Math.sign(x) * (1 - erfc)
}

function gamma(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x))
  const g = 7
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7]
  const z = x - 1
  let a = c[0]!
  const t = z + g + 0.5
  for (let i = 1; i < g + 2; i++) a += c[i]! / (z + i)
  return Math.sqrt(2 * Math.PI) * t ** (z + 0.5) * Math.exp(-t) * a
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a
  let y = b < 0n ? -b : b
  while (y !== 0n) [x, y] = [y, x % y]
  return x
}

/** `math`: constants and functions, Python's semantics (ints exact, domain errors as `ValueError`). */
export function mathNamespace(): NamespaceValue {
  const members: Record<string, Value> = {
    pi: float(Math.PI),
    e: float(Math.E),
    tau: float(2 * Math.PI),
    inf: float(Infinity),
    nan: float(Number.NaN),
    sqrt: unary('sqrt', Math.sqrt, (x) => x >= 0 || Number.isNaN(x)),
    exp: unary('exp', Math.exp),
    expm1: unary('expm1', Math.expm1),
    log2: unary('log2', Math.log2, (x) => x > 0 || Number.isNaN(x)),
    log10: unary('log10', Math.log10, (x) => x > 0 || Number.isNaN(x)),
    log1p: unary('log1p', Math.log1p, (x) => x > -1 || Number.isNaN(x)),
    sin: unary('sin', Math.sin),
    cos: unary('cos', Math.cos),
    tan: unary('tan', Math.tan),
    asin: unary('asin', Math.asin, (x) => Math.abs(x) <= 1 || Number.isNaN(x)),
    acos: unary('acos', Math.acos, (x) => Math.abs(x) <= 1 || Number.isNaN(x)),
    atan: unary('atan', Math.atan),
    sinh: unary('sinh', Math.sinh),
    cosh: unary('cosh', Math.cosh),
    tanh: unary('tanh', Math.tanh),
    asinh: unary('asinh', Math.asinh),
    acosh: unary('acosh', Math.acosh, (x) => x >= 1 || Number.isNaN(x)),
    atanh: unary('atanh', Math.atanh, (x) => Math.abs(x) < 1 || Number.isNaN(x)),
    erf: unary('erf', erf),
    erfc: unary('erfc', (x) => 1 - erf(x)),
    gamma: unary('gamma', gamma, (x) => !(Number.isInteger(x) && x <= 0)),
    lgamma: unary('lgamma', (x) => Math.log(Math.abs(gamma(x))), (x) => !(Number.isInteger(x) && x <= 0)),
    fabs: unary('fabs', Math.abs),
    degrees: unary('degrees', (x) => (x * 180) / Math.PI),
    radians: unary('radians', (x) => (x * Math.PI) / 180),
    floor: toInt('floor', Math.floor),
    ceil: toInt('ceil', Math.ceil),
    trunc: toInt('trunc', Math.trunc),
    isfinite: native('math.isfinite', (args, span, it) => bool(Number.isFinite(num(it!, args, 0, 'isfinite', span)))),
    isinf: native('math.isinf', (args, span, it) => bool(Math.abs(num(it!, args, 0, 'isinf', span)) === Infinity)),
    isnan: native('math.isnan', (args, span, it) => bool(Number.isNaN(num(it!, args, 0, 'isnan', span)))),
  }
  members['log'] = native('math.log', (args, span, it) => {
    const v = args[0]?.value
    // Exact for big ints: log(n) = log(n / 2^k) + k log 2.
    const ln = (value: Value): number => {
      if (value.kind === 'int' && bitLength(value.value) > 1000) {
        if (value.value <= 0n) raise('ValueError', 'argument-value', 'Math domain error in `math.log`.', span)
        const shift = bitLength(value.value) - 64
        return Math.log(Number(value.value >> BigInt(shift))) + shift * Math.LN2
      }
      const x = toFloat(it!, value, span)
      if (x <= 0) raise('ValueError', 'argument-value', 'Math domain error in `math.log`.', span)
      return Math.log(x)
    }
    if (!v) return raise('TypeError', 'missing-argument', '`math.log` needs an argument.', span)
    const base = args[1]?.value
    return float(base ? ln(v) / ln(base) : ln(v))
  })
  members['pow'] = native('math.pow', (args, span, it) => {
    const x = num(it!, args, 0, 'pow', span)
    const y = num(it!, args, 1, 'pow', span)
    if (x === 0 && y < 0) raise('ValueError', 'argument-value', 'Math domain error in `math.pow`.', span)
    if (x < 0 && !Number.isInteger(y)) raise('ValueError', 'argument-value', 'Math domain error in `math.pow`.', span)
    return checked(floatPow(x, y), 'pow', span)
  })
  members['atan2'] = native('math.atan2', (args, span, it) => float(Math.atan2(num(it!, args, 0, 'atan2', span), num(it!, args, 1, 'atan2', span))))
  members['hypot'] = native('math.hypot', (args, span, it) => float(Math.hypot(...args.map((_a, i) => num(it!, args, i, 'hypot', span)))))
  members['copysign'] = native('math.copysign', (args, span, it) => {
    const x = num(it!, args, 0, 'copysign', span)
    const y = num(it!, args, 1, 'copysign', span)
    return float(Object.is(y, -0) || y < 0 ? -Math.abs(x) : Math.abs(x))
  })
  members['fmod'] = native('math.fmod', (args, span, it) => {
    const y = num(it!, args, 1, 'fmod', span)
    if (y === 0) raise('ValueError', 'argument-value', 'Math domain error in `math.fmod`.', span)
    return float(num(it!, args, 0, 'fmod', span) % y)
  })
  members['isclose'] = native('math.isclose', (args, span, it) => {
    const a = num(it!, args, 0, 'isclose', span)
    const b = num(it!, args, 1, 'isclose', span)
    const rel = args.find((x) => x.name === 'rel_tol')?.value
    const abs = args.find((x) => x.name === 'abs_tol')?.value
    const relTol = rel ? toFloat(it!, rel, span) : 1e-9
    const absTol = abs ? toFloat(it!, abs, span) : 0
    if (a === b) return bool(true)
    if (!Number.isFinite(a) || !Number.isFinite(b)) return FALSE
    const diff = Math.abs(b - a)
    return bool(diff <= Math.abs(relTol * b) || diff <= Math.abs(relTol * a) || diff <= absTol)
  })
  members['gcd'] = native('math.gcd', (args, span) => int(args.reduce((g, a) => gcd(g, integer(a.value, 'gcd', span)), 0n)))
  members['lcm'] = native('math.lcm', (args, span) =>
    int(args.reduce((l, a) => {
      const n = integer(a.value, 'lcm', span)
      if (l === 0n || n === 0n) return 0n
      const r = (l * n) / gcd(l, n)
      return r < 0n ? -r : r
    }, 1n)),
  )
  members['isqrt'] = native('math.isqrt', (args, span) => {
    const n = integer(args[0]?.value, 'isqrt', span)
    if (n < 0n) raise('ValueError', 'argument-value', 'isqrt() argument must be nonnegative.', span)
    if (n < 2n) return int(n)
    let x = BigInt(Math.floor(Math.sqrt(Number(n))))
    while (x * x > n) x--
    while ((x + 1n) * (x + 1n) <= n) x++
    return int(x)
  })
  members['factorial'] = native('math.factorial', (args, span, it) => {
    const n = integer(args[0]?.value, 'factorial', span)
    if (n < 0n) raise('ValueError', 'argument-value', 'factorial() not defined for negative values.', span)
    // log2(n!) < n log2 n: checked before computing.
    it!.budget.intBits(Number(n) * Math.max(1, Math.log2(Number(n) + 1)), span)
    let r = 1n
    for (let i = 2n; i <= n; i++) r *= i
    return int(r)
  })
  const choose = (name: 'comb' | 'perm') =>
    native(`math.${name}`, (args, span, it) => {
      const n = integer(args[0]?.value, name, span)
      const k = args[1] ? integer(args[1].value, name, span) : n
      if (n < 0n || k < 0n) raise('ValueError', 'argument-value', `\`math.${name}\` takes non-negative integers.`, span)
      if (k > n) return int(0)
      it!.budget.intBits(Number(k) * Math.max(1, Math.log2(Number(n) + 1)), span)
      let r = 1n
      const kk = name === 'comb' && k > n - k ? n - k : k
      for (let i = 0n; i < kk; i++) {
        r *= n - i
        if (name === 'comb') r /= i + 1n
      }
      return int(r)
    })
  members['comb'] = choose('comb')
  members['perm'] = choose('perm')
  members['prod'] = native('math.prod', (args, span, it) => {
    let result: Value = args.find((a) => a.name === 'start')?.value ?? int(1)
    const next = it!.iter(args[0]?.value ?? raise('TypeError', 'missing-argument', '`math.prod` needs an iterable.', span), span)
    for (let v = next(); v !== undefined; v = next()) result = binary(it!, 'Mult', result, v, span)
    return result
  })
  members['fsum'] = native('math.fsum', (args, span, it) => {
    let sum = 0
    let c = 0
    for (const v of it!.toArray(args[0]?.value ?? raise('TypeError', 'missing-argument', '`math.fsum` needs an iterable.', span), span)) {
      const y = toFloat(it!, v, span) - c
      const t = sum + y
      c = t - sum - y
      sum = t
    }
    return float(sum)
  })
  members['dist'] = native('math.dist', (args, span, it) => {
    const p = it!.toArray(args[0]?.value ?? raise('TypeError', 'missing-argument', '`math.dist` needs two points.', span), span)
    const q = it!.toArray(args[1]?.value ?? raise('TypeError', 'missing-argument', '`math.dist` needs two points.', span), span)
    return float(Math.hypot(...p.map((x, i) => toFloat(it!, x, span) - toFloat(it!, q[i]!, span))))
  })
  void order
  return namespace('math', members)
}
