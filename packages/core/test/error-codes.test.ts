import { describe, expect, it } from 'vitest'
import { analyze, errorCodes, formatErrorWithSource, NnsizeError } from '../src/index.js'
import type { AnalyzeOptions, ErrorCode } from '../src/index.js'

/** One input that raises each error code, with the text its span must point at. */
const examples: Array<{ code: ErrorCode; source: string; options?: AnalyzeOptions; message: RegExp; at?: string }> = [
  { code: 'syntax', source: 'nn.Linear(3, 4', message: /never closed/, at: '(' },
  { code: 'unsupported-syntax', source: 'match 1:\n    case _:\n        nn.ReLU()', message: /`match` statement is not supported/, at: 'match 1:\n    case _:\n        nn.ReLU()' },
  { code: 'unknown-name', source: 'Lineer(3, 4)', message: /`Lineer` is not defined\. Did you mean `Linear`\?/, at: 'Lineer' },
  { code: 'unknown-attribute', source: 'nn.Conv2D(3, 4, 3)', message: /Did you mean `Conv2d`\?/, at: 'Conv2D' },
  { code: 'missing-argument', source: 'nn.Linear(3)', message: /missing required argument `out_features`/ },
  { code: 'unknown-argument', source: 'nn.Conv2d(3, 4, kernal_size=3)', message: /Did you mean `kernel_size`\?/, at: 'kernal_size=3' },
  { code: 'too-many-arguments', source: 'nn.ReLU(True, 1)', message: /at most 1 positional argument/, at: '1' },
  { code: 'argument-type', source: 'nn.Linear(3.5, 4)', message: /`in_features` must be an int, got float `3\.5`/, at: '3.5' },
  { code: 'argument-value', source: 'nn.Conv2d(30, 64, 3, groups=4)', message: /`in_channels` must be divisible by `groups` \(got 30 and 4\)/, at: '4' },
  { code: 'type', source: 'nn.Linear', message: /must end with a module/, at: 'nn.Linear' },
  { code: 'shape', source: 'nn.Conv2d(3, 64, 3)', options: { input: '1,4,8,8' }, message: /expects 3 input channels, got 4/, at: 'nn.Conv2d(3, 64, 3)' },
  { code: 'option', source: 'nn.ReLU()', options: { input: '1,-2' }, message: /not a positive integer/ },
  { code: 'limit', source: 'nn.Sequential(*[nn.ReLU()] * 10 ** 7)', message: /limit is 100,000/ },
  { code: 'too-many-steps', source: 'while True:\n    pass', message: /more than 2,000,000 steps/, at: 'pass' },
  { code: 'too-many-items', source: 'x = [[0] * 100_000 for _ in range(100)]', message: /more than 5,000,000 list, tuple, dict and set items/ },
  { code: 'string-too-long', source: 's = "ab" * 10 ** 8', message: /more than 10,000,000 characters/, at: '"ab" * 10 ** 8' },
  { code: 'int-too-large', source: 'n = 7 ** 100_000', message: /bits; the limit is 65,536/, at: '7 ** 100_000' },
  { code: 'too-deep', source: 'def f():\n    return f()\nf()', message: /deeper than 200 levels/, at: 'f()' },
  { code: 'unsupported', source: 'torch.fft.rfft(torch.zeros(4))', message: /`torch\.fft\.rfft` is not supported yet/, at: 'torch.fft.rfft(torch.zeros(4))' },
  { code: 'import', source: 'from . import blocks', message: /relative import with no known parent package/, at: 'from . import blocks' },
  { code: 'exception', source: 'raise ValueError("no")', message: /raised `ValueError`: no/, at: 'raise ValueError("no")' },
]

function raise(source: string, options?: AnalyzeOptions): NnsizeError {
  try {
    analyze(source, options)
  } catch (error) {
    if (NnsizeError.isInstance(error)) return error
    throw error
  }
  throw new Error(`${source} did not fail`)
}

describe('error codes', () => {
  for (const example of examples) {
    it(`${example.code}: ${example.source}`, () => {
      const error = raise(example.source, example.options)
      expect(error.code).toBe(example.code)
      expect(error.message).toMatch(example.message)
      if (example.at !== undefined) {
        expect(error.span).toBeDefined()
        expect(example.source.slice(error.span!.start, error.span!.end)).toBe(example.at)
        expect(formatErrorWithSource(error, example.source)).toContain('^')
      }
    })
  }

  it('has an example for every code the expression engine raises', () => {
    const covered = new Set(examples.map((e) => e.code))
    // Weight-file codes are raised by `analyzeWeights` and tested with the readers (src/weights, test/conformance/files.test.ts).
    const fileCodes: string[] = ['weights-format', 'unsafe-pickle', 'unsafe-path', 'missing-file']
    const engineCodes = Object.values(errorCodes).filter((c) => c !== 'config' && c !== 'unknown-model' && !fileCodes.includes(c))
    expect(engineCodes.filter((c) => !covered.has(c))).toEqual([])
  })
})
