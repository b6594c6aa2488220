import { join } from 'node:path'
import type { KeptTreeStore } from '@nnsize/core'
import { noteCodePath } from './code-path.js'

/** What bin/nnsize.cjs keeps from one run to the next in its cache folder (see the launcher). */
interface KeptEntries {
  read(kind: string, key: string): string | undefined
  write(kind: string, key: string, make: () => string): void
}

/**
 * The syntax trees of the Python files under `root` (an absolute folder) kept between runs, through the launcher's
 * kept entries, each by its file's absolute path: the core uses one only for the exact text it was parsed from.
 * Undefined where the launcher keeps nothing (tests, a cache switched off, a folder that is not the user's own).
 */
export function keptTreeStore(root: string): KeptTreeStore | undefined {
  const kept = (globalThis as Record<symbol, unknown>)[Symbol.for('nnsize.keptEntries')] as KeptEntries | undefined
  if (kept === undefined) return undefined
  return {
    read: (path) => {
      const entry = kept.read('tree', join(root, path))
      // reading a kept tree runs code that parsing does not: the code cache is written again with it
      if (entry !== undefined) noteCodePath('input:kept-tree')
      return entry
    },
    write: (path, entry) => kept.write('tree', join(root, path), entry),
  }
}
