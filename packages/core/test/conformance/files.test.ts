import { open } from 'node:fs/promises'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeWeights, fileHandleReader, NnsizeError } from '../../src/index.js'
import type { ByteReader, FileTensor, WeightsAnalysis } from '../../src/index.js'
import { readCases, referenceDir } from './reference.js'

/** One line of `files.jsonl` (the fields this suite checks). */
interface FileCase {
  id: string
  file?: string
  files?: string[]
  entry?: string
  format: string
  expect?: 'error'
  alt_ok?: string
  tensor_count: number
  tensors: Array<Record<string, unknown> & { name: string; shape: number[]; dtype: string; bytes: number; file?: string }>
  params: number
  bytes: number
  by_dtype: Record<string, number>
  [key: string]: unknown
}

const cases = readCases<FileCase>('files.jsonl').filter((c) => !process.env['NNSIZE_CASES'] || c.id.includes(process.env['NNSIZE_CASES']))

/** Opens the case's files as Node file handles, named by their path in the manifest (`files/…`). */
async function withReaders<T>(c: FileCase, run: (readers: ByteReader[]) => Promise<T>): Promise<T> {
  const paths = c.files ?? [c.file!]
  const handles = await Promise.all(paths.map((p) => open(resolve(referenceDir, p))))
  try {
    const readers = await Promise.all(handles.map(async (h, i) => fileHandleReader(h, paths[i]!, (await h.stat()).size)))
    return await run(readers)
  } finally {
    await Promise.all(handles.map((h) => h.close()))
  }
}

const n = (v: bigint | number): number => Number(v)

/** The manifest's per-tensor fields from a {@link FileTensor}. */
function tensorFields(t: FileTensor, expected: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { name: t.name, shape: t.shape, dtype: t.dtype, bytes: n(t.bytes) }
  const map: Record<string, () => unknown> = {
    file: () => t.file,
    data_offsets: () => t.dataOffsets,
    storage: () => t.storage,
    storage_offset: () => t.storageOffset,
    stride: () => t.stride,
    parameter: () => t.parameter,
    gguf_dims: () => t.ggufDims,
    ggml_type: () => t.ggmlType,
    block_size: () => t.blockSize,
    type_size: () => t.typeSize,
    n_blocks: () => (t.blocks === undefined ? undefined : n(t.blocks)),
    offset: () => t.offset,
    data_location: () => t.dataLocation,
    external: () => t.external,
    storage_field: () => t.storageField,
    h5_offset: () => t.h5Offset,
    h5_chunked: () => t.h5Chunked,
  }
  for (const key of Object.keys(expected)) if (key in map) out[key] = map[key]!()
  return out
}

function checkFormatFields(c: FileCase, a: WeightsAnalysis): void {
  const w = a.weights
  const file = w.files[0]!
  if (c.format === 'safetensors' && c.file !== undefined && file.format === 'safetensors') {
    expect(file.headerBytes).toBe(c['header_len'])
    expect(file.dataStart).toBe(c['data_start'])
    expect(file.metadata).toEqual(c['metadata'])
  }
  if (c.format === 'pytorch') {
    expect(n(w.uniqueBytes)).toBe(c['unique_bytes'])
    expect(n(w.paramsDedup)).toBe(c['params_dedup'])
    expect(w.pickle?.globals).toEqual(c['pickle_globals'])
    expect(w.files.reduce((s, f) => s + (f.format === 'pytorch' ? f.storages : 0), 0)).toBe(c['storages'])
    if (c['requires_classes'] !== undefined) expect(w.pickle?.requiresClasses).toEqual(c['requires_classes'])
    if (c['weights_only_loadable'] !== undefined) expect(w.pickle?.weightsOnlyLoadable).toBe(c['weights_only_loadable'])
    if (file.format === 'pytorch') {
      if (c['serialization'] !== undefined) expect(file.serialization).toBe(c['serialization'])
      if (c['zip_root'] !== undefined) expect(file.zipRoot).toBe(c['zip_root'])
      if (c['byteorder'] !== undefined) expect(file.byteorder).toBe(c['byteorder'])
      if (c['legacy_protocol_version'] !== undefined) expect(file.legacyProtocolVersion).toBe(c['legacy_protocol_version'])
    }
    if (c['top_level_keys'] !== undefined) {
      const cp = w.checkpoint!
      expect(cp.topLevelKeys).toEqual(c['top_level_keys'])
      const perKey = c['per_key'] as Record<string, { tensors: number; params: number; bytes: number }>
      expect(Object.fromEntries(cp.perKey.map((e) => [e.key, { tensors: e.tensors, params: n(e.params), bytes: n(e.bytes) }]))).toEqual(perKey)
      expect({ ...cp.nonTensorValues }).toEqual(c['non_tensor_values'])
      const o = c['optimizer_state'] as Record<string, unknown>
      const opt = cp.optimizer!
      expect({ class: opt.optimizer, param_count: opt.paramCount, state_keys: opt.stateKeys, tensors: opt.tensors, elements: n(opt.elements), bytes: n(opt.bytes), step_tensors: opt.stepTensors, param_groups: opt.paramGroups }).toEqual(o)
    }
  }
  if (c.format === 'gguf') {
    const expectedFiles = (c['per_file'] as Array<Record<string, unknown>> | undefined) ?? [c]
    expect(w.files.length).toBe(expectedFiles.length)
    expectedFiles.forEach((e, i) => {
      const f = w.files[i]!
      if (f.format !== 'gguf') throw new Error('not gguf')
      expect(f.version).toBe(e['gguf_version'])
      expect(f.metadataCount).toBe(e['metadata_kv_count'])
      expect(f.alignment).toBe(e['alignment'])
      expect(f.dataOffset).toBe(e['data_offset'])
      const meta = Object.fromEntries(Object.entries(f.metadata).map(([k, v]) => [k, 'value' in v ? { type: v.type, value: typeof v.value === 'bigint' ? Number(v.value) : v.value } : { type: v.type, elem_type: v.elemType, count: v.count }]))
      expect(meta).toEqual(e['metadata'])
    })
  }
  if (c.format === 'onnx' && file.format === 'onnx') {
    expect(file.irVersion).toBe(c['ir_version'])
    expect(file.opset).toEqual(c['opset'])
    expect(file.producer).toBe(c['producer'])
    expect(file.graphInputs).toEqual(c['graph_inputs'])
    expect(file.nodes).toBe(c['nodes'])
    expect({ count: file.constantNodes.count, elements: n(file.constantNodes.elements) }).toEqual(c['constant_nodes'])
    const sides = (c['external_files'] as Record<string, number> | undefined) ?? {}
    expect(Object.fromEntries(file.externalFiles.map((e) => [e.file, e.size]))).toEqual(sides)
  }
  if (c.format === 'keras' && file.format === 'keras') {
    expect(file.container).toBe(c['container'])
    expect(file.zipEntries).toEqual(c['zip_entries'])
    expect(file.h5Entry).toBe(c['h5_entry'])
    expect(file.h5EntryOffset).toBe(c['h5_entry_offset'])
    expect(n(a.params.total)).toBe(c['trainable_params'])
    expect(n(a.buffers.total)).toBe(c['non_trainable_params'])
  }
}

describe('weight files (files.jsonl)', () => {
  for (const c of cases) {
    if (c.expect === 'error') {
      it(`${c.id}: refused with a clear error`, async () => {
        const started = performance.now()
        const outcome = await withReaders(c, (readers) => analyzeWeights(readers).then(
          (a) => ({ ok: a }) as const,
          (error: unknown) => ({ error }) as const,
        ))
        expect(performance.now() - started).toBeLessThan(2000)
        if ('ok' in outcome) {
          // Accepted only where the manifest allows another outcome (listing the tensor, warning about the location).
          expect(c.alt_ok).toBeDefined()
          expect(outcome.ok.weights.warnings.length).toBeGreaterThan(0)
          return
        }
        expect(NnsizeError.isInstance(outcome.error), String(outcome.error)).toBe(true)
        const e = outcome.error as NnsizeError
        expect(e.message).toMatch(/`/)
        expect(e.message.length).toBeLessThan(600)
        if (c.id === 'adversarial/pt-global-os-system') {
          expect(e.code).toBe('unsafe-pickle')
          expect(e.message).toContain('os.system')
        }
        if (c.id === 'adversarial/onnx-external-path-traversal') expect(e.code).toBe('unsafe-path')
        if (c.id === 'adversarial/git-lfs-pointer') expect(e.message).toContain('Git LFS')
      })
      continue
    }
    it(`${c.id}: every tensor, count and per-format field`, async () => {
      const a = await withReaders(c, (readers) => analyzeWeights(readers, c.entry ? { entry: c.entry } : {}))
      const w = a.weights
      expect(w.format).toBe(c.format)
      expect(w.tensors.length).toBe(c.tensor_count)
      expect(w.tensors.map((t, i) => tensorFields(t, c.tensors[i]!))).toEqual(c.tensors)
      expect(n(w.params)).toBe(c.params)
      expect(n(w.bytes)).toBe(c.bytes)
      expect(Object.fromEntries(w.byDType.map((d) => [d.dtype, n(d.elements)]))).toEqual(c.by_dtype)
      checkFormatFields(c, a)
      // The module tree: a state dict's own model counts, as PyTorch's model.parameters() and buffers().
      if (typeof c['model_parameters'] === 'number' && c.format !== 'onnx' && c.format !== 'keras' && c['top_level_keys'] === undefined && c.format !== 'gguf') {
        // Tied names in a `.bin` are one tensor in the tree, as in model.parameters().
        expect(n(a.params.total)).toBe(c['model_parameters'])
        if (typeof c['model_buffers'] === 'number') expect(n(a.buffers.total)).toBe(c['model_buffers'])
      }
      if (c['top_level_keys'] !== undefined) {
        expect(n(a.params.total)).toBe(c['model_parameters'])
        expect(n(a.buffers.total)).toBe(c['model_buffers'])
      }
      // Hugging Face sets: the config's view and the check of the files against it.
      if (c['config_json'] !== undefined) {
        const config = w.config!
        expect(config.file).toBe(c['config_json'])
        expect(n(config.check.configParams)).toBe(c['model_parameters'])
        expect(config.check.missing.filter((m) => m.reason !== 'tied')).toEqual([])
        expect(config.check.missing.map((m) => m.name)).toEqual(c['state_dict_names_not_in_file'])
        expect(config.check.reshaped).toEqual([])
        expect(config.check.consistent).toBe(true)
        const perFile = c['per_file'] as Array<Record<string, unknown>>
        expect(w.files.map((f) => f.name)).toEqual(perFile.map((f) => f['file']))
        expect(w.files.map((f) => f.tensors)).toEqual(perFile.map((f) => f['tensors']))
      }
      if (c['index'] !== undefined) {
        const index = c['index'] as { file: string; metadata: Record<string, unknown>; weight_map_entries: number }
        expect(w.index).toMatchObject({ file: index.file, metadata: index.metadata, weightMapEntries: index.weight_map_entries })
      }
      expect(w.warnings.filter((x) => /total_size|total_parameters/.test(x))).toEqual([])
      // Only headers are read: never the tensor data (a read window may overlap the last header bytes).
      for (const f of w.files) expect(f.bytesRead).toBeLessThanOrEqual(f.size - n(f.bytes) + 2 * 65_536)
    })
  }
})
