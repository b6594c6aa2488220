import { NnsizeError } from '../errors.js'
import { decodeUtf8, grouped, malformed } from './bytes.js'
import type { Source } from './bytes.js'
import type { FileSet } from './files.js'
import { looksLikeSafetensors, weightsFileKindOf, weightsFileKinds } from './detect.js'
import type { WeightsFileKind } from './detect.js'
import { readGGUF } from './gguf.js'
import { readKerasH5, readKerasZip } from './keras.js'
import { readONNX } from './onnx.js'
import { readPytorchLegacy } from './pytorch-legacy.js'
import { readPytorchZip, torchZipRoot } from './pytorch-zip.js'
import { readSafetensors } from './safetensors.js'
import type { ParsedFile } from './tensors.js'
import { readZipDirectory } from './zip.js'

/** Reads a zip archive's directory, then the PyTorch or Keras contents it holds. */
async function readZip(source: Source): Promise<ParsedFile> {
  const zip = await readZipDirectory(source)
  if (torchZipRoot(zip) !== null) return readPytorchZip(source, zip)
  if (zip.entries.some((e) => e.name === 'model.weights.h5')) return readKerasZip(source, zip)
  const names = zip.entries.slice(0, 5).map((e) => `\`${e.name}\``)
  return malformed(`\`${source.name}\` is a zip archive, but neither a \`torch.save\` checkpoint (\`<folder>/data.pkl\`) nor a Keras model (\`model.weights.h5\`); it holds ${names.join(', ')}${zip.entries.length > 5 ? ', …' : ''}.`)
}

/** The reader of each container {@link weightsFileKinds} recognises; `files` holds the other files given, for side files (ONNX external data). */
const readers: Readonly<Record<WeightsFileKind['container'], (source: Source, files: FileSet) => Promise<ParsedFile>>> = {
  gguf: (s) => readGGUF(s),
  zip: (s) => readZip(s),
  safetensors: (s) => readSafetensors(s),
  'torch-legacy': (s) => readPytorchLegacy(s),
  hdf5: (s) => readKerasH5(s),
  onnx: readONNX,
}

/** Names a file that is not a model: an image, an archive, a Git LFS pointer, a web page, a plain pickle. */
function notAModel(head: Uint8Array, source: Source): string | null {
  const text = decodeUtf8(head.subarray(0, 64)) ?? ''
  const name = `\`${source.name}\``
  if (text.startsWith('version https://git-lfs')) {
    return `${name} is a Git LFS pointer (${grouped(source.size)} bytes), not the weights: the repository was cloned without Git LFS. Run \`git lfs pull\` to fetch the file.`
  }
  const kinds: Array<[boolean, string]> = [
    [head[0] === 0x89 && text.slice(1, 4) === 'PNG', 'a PNG image'],
    [head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff, 'a JPEG image'],
    [text.startsWith('GIF8'), 'a GIF image'],
    [text.startsWith('%PDF'), 'a PDF document'],
    [head[0] === 0x1f && head[1] === 0x8b, 'a gzip archive (extract it first)'],
    [head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd, 'a zstd archive (extract it first)'],
    [/^\s*<(!doctype|html|\?xml)/i.test(text), 'a web page or XML document (a failed download?)'],
    [/^\s*[{[]/.test(text) && !looksLikeSafetensors(head), 'a JSON file'],
    [head[0] === 0x80 && head[1]! >= 2 && head[1]! <= 5, 'a Python pickle, but not a `torch.save` file (no zip archive, no legacy magic number)'],
  ]
  const kind = kinds.find(([match]) => match)
  return kind ? `${name} is ${kind[1]}, not a model weight file.` : null
}

/** The kind a file's extension names, for files whose first bytes match no format (to say what is wrong with them). */
function byExtension(name: string): WeightsFileKind | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase()
  const container = ext === 'safetensors' ? 'safetensors' : ext === 'gguf' ? 'gguf' : ext === 'onnx' ? 'onnx' : undefined
  return container === undefined ? undefined : weightsFileKinds.find((k) => k.container === container)
}

/** Recognises one weight file from its first bytes and reads it. */
export async function readWeightsFile(source: Source, files: FileSet): Promise<ParsedFile> {
  if (source.size === 0) malformed(`\`${source.name}\` is empty (0 bytes): not a model weight file.`)
  const head = await source.read(0, Math.min(source.size, 64), 'the first bytes')
  let kind = weightsFileKindOf(head, source.name)
  if (!kind) {
    const known = notAModel(head, source)
    if (known !== null) throw new NnsizeError('weights-format', known)
    kind = byExtension(source.name)
  }
  if (!kind) {
    const hex = [...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ')
    malformed(`\`${source.name}\` is not a weight file nnsize reads (safetensors, PyTorch \`.bin\`/\`.pt\`, GGUF, ONNX, Keras): it starts with bytes \`${hex}\`.`)
  }
  return readers[kind!.container](source, files)
}
