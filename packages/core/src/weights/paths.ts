// Paths of weight files as the apps name them, with `/` or `\` between folders. Kept apart from the readers:
// telling a weight file by its name and first bytes (detect.ts) needs these and nothing else.

/** The last part of a path (`a/b/model.safetensors` → `model.safetensors`). */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'))
  return i < 0 ? path : path.slice(i + 1)
}

/** The folder part of a path with its trailing slash (`a/b/model.onnx` → `a/b/`), `''` for a bare name. */
export function folderOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'))
  return i < 0 ? '' : path.slice(0, i + 1)
}
