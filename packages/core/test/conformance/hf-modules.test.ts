import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import type { ModuleNode } from '../../src/index.js'
import { walkModules } from '../../src/model/module.js'

/** One line of `test/fixtures/hf/<group>.jsonl`: a class built by transformers on the meta device (see `generate.py`). */
interface ModuleCase {
  id: string
  config: Record<string, unknown>
  architecture: string
  /** `named_parameters()`: name, shape, and `false` when it does not require grad. */
  parameters: Array<[string, number[]] | [string, number[], false]>
  /** `named_buffers()`: name, shape, dtype, whether `state_dict()` keeps it. */
  buffers: Array<[string, number[], string, boolean]>
  /** `state_dict().keys()`: every name of a shared tensor, persistent buffers. */
  state_dict: string[]
  /** `named_modules()` that register a parameter or buffer themselves (even `None`): name and class. */
  modules: Array<[string, string]>
  /**
   * Every parameter's dtype, for a case whose config names a checkpoint dtype: that case was loaded with
   * `from_pretrained(dtype="auto")` from a checkpoint saved in it (see `generate.py`).
   */
  parameter_dtypes?: Array<[string, string]>
}

const folder = resolve(fileURLToPath(new URL('.', import.meta.url)), '../fixtures/hf')
const only = process.env['NNSIZE_CASES']

/** `state_dict()` keys: parameters and persistent buffers under every name, modules in registration order. */
function stateDictKeys(node: ModuleNode, prefix = '', out: string[] = []): string[] {
  for (const [name, t] of node.params) if (t) out.push(prefix + name)
  for (const [name, t] of node.buffers) if (t?.persistent) out.push(prefix + name)
  for (const [name, child] of node.children) if (child) stateDictKeys(child, `${prefix}${name}.`, out)
  return out
}

for (const file of readdirSync(folder).filter((f) => f.endsWith('.jsonl')).sort()) {
  const cases = readFileSync(resolve(folder, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ModuleCase)
  describe(`fixtures/hf/${file}: tensors as transformers names them`, () => {
    for (const c of cases) {
      if (only && !c.id.includes(only)) continue
      describe(c.id, () => {
        const result = analyze(c.config)
        it(`builds ${c.architecture}`, () => {
          expect(result.model!.architecture).toBe(c.architecture)
          expect(result.module).toBe(c.architecture)
        })
        it('has the same parameters, in order, with the same shapes, frozen where they are', () => {
          const mine = result.tensors.filter((t) => t.kind === 'parameter').map((t) => `${t.name} ${t.shape.join('×')}${t.trainable ? '' : ' frozen'}`)
          expect(mine).toEqual(c.parameters.map(([n, s, grad]) => `${n} ${s.join('×')}${grad === false ? ' frozen' : ''}`))
        })
        it('has the same buffers, dtypes and persistence', () => {
          const mine = result.tensors.filter((t) => t.kind === 'buffer').map((t) => `${t.name} ${t.shape.join('×')} ${t.dtype}${t.persistent ? '' : ' non-persistent'}`)
          expect(mine).toEqual(c.buffers.map(([n, s, d, p]) => `${n} ${s.join('×')} ${d}${p ? '' : ' non-persistent'}`))
        })
        if (c.parameter_dtypes) {
          const loaded = c.parameter_dtypes
          it('loads every parameter in the same dtype', () => {
            const mine = result.tensors.filter((t) => t.kind === 'parameter').map((t) => `${t.name} ${t.dtype}`)
            expect(mine).toEqual(loaded.map(([n, d]) => `${n} ${d}`))
          })
        }
        it('has the same state_dict keys', () => {
          expect(stateDictKeys(result.root)).toEqual(c.state_dict)
        })
        it('names the class of every module that holds a tensor', () => {
          const mine = walkModules(result.root)
            .filter(({ node }) => node.params.size > 0 || node.buffers.size > 0)
            .map(({ path, node }) => `${path} ${node.type}`)
          expect(mine).toEqual(c.modules.map(([n, t]) => `${n} ${t}`))
        })
      })
    }
  })
}

/** One entry of `test/fixtures/hf/defaults.json`: a class built by transformers from its config class's defaults. */
interface DefaultsCase {
  model_type: string
  architecture: string
  params: number
  trainable_params: number
  params_with_duplicates: number
  buffers: number
  parameter_tensors: number
}

/** Parameters under every name they have, as `named_parameters(remove_duplicate=False)` lists them. */
function withDuplicates(node: ModuleNode): bigint {
  let sum = 0n
  for (const t of node.params.values()) if (t) sum += t.shape.reduce((n, d) => n * BigInt(d), 1n)
  for (const child of node.children.values()) if (child) sum += withDuplicates(child)
  return sum
}

describe('fixtures/hf/defaults.json: every class from its config defaults alone', () => {
  const cases = JSON.parse(readFileSync(resolve(folder, 'defaults.json'), 'utf8')) as DefaultsCase[]
  it('covers every family', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60)
  })
  for (const c of cases) {
    if (only && !c.model_type.includes(only)) continue
    it(`${c.model_type} → ${c.architecture}: ${c.params} parameters, ${c.buffers} buffer elements`, () => {
      const r = analyze({ model_type: c.model_type, architectures: [c.architecture] })
      expect(r.model!.architecture).toBe(c.architecture)
      expect(r.params.total).toBe(BigInt(c.params))
      expect(r.params.trainable).toBe(BigInt(c.trainable_params))
      expect(withDuplicates(r.root)).toBe(BigInt(c.params_with_duplicates))
      expect(r.buffers.total).toBe(BigInt(c.buffers))
      expect(r.tensors.filter((t) => t.kind === 'parameter').length).toBe(c.parameter_tensors)
    })
  }
})
