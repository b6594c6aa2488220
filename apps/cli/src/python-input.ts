import { lstatSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import type { ProgramSource } from '@nnsize/core'
import { decodeText, looksLikePath, maxInputBytes, readSourceFile } from './input.js'
import { InputError, UsageError } from './errors.js'
import { keptTreeStore } from './kept-trees.js'

/** Most `.py` files a model file's or folder's program reads. */
export const maxPythonFiles = 2000

/** Deepest folder level below the root that is searched for `.py` files. */
export const maxPythonDepth = 16

/** Most folder entries looked at while searching a folder without `__init__.py` for an example, so that a huge tree stops early. */
const maxEntriesSeen = 100_000

/** Folders never searched: hidden ones, caches, installed packages. */
const skippedFolders = new Set(['__pycache__', 'node_modules', 'site-packages', 'dist-packages'])

/** A Python program read from disk: the files by path relative to its root, and how paths are shown. */
export interface PythonProgram {
  program: ProgramSource
  /** The root folder relative to the current directory (`''`: the current directory), or its absolute path when outside. */
  shownRoot: string
}

/** Options of {@link readPythonProgram}: the folder first on the module path and the expression to build. */
export interface PythonProgramOptions {
  cwd: string
  /** `--root`: the folder first on the module path (default: the current directory). */
  root?: string | undefined
  /** `--model`: an expression evaluated after the main module ran. */
  entry?: string | undefined
}

/**
 * Reads a Python model file (`model.py`) or a folder of them as a program, as `python -c "import <main module>"`
 * from the current directory (or `--root`) would import it: the main file, `main` relative to the root, and a reader
 * of the other `.py` files under the root, which the core calls as imports name them (regular files only, bounded in
 * count, bytes and depth; see {@link programReader}). A folder's main file is its `__init__.py`; a bare
 * name (`gpt2`) names a folder only with `--model`. A file without imports, `--model` or `--root` is left to be read as
 * text, as before.
 * Returns null when `arg` names neither a `.py` file nor a folder with `.py` files.
 */
export async function readPythonProgram(arg: string, options: PythonProgramOptions): Promise<PythonProgram | null> {
  if (arg.trim() === '') return null
  const target = resolve(options.cwd, arg)
  let info: import('node:fs').Stats
  try {
    info = statSync(target)
  } catch {
    return null
  }
  // a bare name (`gpt2`) is a folder only when written as a path or with --model: else it stays a model name
  const folder = info.isDirectory() && (looksLikePath(arg) || arg.includes('/') || options.entry !== undefined)
  if (info.isDirectory() && !folder) return null
  if (!folder && !(info.isFile() && /\.py$/i.test(target))) return null
  const inside = (dir: string, file: string): boolean => {
    const rel = relative(dir, file)
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
  }
  // a file without imports is statements over nnsize's names (`nn.Linear(10, 20)`, as in a text file): read as text
  if (!folder && options.entry === undefined && options.root === undefined && !/^[ \t]*(?:import|from)[ \t]/m.test(await readSourceFile(target, options.cwd, arg))) return null
  let root: string
  if (options.root !== undefined) {
    root = resolve(options.cwd, options.root)
    if (!inside(root, target)) throw new UsageError(`--root '${options.root}' does not contain '${arg}': give the folder that holds the model's top package`)
    const rootInfo = statSync(root, { throwIfNoEntry: false })
    if (!rootInfo?.isDirectory()) throw new UsageError(`--root '${options.root}' is not a folder`)
  } else {
    root = inside(options.cwd, target) && options.cwd !== target ? options.cwd : dirname(target)
  }
  const main = folder ? join(target, '__init__.py') : target
  const mainKey = toKey(relative(root, main))
  // the folder named on the command line is read even when it is a link, as the file named there is
  const reader = await programReader(root, (inside(options.cwd, root) ? toKey(relative(options.cwd, root)) : root) || '.', folder ? toKey(relative(root, target)) : undefined)
  const files: Record<string, string> = {}
  if (folder) {
    const text = reader.readFile(mainKey)
    if (text === undefined) {
      // a folder alone is searched: the file that defines the name `--model` calls, else the first file, as the example
      const keys = await pythonFileKeys(target, root, toKey(relative(options.cwd, target)) || '.')
      if (keys.length === 0) return null
      const name = /^\s*([A-Za-z_]\w*)/.exec(options.entry ?? '')?.[1]
      const defining = name === undefined ? undefined : keys.find((k) => new RegExp(`^(?:class|def)\\s+${name}\\b`, 'm').test(reader.readFile(k) ?? ''))
      const example = toKey(relative(options.cwd, join(root, defining ?? keys[0]!)))
      throw new InputError(`'${arg}' has no __init__.py to import: give the file that defines the model, e.g. nnsize ${example}${options.entry ? ` --model "${options.entry}"` : ''}`)
    }
    files[mainKey] = text
  } else {
    // the file named on the command line is read even when it is a link
    files[mainKey] = await readSourceFile(target, options.cwd, arg)
  }
  // the other files under the root are read as imports name them, as Python reads them: never a whole tree first
  const read = (key: string): string | undefined => {
    const text = reader.readFile(key)
    if (text !== undefined) files[key] = text
    return text
  }
  const shownRoot = inside(options.cwd, root) ? toKey(relative(options.cwd, root)) : root
  return { program: { files, main: mainKey, entry: options.entry, root: '', readFile: read, isFolder: reader.isFolder, keptTrees: keptTreeStore(root) }, shownRoot }
}

/**
 * Reads the `.py` files under `root` by their paths relative to it (`models/resnet.py`), as the core's importer asks
 * for them: regular files only, in folders that are neither links, hidden, caches nor installed packages (but for the
 * folder `given` on the command line, as it is given), at most {@link maxPythonDepth} levels deep; at most
 * {@link maxPythonFiles} files and {@link maxInputBytes} bytes in all.
 */
async function programReader(root: string, shown: string, given?: string): Promise<{ readFile(key: string): string | undefined; isFolder(key: string): boolean }> {
  const folders = new Map<string, boolean>(given === undefined ? [] : [[given, true]])
  let count = 0
  let bytes = 0
  /** Whether each folder on the way to `parts` (the last part excluded) is a real folder nnsize searches. */
  const reachable = (parts: readonly string[]): boolean => {
    if (parts.length - 1 > maxPythonDepth || parts.some((p) => p === '' || p === '.' || p === '..')) return false
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/')
      let ok = folders.get(folder)
      if (ok === undefined) {
        ok = isSearched(parts[i - 1]!) && lstatSync(join(root, ...parts.slice(0, i)), { throwIfNoEntry: false })?.isDirectory() === true
        folders.set(folder, ok)
      }
      if (!ok) return false
    }
    return true
  }
  return {
    readFile(key) {
      const parts = key.split('/')
      if (!key.endsWith('.py') || !reachable(parts)) return undefined
      const full = join(root, ...parts)
      const info = lstatSync(full, { throwIfNoEntry: false })
      if (!info?.isFile()) return undefined
      if (++count > maxPythonFiles) throw tooMany(shown, `more than ${maxPythonFiles.toLocaleString('en-US')} .py files`)
      bytes += info.size
      if (bytes > maxInputBytes) throw tooMany(shown, `more than ${maxInputBytes / 1024 / 1024} MiB of .py files`)
      return decodeText(readFileSync(full), `'${key}'`)
    },
    isFolder(key) {
      const parts = key.split('/')
      return reachable([...parts, '__init__.py'])
    },
  }
}

function tooMany(shown: string, what: string): InputError {
  return new InputError(`'${shown}' holds ${what}, more than nnsize reads for a model: give the model's own folder with --root DIR`, 'input-too-large')
}

/** A path with `/` separators, as the program's file keys are written. */
function toKey(relative: string): string {
  return relative.split(/[\\/]/).filter((p) => p !== '').join('/')
}

/** Whether a folder of that name is searched for modules: not hidden, not a cache or installed packages. */
function isSearched(name: string): boolean {
  return !name.startsWith('.') && !skippedFolders.has(name)
}

/**
 * The paths relative to `root` of the `.py` files under `dir` (regular files only, no links; folders as
 * {@link isSearched} and {@link maxPythonDepth} allow), in order, at most {@link maxEntriesSeen} entries looked at.
 */
async function pythonFileKeys(dir: string, root: string, shown: string): Promise<string[]> {
  const keys: string[] = []
  let seen = 0
  const pending: Array<[string, number]> = [[dir, 0]]
  while (pending.length > 0) {
    const [folder, depth] = pending.shift()!
    let entries: Array<import('node:fs').Dirent>
    try {
      entries = readdirSync(folder, { withFileTypes: true })
    } catch (error) {
      if (folder === dir) throw new InputError(`cannot read '${shown}': ${(error as { code?: string }).code ?? (error as Error).message}`, 'unreadable')
      continue
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      if (++seen > maxEntriesSeen) throw tooMany(shown, `more than ${maxEntriesSeen.toLocaleString('en-US')} entries`)
      const full = join(folder, entry.name)
      if (entry.isDirectory() && isSearched(entry.name) && depth < maxPythonDepth) pending.push([full, depth + 1])
      else if (entry.isFile() && entry.name.endsWith('.py')) keys.push(toKey(relative(root, full)))
    }
  }
  return keys
}
