import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeWeights, bytesReader, errorCodes, NnsizeError, weightsToJSON } from '../../src/index.js'
import type { ByteReader } from '../../src/index.js'
import { readCases, referenceDir } from '../conformance/reference.js'
import { prng } from './mutate.js'
import { bytes, op, tensorPickle, torchZip } from '../weights/build.js'

const iterations = Number(process.env['NNSIZE_FUZZ_ITERATIONS'] ?? 3000) / 3
const seed = Number(process.env['NNSIZE_FUZZ_SEED'] ?? 20261202)
const codes = new Set<string>(Object.values(errorCodes))

interface Input {
  id: string
  files: Array<{ name: string; bytes: Uint8Array }>
  entry: string
}

/** Every reference case and every fixture, as bytes in memory. */
function inputs(): Input[] {
  const out: Input[] = []
  for (const c of readCases<{ id: string; file?: string; files?: string[]; entry?: string }>('files.jsonl')) {
    const names = c.files ?? [c.file!]
    out.push({ id: c.id, files: names.map((name) => ({ name, bytes: new Uint8Array(readFileSync(resolve(referenceDir, name))) })), entry: c.entry ?? c.file! })
  }
  const dir = fileURLToPath(new URL('../fixtures/weights/', import.meta.url))
  for (const line of readFileSync(`${dir}fixtures.jsonl`, 'utf8').split('\n').filter((l) => l.trim() !== '')) {
    const c = JSON.parse(line) as { id: string; file: string }
    out.push({ id: c.id, files: [{ name: c.file, bytes: new Uint8Array(readFileSync(dir + c.file)) }], entry: c.file })
  }
  return out
}

const interesting = [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], [0, 0, 0, 0], [0xff, 0xff, 0xff, 0xff], [0, 0, 0, 0x80], [0x7f], [0x80], [0x2e], [0x28], [0x5d, 0x61], [0x7b], [0x22]]

/** A mutated copy: flipped bytes, interesting integers over lengths and counts, cuts, duplications, shifts. */
function mutateBytes(source: Uint8Array, random: () => number): Uint8Array {
  let b = source.slice()
  const edits = 1 + Math.floor(random() * 4)
  for (let e = 0; e < edits; e++) {
    // Headers are at the start: aim most edits at the first kilobytes.
    const span = random() < 0.7 ? Math.min(b.length, 4096) : b.length
    const at = Math.floor(random() * Math.max(1, span))
    const kind = Math.floor(random() * 6)
    if (kind === 0 && b.length > 0) b[at] = Math.floor(random() * 256)
    else if (kind === 1) b.set(interesting[Math.floor(random() * interesting.length)]!.slice(0, Math.max(0, b.length - at)), at)
    else if (kind === 2) b = b.slice(0, at)
    else if (kind === 3) {
      const len = Math.floor(random() * 64)
      const copy = new Uint8Array(b.length + len)
      copy.set(b.subarray(0, at))
      copy.set(b.subarray(at, at + len), at)
      copy.set(b.subarray(at), at + Math.min(len, b.length - at))
      b = copy
    } else if (kind === 4) {
      const len = 1 + Math.floor(random() * 16)
      b = new Uint8Array([...b.subarray(0, at), ...b.subarray(Math.min(b.length, at + len))])
    } else if (b.length > 0) b[at] = b[at]! ^ (1 << Math.floor(random() * 8))
  }
  return b
}

async function check(input: Input, mutated: Uint8Array, which: number): Promise<void> {
  const readers: ByteReader[] = input.files.map((f, i) => bytesReader(f.name, i === which ? mutated : f.bytes))
  const started = performance.now()
  try {
    const a = await analyzeWeights(readers, { entry: input.entry })
    const text = JSON.stringify(weightsToJSON(a.weights))
    if (/NaN|Infinity/.test(text)) throw new Error('non-finite number in JSON')
    // Every count is exact and consistent.
    expect(a.weights.params).toBe(a.weights.tensors.reduce((s, t) => s + t.elements, 0n))
  } catch (error) {
    if (!NnsizeError.isInstance(error)) throw new Error(`${input.id} (file ${which}, seed ${seed}): ${String(error)}\n${error instanceof Error ? error.stack : ''}`)
    if (!codes.has(error.code)) throw new Error(`unknown code ${error.code}`)
  }
  const elapsed = performance.now() - started
  if (elapsed > 2000) throw new Error(`${input.id} (file ${which}) took ${elapsed.toFixed(0)} ms`)
}

describe('fuzzing the weight-file readers', () => {
  it(`answers or raises a typed error for ${iterations} mutated files (seed ${seed})`, async () => {
    const random = prng(seed)
    const all = inputs()
    expect(all.length).toBeGreaterThan(40)
    for (let i = 0; i < iterations; i++) {
      const input = all[i % all.length]!
      // Mutate the entry most of the time, another file of the set otherwise.
      const which = input.files.length > 1 && random() < 0.3 ? Math.floor(random() * input.files.length) : input.files.findIndex((f) => f.name === input.entry)
      await check(input, mutateBytes(input.files[which]!.bytes, random), which)
    }
  }, 300_000)
})

/** Pieces of pickle programs: containers, values, allowed globals and calls, storages, memo use. */
const pieces: Array<(random: () => number) => Uint8Array> = [
  () => op.mark,
  () => op.emptyList,
  () => op.emptyDict,
  () => op.emptyTuple,
  () => op.tuple,
  () => op.tuple1,
  () => op.tuple2,
  () => op.append,
  () => op.appends,
  () => op.setitem,
  () => op.setitems,
  () => op.reduce,
  () => op.build,
  () => op.newobj,
  () => op.dup,
  () => op.pop,
  () => op.none,
  () => op.newtrue,
  (r) => op.int(Math.floor(r() * 2 ** (r() * 60)) * (r() < 0.1 ? -1 : 1)),
  (r) => op.str(['weight', 'bias', 'state', 'param_groups', '_modules', '_parameters', '_buffers', 'storage', 'cpu', '0', '1'][Math.floor(r() * 11)]!),
  (r) => op.binput(Math.floor(r() * 4)),
  (r) => op.binget(Math.floor(r() * 4)),
  (r) => {
    const g = [['collections', 'OrderedDict'], ['torch._utils', '_rebuild_tensor_v2'], ['torch._utils', '_rebuild_tensor_v3'], ['torch._utils', '_rebuild_parameter'], ['torch', 'FloatStorage'], ['torch.storage', 'UntypedStorage'], ['torch', 'float16'], ['torch', 'Size'], ['builtins', 'set'], ['torch.nn.parameter', 'Parameter'], ['__main__', 'Net'], ['torch._tensor', '_rebuild_from_type_v2']][Math.floor(r() * 12)]!
    return op.global(g[0]!, g[1]!)
  },
  () => op.binpersid,
  (r) => tensorPickle(String(Math.floor(r() * 3)), Math.floor(r() * 40), [Math.floor(r() * 5), Math.floor(r() * 5)], [Math.floor(r() * 5), 1], Math.floor(r() * 4)),
]

describe('fuzzing the pickle reader with random programs', () => {
  it(`answers or raises a typed error for ${Math.round(iterations)} random pickles (seed ${seed})`, async () => {
    const random = prng(seed + 1)
    for (let i = 0; i < iterations; i++) {
      const parts = Array.from({ length: 1 + Math.floor(random() * 40) }, () => pieces[Math.floor(random() * pieces.length)]!(random))
      const pickle = bytes(op.proto(2), ...parts, op.stop)
      const file = torchZip(pickle, { '0': 160, '1': 64, '2': 0 })
      await check({ id: `random pickle ${i}`, files: [{ name: 'ckpt.pt', bytes: file }], entry: 'ckpt.pt' }, file, 0)
    }
  }, 300_000)
})
