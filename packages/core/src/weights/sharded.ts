import { NnsizeError } from '../errors.js'
import { decodeUtf8, grouped, malformed, parseFlatJSON } from './bytes.js'
import { baseName } from './paths.js'
import type { Source } from './bytes.js'
import type { FileSet } from './files.js'
import { readWeightsFile } from './formats.js'
import type { ParsedFile } from './tensors.js'
import type { IndexInfo } from './types.js'

/** `model.safetensors.index.json`, `pytorch_model.bin.index.json`: a Hugging Face index of sharded weights. */
export function isIndexName(name: string): boolean {
  return /\.index\.json$/i.test(baseName(name))
}

/** `model-00001-of-00004.safetensors` → its shard number and count. */
export function shardNumber(name: string): { index: number; count: number; stem: string } | null {
  const m = /^(.*)-(\d+)-of-(\d+)(\.[^.]+)?$/.exec(baseName(name))
  return m ? { index: Number(m[2]), count: Number(m[3]), stem: `${m[1]}${m[4] ?? ''}` } : null
}

/** Reads a JSON file whole (bounded by the header limit), parsed by the platform's JSON parser. */
export async function readJSONFile(source: Source): Promise<unknown> {
  const text = decodeUtf8(await source.read(0, source.size, 'the JSON text'))
  if (text === null) malformed(`\`${source.name}\` is not valid UTF-8 text.`)
  return parseFlatJSON(text!, 16, `\`${source.name}\``)
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Reads a sharded set from its `*.index.json`: `{"metadata": {"total_size", …}, "weight_map": {name: shard}}`.
 * Every shard the map names must be given; each is read (headers only) and must hold the tensors the map
 * assigns to it. The index's `total_size` and `total_parameters` are compared with the shards.
 */
export async function readShardedSet(index: Source, files: FileSet): Promise<{ parsed: ParsedFile[]; info: IndexInfo; warnings: string[] }> {
  const json = await readJSONFile(index)
  const name = `\`${index.name}\``
  if (!isObject(json) || !isObject(json['weight_map'])) malformed(`${name} is not a weights index: it needs a \`weight_map\` object of tensor names to shard files.`)
  const map = json['weight_map'] as Record<string, unknown>
  const metadata = isObject(json['metadata']) ? (json['metadata'] as Record<string, unknown>) : {}
  const shardOf = new Map<string, string>()
  for (const [tensor, shard] of Object.entries(map)) {
    if (typeof shard !== 'string' || shard === '') malformed(`${name}: the shard of \`${tensor}\` must be a file name, got \`${JSON.stringify(shard)?.slice(0, 40)}\`.`)
    if (/(^|[\\/])\.\.([\\/]|$)/.test(shard) || /^([\\/]|[A-Za-z]:)/.test(shard)) {
      throw new NnsizeError('unsafe-path', `${name} names shard \`${shard}\`, outside the index's folder; nnsize does not open it.`)
    }
    shardOf.set(tensor, shard)
  }
  const shards = [...new Set(shardOf.values())].sort()
  const missing = shards.filter((s) => files.find(s, index.name) === undefined)
  if (missing.length > 0) {
    throw new NnsizeError('missing-file', `${name} needs ${missing.length} shard${missing.length === 1 ? '' : 's'} that ${missing.length === 1 ? 'was' : 'were'} not given: ${missing.slice(0, 5).map((s) => `\`${s}\``).join(', ')}${missing.length > 5 ? ', …' : ''}.`)
  }
  const parsed: ParsedFile[] = []
  for (const shard of shards) parsed.push(await readWeightsFile(files.find(shard, index.name)!, files))
  const formats = new Set(parsed.map((p) => p.file.format))
  if (formats.size > 1) malformed(`${name}: its shards are in different formats (${[...formats].join(', ')}).`)
  const warnings: string[] = []
  // The map against the shards.
  const held = new Map<string, string>()
  parsed.forEach((p, i) => {
    for (const t of p.tensors) held.set(t.name, shards[i]!)
  })
  const misplaced: string[] = []
  for (const [tensor, shard] of shardOf) {
    const actual = held.get(tensor)
    if (actual !== shard) misplaced.push(actual === undefined ? `\`${tensor}\` (in no shard)` : `\`${tensor}\` (in \`${actual}\`, not \`${shard}\`)`)
  }
  if (misplaced.length > 0) malformed(`${name} maps ${misplaced.length} tensor${misplaced.length === 1 ? '' : 's'} to shards that do not hold ${misplaced.length === 1 ? 'it' : 'them'}: ${misplaced.slice(0, 3).join(', ')}${misplaced.length > 3 ? ', …' : ''}.`)
  const unlisted = [...held.keys()].filter((t) => !shardOf.has(t))
  if (unlisted.length > 0) warnings.push(`${unlisted.length} tensor${unlisted.length === 1 ? ' is' : 's are'} in the shards but not in ${name}: ${unlisted.slice(0, 3).map((t) => `\`${t}\``).join(', ')}${unlisted.length > 3 ? ', …' : ''}.`)
  let unique = 0n
  let dedup = 0n
  for (const p of parsed) {
    unique += p.file.format === 'pytorch' ? p.file.uniqueBytes : p.file.bytes
    dedup += p.paramsDedup ?? p.file.elements
  }
  const totalSize = metadata['total_size']
  if (typeof totalSize === 'number' && BigInt(totalSize) !== unique) warnings.push(`${name} gives \`total_size\` ${grouped(totalSize)} bytes; the shards hold ${grouped(unique)}.`)
  const totalParams = metadata['total_parameters']
  if (typeof totalParams === 'number' && BigInt(totalParams) !== dedup) warnings.push(`${name} gives \`total_parameters\` ${grouped(totalParams)}; the shards hold ${grouped(dedup)} distinct elements.`)
  return { parsed, info: { file: index.name, metadata, weightMapEntries: shardOf.size, shards }, warnings }
}
