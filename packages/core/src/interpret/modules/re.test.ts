import { describe, expect, it } from 'vitest'
import { python, pythonError } from '../../../test/interpret.js'

describe('re in a program', () => {
  it('splits, substitutes, finds and matches as Python 3.11 does', () => {
    // Every assertion holds in CPython 3.11 (the measurement's Python).
    python(`
import re
assert re.split(r'(\\d.*)', 'r1') == ['r', '1', '']
assert re.split(r'(\\d.*)', 'se0.25') == ['se', '0.25', '']
assert re.split(r'(\\d.*)', 'noskip') == ['noskip']
assert re.split('x*', 'axbc') == ['', 'a', '', 'b', 'c', '']
assert re.split(r'[,;]\\s*', 'a, b;c', maxsplit=1) == ['a', 'b;c']
assert re.split(r'(a)|(b)', 'xaybz') == ['x', 'a', None, 'y', None, 'b', 'z']
assert re.sub('x*', '-', 'abxd') == '-a-b--d-'
assert re.sub(r'(\\w+)=(\\d+)', r'\\2:\\1', 'a=1 bb=22') == '1:a 22:bb'
assert re.sub(r'(?P<k>\\w)', r'<\\g<k>>', 'ab', count=1) == '<a>b'
assert re.subn(r'\\d', lambda m: str(int(m.group()) * 2), 'a1b7') == ('a2b14', 2)
assert re.findall(r'\\d+', 'a12b3c') == ['12', '3']
assert re.findall(r'(\\w)(\\d)?', 'a1b') == [('a', '1'), ('b', '')]
m = re.match(r'(?P<name>[a-z]+)_(\\d+)', 'blocks_12_x')
assert m and m.group() == 'blocks_12' and m.group(1, 2) == ('blocks', '12') and m['name'] == 'blocks' and m.span(2) == (7, 9)
assert m.groups() == ('blocks', '12') and m.groupdict() == {'name': 'blocks'} and m.start() == 0 and m.end(1) == 6 and m.lastindex == 2
assert re.match('b', 'ab') is None and re.search('b', 'ab').start() == 1
assert re.fullmatch(r'a|ab', 'ab').group() == 'ab' and re.fullmatch('a', 'ab') is None
p = re.compile(r'^layer(\\d+)\\.(weight|bias)$', re.I | re.M)
assert p.flags == re.I | re.M | re.U and p.groups == 2 and p.pattern == r'^layer(\\d+)\\.(weight|bias)$'
assert [x.group(1) for x in p.finditer('LAYER1.weight\\nlayer22.bias')] == ['1', '22']
assert re.compile('a.c', re.S).match('a\\nc') and not re.match('a.c', 'a\\nc')
assert re.match(r'(a+?)(a*)', 'aaa').groups() == ('a', 'aa')
assert re.match(r'(ab){2,3}', 'abababab').group() == 'ababab' and re.match(r'a{2}', 'a') is None
assert re.match(r'x{,2}y', 'xxy') and re.match(r'a{', 'a{')
assert re.match(r'(a)\\1', 'aa') and re.match(r'(?P<q>a)(?P=q)', 'ab') is None
assert re.search(r'\\bcat\\b', 'a cat!') and not re.search(r'\\bcat\\b', 'concat')
assert re.match(r'foo(?=bar)', 'foobar').group() == 'foo' and re.match(r'foo(?!bar)', 'foobar') is None
assert re.match(r'[^a-c\\d]+', 'xyz1').group() == 'xyz' and re.match(r'[]a]+', ']a]').group() == ']a]'
assert re.match(r'[a\\-z]+', 'a-z').group() == 'a-z' and re.match('(?i)AbC', 'abc')
assert re.escape('a.b*c d') == 'a\\\\.b\\\\*c\\\\ d'
assert re.search('$', 'ab\\n').start() == 2 and re.findall('^a', 'a\\na', re.M) == ['a', 'a']
assert re.match(r'''\\d+  # digits
   \\.\\d*''', '3.14', re.X).group() == '3.14'
assert re.match(r'(a|)+b', 'aab').group() == 'aab' and re.match(r'(?:)*', 'x').group() == ''
assert re.split(r'\\b', 'a b') == ['', 'a', ' ', 'b', '']
try:
    re.compile('(ab')
    raise AssertionError('no error')
except re.error as e:
    assert str(e) == 'missing ), unterminated subpattern at position 0'
try:
    re.compile('a**')
    raise AssertionError('no error')
except re.error as e:
    assert str(e) == 'multiple repeat at position 2'
assert repr(re.match('a', 'ab')) == "<re.Match object; span=(0, 1), match='a'>"
`)
  })

  it('charges the budget for a pattern that backtracks without end', () => {
    expect(pythonError("import re\nre.match(r'(a*)*b', 'a' * 30)").code).toBe('too-many-steps')
  })

  it('names the constructs it does not match', () => {
    expect(pythonError("import re\nre.compile(r'(?<=a)b')").code).toBe('unsupported')
  })
})
