import { describe, expect, it } from 'vitest'
import { analyze, errorCodes, NnsizeError } from '../../src/index.js'
import { type CodeCase, readCases } from '../conformance/reference.js'
import { mutate, prng } from './mutate.js'

// Whole programs through the interpreter: the real model files of code.jsonl, mutated, and small programs of
// statements, classes and loops put together at random. Each must answer or raise a typed error, in bounded time
// and memory.
const iterations = Number(process.env['NNSIZE_FUZZ_ITERATIONS'] ?? 3000) / 10
const seed = Number(process.env['NNSIZE_FUZZ_SEED'] ?? 20261129)
const codes = new Set<string>(Object.values(errorCodes))
/** Time and heap growth allowed for one input (loose bounds for loaded CI machines; the budgets stop work far sooner). */
const maxMs = 3000
const maxHeapGrowth = 512 * 1024 * 1024

/** Statements, classes and loops to splice together: grammatical pieces whose combinations stress the interpreter. */
const STATEMENTS = [
  'x = 3', 'n = x * 2', 'xs = [nn.Linear(4, 4) for _ in range(n)]', 'while n > 0:\n    n -= 1', 'for i in range(x):\n    xs.append(nn.ReLU())',
  'class A(nn.Module):\n    def __init__(self, k=2):\n        super().__init__()\n        self.l = nn.Linear(k, k)\n        self.b = nn.ModuleList([nn.Linear(k, 1) for _ in range(k)])',
  'class B(A):\n    expansion = 4\n    def __init__(self):\n        super(B, self).__init__(3)\n        self.register_buffer("r", torch.zeros(3), persistent=False)',
  'def f(a, *args, k=1, **kw):\n    return a + len(args) + k + len(kw)', 'y = f(1, 2, 3, k=4, z=5)', 'g = lambda t: t * 2', 'd = {str(i): i for i in range(4)}',
  's = "ab" * 3 + f"{x}"', 'try:\n    z = d["q"]\nexcept KeyError:\n    z = 0', 'assert x > 0, "x"', 'if x:\n    pass\nelif n:\n    pass\nelse:\n    raise ValueError("v")',
  'with torch.no_grad():\n    w = torch.randn(3, 4)', 'p = nn.Parameter(torch.zeros(2, 2))', 'm = B()', 'm = nn.Sequential(*xs)', 'def r(k):\n    return 0 if k == 0 else r(k - 1)',
  'q = r(x)', 'x = x ** 40', 's = s + s', 'while True:\n    x += 1', 'xs = xs * 1000', 'for p in m.parameters():\n    p.requires_grad = False',
  'constructor = nn.ReLU()', '__proto__ = 1', 'toString = len', 'import math\nk = math.floor(2.5)', 'from collections import OrderedDict\no = OrderedDict(a=nn.ReLU())',
]

function check(label: string, run: () => unknown): void {
  const started = performance.now()
  const heap = process.memoryUsage().heapUsed
  try {
    run()
  } catch (error) {
    if (!NnsizeError.isInstance(error)) throw new Error(`crash on ${label}: ${String(error)}`)
    if (!codes.has(error.code)) throw new Error(`unknown code ${error.code} for ${label}`)
    if (error.message.length > 2000) throw new Error(`a ${error.message.length}-character message for ${label}`)
  }
  const elapsed = performance.now() - started
  if (elapsed > maxMs) throw new Error(`${label} took ${elapsed.toFixed(0)} ms`)
  const growth = process.memoryUsage().heapUsed - heap
  if (growth > maxHeapGrowth) throw new Error(`${label} grew the heap by ${(growth / 2 ** 20).toFixed(0)} MiB`)
}

describe('fuzzing the interpreter with programs', () => {
  const cases = readCases<CodeCase>('code.jsonl')
  const texts = [...new Set(cases.flatMap((c) => Object.values(c.files)))]

  it(`answers or raises a typed error for ${Math.round(iterations)} mutated model files (seed ${seed})`, () => {
    const random = prng(seed)
    for (let i = 0; i < iterations; i++) {
      const c = cases[Math.floor(random() * cases.length)]!
      const files = { ...c.files }
      files[c.main] = mutate(files[c.main]!, random, texts)
      check(`a mutation of ${c.id} (iteration ${i})`, () => analyze({ files, main: c.main, entry: c.entry, root: c.import_root }))
    }
    expect(iterations).toBeGreaterThan(0)
  }, 300_000)

  it(`answers or raises a typed error for ${Math.round(iterations)} random programs of statements, classes and loops (seed ${seed})`, () => {
    const random = prng(seed + 1)
    for (let i = 0; i < iterations; i++) {
      const n = 1 + Math.floor(random() * 10)
      const lines: string[] = []
      for (let k = 0; k < n; k++) lines.push(STATEMENTS[Math.floor(random() * STATEMENTS.length)]!)
      lines.push(random() < 0.5 ? 'm' : 'nn.Identity()')
      const source = lines.join('\n')
      check(JSON.stringify(source.slice(0, 300)), () => analyze(source))
    }
    expect(iterations).toBeGreaterThan(0)
  }, 300_000)
})
