import { NnsizeError } from '../errors.js'
import { Source } from './bytes.js'
import { baseName, folderOf } from './paths.js'
import type { ByteReader } from './reader.js'

/**
 * The files given to one analysis, by name. Names are paths relative to the folder the user gave (or bare
 * file names); a file is found by its path relative to another file's folder, or by its bare name when
 * that is unambiguous.
 */
export class FileSet {
  readonly sources: Source[]
  readonly #byName = new Map<string, Source>()
  readonly #byBase = new Map<string, Source[]>()

  constructor(readers: readonly ByteReader[]) {
    this.sources = readers.map((r) => Source.from(r))
    for (const s of this.sources) {
      const name = normalise(s.name)
      if (this.#byName.has(name)) throw new NnsizeError('option', `Two files are named \`${s.name}\`; give each file once.`)
      this.#byName.set(name, s)
      const base = baseName(name)
      this.#byBase.set(base, [...(this.#byBase.get(base) ?? []), s])
    }
  }

  /** The file at `relative` from the folder of `from` (or by name alone when only one file has it). */
  find(relative: string, from?: string): Source | undefined {
    const path = normalise((from === undefined ? '' : folderOf(normalise(from))) + relative)
    const exact = this.#byName.get(path)
    if (exact) return exact
    const byBase = this.#byBase.get(baseName(path))
    return byBase?.length === 1 ? byBase[0] : undefined
  }
}

/** `./a//b/../c` → `a/c`; backslashes read as slashes. */
export function normalise(path: string): string {
  const out: string[] = []
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop()
    else out.push(part)
  }
  return (path.startsWith('/') ? '/' : '') + out.join('/')
}
