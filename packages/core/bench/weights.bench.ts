import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, bench, describe } from 'vitest'
import { analyzeWeights, fileHandleReader, findModel } from '../src/index.js'
import type { ByteReader } from '../src/index.js'
import { Source } from '../src/weights/bytes.js'
import { readSafetensors } from '../src/weights/safetensors.js'

const encode = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0))

/**
 * A file of `size` bytes of which only `head` exists (zeros after it), like a sparse file of the real size:
 * the readers ask for headers only, so memory does not grow with the file.
 */
function sparse(name: string, head: Uint8Array, size: number): ByteReader {
  return {
    name,
    size,
    read(offset, length) {
      const out = new Uint8Array(length)
      if (offset < head.length) out.set(head.subarray(offset, Math.min(head.length, offset + length)))
      return Promise.resolve(out)
    },
  }
}

/** A safetensors header of BF16 tensors, as transformers writes it, and the file's real size. */
function safetensorsHead(tensors: Array<[string, number[]]>): { head: Uint8Array; size: number } {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } }
  let at = 0
  for (const [tensor, shape] of tensors) {
    const bytes = shape.reduce((p, d) => p * d, 1) * 2
    header[tensor] = { dtype: 'BF16', shape, data_offsets: [at, at + bytes] }
    at += bytes
  }
  const json = encode(JSON.stringify(header))
  const head = new Uint8Array(8 + json.length)
  new DataView(head.buffer).setBigUint64(0, BigInt(json.length), true)
  head.set(json, 8)
  return { head, size: head.length + at }
}

/** The same, as a reader of the file's real size. */
function safetensorsFile(name: string, tensors: Array<[string, number[]]>): ByteReader {
  const { head, size } = safetensorsHead(tensors)
  return sparse(name, head, size)
}

/** The tensors of a Llama model, as `LlamaForCausalLM.state_dict()` names them. */
function llamaTensors(layers: number, hidden: number, intermediate: number, heads: number, kvHeads: number, vocab: number): Array<[string, number[]]> {
  const head = hidden / heads
  const out: Array<[string, number[]]> = [['model.embed_tokens.weight', [vocab, hidden]]]
  for (let i = 0; i < layers; i++) {
    const p = `model.layers.${i}`
    out.push(
      [`${p}.input_layernorm.weight`, [hidden]],
      [`${p}.self_attn.q_proj.weight`, [hidden, hidden]],
      [`${p}.self_attn.k_proj.weight`, [kvHeads * head, hidden]],
      [`${p}.self_attn.v_proj.weight`, [kvHeads * head, hidden]],
      [`${p}.self_attn.o_proj.weight`, [hidden, hidden]],
      [`${p}.post_attention_layernorm.weight`, [hidden]],
      [`${p}.mlp.gate_proj.weight`, [intermediate, hidden]],
      [`${p}.mlp.up_proj.weight`, [intermediate, hidden]],
      [`${p}.mlp.down_proj.weight`, [hidden, intermediate]],
    )
  }
  out.push(['model.norm.weight', [hidden]], ['lm_head.weight', [vocab, hidden]])
  return out
}

// 1,000 tensors (111 Llama-8B-sized layers).
const thousand = safetensorsFile('model.safetensors', llamaTensors(111, 4096, 14336, 32, 8, 128256).slice(0, 1000))

// Llama 3.1 405B as Hugging Face ships it: 191 shards, an index and config.json, 2,000+ GB of sparse files.
const tensors405b = llamaTensors(126, 16384, 53248, 128, 8, 128256)
const shardCount = 191
const perShard = Math.ceil(tensors405b.length / shardCount)
const shardName = (i: number): string => `Llama-3.1-405B/model-${String(i + 1).padStart(5, '0')}-of-00191.safetensors`
const shards = Array.from({ length: shardCount }, (_, i) => safetensorsFile(shardName(i), tensors405b.slice(i * perShard, (i + 1) * perShard)))
const weightMap = Object.fromEntries(tensors405b.map(([name], i) => [name, shardName(Math.floor(i / perShard)).slice('Llama-3.1-405B/'.length)]))
const index = encode(JSON.stringify({ metadata: { total_size: tensors405b.reduce((s, [, shape]) => s + shape.reduce((p, d) => p * d, 1) * 2, 0) }, weight_map: weightMap }))
const config = encode(JSON.stringify(findModel('llama-3.1-405b')!.config))
const folder: ByteReader[] = [sparse('Llama-3.1-405B/model.safetensors.index.json', index, index.length), sparse('Llama-3.1-405B/config.json', config, config.length), ...shards]

// The same folder as sparse files on disk, of the real sizes (about 811 GB that take a few MB), read through Node
// file handles as the CLI reads them: memory does not grow with the files, which are never read past their headers.
const disk = mkdtempSync(join(tmpdir(), 'nnsize-405b-'))
afterAll(() => rmSync(disk, { recursive: true, force: true }))
mkdirSync(join(disk, 'Llama-3.1-405B'))
const diskFiles: Array<{ name: string; path: string; size: number }> = []
function writeSparse(name: string, head: Uint8Array, size: number): void {
  const path = join(disk, name)
  const fd = openSync(path, 'w')
  writeSync(fd, head)
  ftruncateSync(fd, size)
  closeSync(fd)
  diskFiles.push({ name, path, size })
}
writeSparse('Llama-3.1-405B/model.safetensors.index.json', index, index.length)
writeSparse('Llama-3.1-405B/config.json', config, config.length)
for (let i = 0; i < shardCount; i++) {
  const { head, size } = safetensorsHead(tensors405b.slice(i * perShard, (i + 1) * perShard))
  writeSparse(shardName(i), head, size)
}

describe('weight files', () => {
  bench('safetensors header of 1,000 tensors: read and checked', async () => {
    await readSafetensors(Source.from(thousand))
  })

  bench('safetensors file of 1,000 tensors: the whole analysis', async () => {
    await analyzeWeights(thousand)
  })

  bench('Llama 3.1 405B folder: index, 191 shards (sparse, real sizes), config.json and the check', async () => {
    await analyzeWeights(folder)
  })

  bench('Llama 3.1 405B folder without config.json', async () => {
    await analyzeWeights(folder, { config: false })
  })

  bench('Llama 3.1 405B folder of sparse files on disk, through file handles, without config.json', async () => {
    const handles = await Promise.all(diskFiles.map((f) => open(f.path)))
    try {
      await analyzeWeights(
        handles.map((h, i) => fileHandleReader(h, diskFiles[i]!.name, diskFiles[i]!.size)),
        { config: false },
      )
    } finally {
      await Promise.all(handles.map((h) => h.close()))
    }
  })
})
