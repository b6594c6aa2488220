import { looksLikeLegacyTorch } from './pytorch-legacy.js'
import { baseName } from './paths.js'
import type { WeightsFormat } from './types.js'

/**
 * How each weight file starts, apart from its readers: the CLI and the playground ask of every file they are given
 * whether it is a weight file, and this answers from its first bytes without loading a reader. Only a legacy
 * `torch.save` file, whose magic number is a pickle, needs the pickle reader, and only for files whose first byte
 * could start one.
 */
export interface WeightsFileKind {
  /** The container, which picks the reader: a zip archive may hold a `torch.save` checkpoint or a Keras model. */
  container: 'gguf' | 'zip' | 'safetensors' | 'torch-legacy' | 'hdf5' | 'onnx'
  /** The format reported before the file is read. */
  format: WeightsFormat
  /** Recognises the container from the file's first bytes (up to 64) and its base name. */
  detect(head: Uint8Array, name: string): boolean
}

/** True when the file starts with the GGUF magic, `GGUF`. */
function looksLikeGGUF(head: Uint8Array): boolean {
  return head[0] === 0x47 && head[1] === 0x47 && head[2] === 0x55 && head[3] === 0x46
}

/** True when the file starts like a zip archive (a local header, or the end record of an empty archive). */
function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))
}

/** True when a safetensors header could start here: a plausible length and `{` at byte 8, after any JSON spaces. */
export function looksLikeSafetensors(head: Uint8Array): boolean {
  let at = 8
  while (at < head.length && (head[at] === 0x20 || head[at] === 0x09 || head[at] === 0x0a || head[at] === 0x0d)) at++
  if (at >= head.length || head[at] !== 0x7b) return false
  return head[5] === 0 && head[6] === 0 && head[7] === 0
}

/** A legacy `torch.save` file starts with a pickle: PROTO (protocols 2 and up) or a text LONG (protocols 0 and 1). */
function looksLikeLegacyTorchFile(head: Uint8Array): boolean {
  return (head[0] === 0x80 || head[0] === 0x4c) && looksLikeLegacyTorch(head)
}

const hdf5Signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]

/** True when an HDF5 signature starts at byte 0. */
function looksLikeHDF5(head: Uint8Array): boolean {
  return hdf5Signature.every((b, i) => head[i] === b)
}

/** An ONNX model has no magic number: a `.onnx` name, or a first field that is `ir_version` (field 1, varint). */
function looksLikeONNX(head: Uint8Array, name: string): boolean {
  return /\.onnx$/i.test(name) || (head[0] === 0x08 && head[1]! > 0 && head[1]! < 16 && head[2] === 0x12)
}

/** The weight-file kinds, in the order they are tried: magic numbers first, the formats without one last. */
export const weightsFileKinds: readonly WeightsFileKind[] = [
  { container: 'gguf', format: 'gguf', detect: looksLikeGGUF },
  { container: 'zip', format: 'pytorch', detect: looksLikeZip },
  { container: 'safetensors', format: 'safetensors', detect: looksLikeSafetensors },
  { container: 'torch-legacy', format: 'pytorch', detect: looksLikeLegacyTorchFile },
  { container: 'hdf5', format: 'keras', detect: looksLikeHDF5 },
  { container: 'onnx', format: 'onnx', detect: looksLikeONNX },
]

/** The kind of weight file a file's first bytes (up to 64) and name show, or undefined. */
export function weightsFileKindOf(head: Uint8Array, name: string): WeightsFileKind | undefined {
  const base = baseName(name)
  return weightsFileKinds.find((kind) => kind.detect(head, base))
}

/**
 * The weight-file format a file's first bytes (up to 64) show, or `null`: magic numbers first, so a file is known
 * whatever its name; ONNX, which has none, also by its `.onnx` extension. Apps use it to tell a weight file from text.
 */
export function weightsFormatOf(head: Uint8Array, name: string): WeightsFormat | null {
  return weightsFileKindOf(head, name)?.format ?? null
}
