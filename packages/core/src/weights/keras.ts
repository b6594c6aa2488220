import { malformed, Source } from './bytes.js'
import { baseName } from './paths.js'
import { readHDF5Datasets } from './hdf5.js'
import type { H5Dataset } from './hdf5.js'
import { tensorKind } from './tensors.js'
import type { ParsedFile } from './tensors.js'
import type { FileTensor, KerasDetails } from './types.js'
import { entryDataOffset } from './zip.js'
import type { ZipDirectory } from './zip.js'

const torchNames: Readonly<Record<string, string>> = {
  float16: 'float16',
  float32: 'float32',
  float64: 'float64',
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
  bool: 'bool',
}

/**
 * Keras 3 stores a layer's variables as `layers/<layer>/vars/<i>` in creation order: a BatchNormalization's
 * `moving_mean` and `moving_variance` are vars 2 and 3, and are not trained. Keras 2 names them.
 */
function kerasKind(path: string, float: boolean): 'parameter' | 'buffer' {
  if (/(^|\/)batch_normalization(_\d+)?\/vars\/[23]$/.test(path)) return 'buffer'
  return tensorKind(path.replace(/:\d+$/, ''), float)
}

function tensorsOf(datasets: readonly H5Dataset[], file: string): FileTensor[] {
  return datasets.map((d) => {
    const elements = d.shape.reduce((p, x) => p * BigInt(x), 1n)
    const torch = torchNames[d.dtype] ?? null
    return {
      name: d.path,
      shape: d.shape,
      dtype: d.dtype,
      torchDType: torch,
      elements,
      bytes: elements * BigInt(d.itemBytes),
      file,
      kind: kerasKind(d.path, /^float/.test(d.dtype)),
      h5Offset: d.address,
      h5Chunked: d.chunked,
    }
  })
}

/** The model's part of a Keras weights file: not the optimizer's variables. */
function modelTensors(tensors: readonly FileTensor[]): Array<{ index: number; name: string }> {
  const out: Array<{ index: number; name: string }> = []
  tensors.forEach((t, index) => {
    if (/^(optimizer|optimizer_weights)\//.test(t.name)) return
    out.push({ index, name: t.name.replace(/^model_weights\//, '') })
  })
  return out
}

function result(source: Source, tensors: FileTensor[], details: KerasDetails): ParsedFile {
  let elements = 0n
  let bytes = 0n
  for (const t of tensors) {
    elements += t.elements
    bytes += t.bytes
  }
  return { file: { name: source.name, size: source.size, bytesRead: source.bytesRead, tensors: tensors.length, elements, bytes, ...details }, tensors, modelTensors: modelTensors(tensors) }
}

/** Reads a Keras 3 `.keras` file: the zip's directory, then the HDF5 `model.weights.h5` inside it (stored, never inflated). */
export async function readKerasZip(source: Source, zip: ZipDirectory): Promise<ParsedFile> {
  const entry = zip.byName.get('model.weights.h5')!
  if (entry.method !== 0) malformed(`\`${source.name}\`: \`model.weights.h5\` is compressed (method ${entry.method}); nnsize reads it only stored, as Keras writes it.`)
  const start = await entryDataOffset(source, zip, entry)
  const inner = Source.from({ name: `${source.name}/model.weights.h5`, size: entry.size, read: (offset, length) => source.read(start + offset, length, '`model.weights.h5`') })
  const datasets = await readHDF5Datasets(inner, `\`${baseName(source.name)}\` (model.weights.h5)`)
  const tensors = tensorsOf(datasets, source.name)
  return result(source, tensors, { format: 'keras', container: 'zip', zipEntries: zip.entries.map((e) => e.name), h5Entry: 'model.weights.h5', h5EntryOffset: start })
}

/** Reads a Keras HDF5 weights file (`.h5`, `.weights.h5`). */
export async function readKerasH5(source: Source): Promise<ParsedFile> {
  const datasets = await readHDF5Datasets(source, `\`${source.name}\``)
  return result(source, tensorsOf(datasets, source.name), { format: 'keras', container: 'hdf5', zipEntries: [], h5Entry: null, h5EntryOffset: 0 })
}
