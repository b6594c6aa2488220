import { describe, expect, it } from 'vitest'
import type { Expr, Module, Stmt } from './ast.js'
import { ELLIPSIS } from './ast.js'
import { parse } from './parse.js'
import { bytesLiteral, floatLiteral, identifier, intLiteral, stringLiteral, unparse } from './unparse.js'

/** The source printed for `source`'s tree. */
function print(source: string): string {
  return unparse(parse(source))
}

/** The first statement's value (an expression statement or an assignment's right side). */
function firstValue(tree: Module): Expr {
  const stmt = tree.body[0] as Stmt & { value: Expr }
  return stmt.value
}

describe('unparse', () => {
  it('writes parentheses only where precedence needs them', () => {
    expect(print('x = (a + b) * c\n')).toBe('x = (a + b) * c\n')
    expect(print('x = a + (b * c)\n')).toBe('x = a + b * c\n')
    expect(print('x = (a - b) - c\n')).toBe('x = a - b - c\n')
    expect(print('x = a - (b - c)\n')).toBe('x = a - (b - c)\n')
    expect(print('x = a ** (b ** c)\n')).toBe('x = a ** b ** c\n')
    expect(print('x = (a ** b) ** c\n')).toBe('x = (a ** b) ** c\n')
    expect(print('x = -a ** b\n')).toBe('x = -a ** b\n')
    expect(print('x = (-a) ** b\n')).toBe('x = (-a) ** b\n')
    expect(print('x = not a == b\n')).toBe('x = not a == b\n')
    expect(print('x = (not a) == b\n')).toBe('x = (not a) == b\n')
    expect(print('x = (a or b) and c\n')).toBe('x = (a or b) and c\n')
    expect(print('x = (a and b) or c\n')).toBe('x = a and b or c\n')
    expect(print('x = (a or b) or c\n')).toBe('x = (a or b) or c\n')
    expect(print('x = (lambda: 1) if a else (lambda: 2)\n')).toBe('x = (lambda: 1) if a else lambda: 2\n')
    expect(print('x = 1, 2\nreturn (yield x)\nf((yield))\n')).toBe('x = 1, 2\nreturn (yield x)\nf((yield))\n')
    expect(print('x[a:b, ::2, *c]\n')).toBe('x[a:b, ::2, *c]\n')
    expect(print('x[(a, b)]\n(1).real\n1.5.real\n')).toBe('x[a, b]\n1 .real\n1.5.real\n')
  })

  it('writes statements as Python reads them back', () => {
    const source = [
      '@dataclass(frozen=True)',
      'class C(Base, metaclass=M):',
      '    x: int = 1',
      '    (y): int',
      '',
      '    def f[T](self, a, /, b=1, *args: *Ts, c, d=2, **kw) -> T:',
      '        if a:',
      '            pass',
      '        elif b:',
      '            return',
      '        else:',
      '            raise E from e',
      'with ((a, b)) as c, d:',
      '    pass',
      'match p:',
      '    case [1, *rest] | {"k": v, **kw} if v:',
      '        pass',
      '    case Point(x=0) as pt:',
      '        pass',
      'type Alias[*Ts, **P] = tuple[*Ts]',
      '',
    ].join('\n')
    expect(parse(print(source))).toMatchObject({ body: expect.any(Array) })
    expect(print(source)).toBe(
      [
        '@dataclass(frozen=True)',
        'class C(Base, metaclass=M):',
        '    x: int = 1',
        '    (y): int',
        '    def f[T](self, a, /, b=1, *args: *Ts, c, d=2, **kw) -> T:',
        '        if a:',
        '            pass',
        '        elif b:',
        '            return',
        '        else:',
        '            raise E from e',
        'with ((a, b)) as c, d:',
        '    pass',
        'match p:',
        "    case [1, *rest] | {'k': v, **kw} if v:",
        '        pass',
        '    case Point(x=0) as pt:',
        '        pass',
        'type Alias[*Ts, **P] = tuple[*Ts]',
        '',
      ].join('\n'),
    )
  })

  it('quotes strings so that Python reads exactly the value: control, format and separator characters escaped', () => {
    expect(stringLiteral('plain')).toBe("'plain'")
    expect(stringLiteral("it's")).toBe('"it\'s"')
    expect(stringLiteral('both \' and "')).toBe("'both \\' and \"'")
    expect(stringLiteral('a\nb\r\tc\\')).toBe("'a\\nb\\r\\tc\\\\'")
    expect(stringLiteral('\u2028\u2029\u0085\u202e\u00a0\x0c\x00')).toBe("'\\u2028\\u2029\\x85\\u202e\\xa0\\x0c\\x00'")
    expect(stringLiteral('caf\u00e9 \u{1f600} \ud800')).toBe("'caf\u00e9 \u{1f600} \\ud800'")
    expect(bytesLiteral(new Uint8Array([0, 39, 92, 65, 255]))).toBe('b"\\x00\'\\\\A\\xff"')
    expect(bytesLiteral(new Uint8Array([39, 34]))).toBe("b'\\'\"'")
  })

  it('writes floats that read back as the same double, big ints exactly', () => {
    for (const x of [0.1, 1e16, 1e22, 5e-324, 1.7976931348623157e308, 123456789.125, 2 ** 53 + 2]) {
      const text = floatLiteral(x)
      expect(firstValue(parse(`${text}\n`))).toMatchObject({ type: 'Constant', value: x })
    }
    expect(floatLiteral(Infinity)).toBe('1e309')
    expect(floatLiteral(1e16)).toBe('10000000000000000.0')
    expect(intLiteral(2n ** 200n)).toBe((2n ** 200n).toString())
    expect(intLiteral(16n ** 5000n)).toBe(`0x1${'0'.repeat(5000)}`)
    expect(print('x = 1j + 2.5j + 1e309j\n')).toBe('x = 1j + 2.5j + 1e309j\n')
    expect(unparse({ type: 'Constant', value: ELLIPSIS, kind: null, start: 0, end: 3 })).toBe('...')
  })

  it('writes f-strings: literal braces doubled, nested quotes alternated, debug text kept as text', () => {
    expect(print('f"{x!r:>{w}} {{lit}} {y=}"\n')).toBe('f"{x!r:>{w}} {{lit}} y={y!r}"\n')
    expect(print('f"{ {1: 2}[1] }"\n')).toBe('f"{ {1: 2}[1]}"\n')
    expect(print('f"{f"{x}"}"\n')).toBe(`f"{f'{x}'}"\n`)
    expect(print('f"{\'a\'}" "\\n"\n')).toBe(`f"{'a'}\\n"\n`)
    expect(print('f"{(lambda: 1)()}"\n')).toBe('f"{(lambda: 1)()}"\n')
  })

  it('writes a name that normalises to a keyword so that it still reads as that name', () => {
    expect(identifier('if')).toBe('\u{1d422}f')
    expect(identifier('None')).toBe('\u{1d40d}one')
    const source = '\u{1d422}\u{1d41f} = \u{1d40d}one\n'
    const tree = parse(source)
    expect(parse(unparse(tree)).body[0]).toMatchObject({ targets: [{ type: 'Name', id: 'if' }], value: { type: 'Name', id: 'None' } })
  })

  it('prints what nnsize read, not what the source text looks like (issue #12)', () => {
    // The triple-quoted string and the code after it, each as what it is.
    expect(print('x = """a" # """ + run("y")\n')).toBe('x = \'a" # \' + run(\'y\')\n')
    // A comment ended by a lone \r: the code after it becomes a line of its own.
    expect(print('m = f()  # note\revil()\n')).toBe('m = f()\nevil()\n')
    // Separators that end lines for editors but not for Python stay inside the string, escaped.
    expect(print('s = "a\u2028b"\n')).toBe("s = 'a\\u2028b'\n")
  })
})
