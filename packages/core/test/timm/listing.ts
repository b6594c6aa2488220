import { createHash } from 'node:crypto'
import { buffersOf, namedTensors, paramsOf, walkModules } from '../../src/model/module.js'
import type { ModuleNode } from '../../src/model/module.js'

/**
 * The listings PyTorch prints for a module, one line per entry, in the format of
 * `generate.py`: `state_dict()` (`name:shape:dtype`), `named_parameters()` (`…:requires_grad`),
 * `named_buffers()` (`…:persistent`) and `named_modules()` (`name:Class`).
 */
export interface Listings {
  state_dict: string[]
  parameters: string[]
  buffers: string[]
  modules: string[]
}

/** The four listings of `root`. */
export function listings(root: ModuleNode): Listings {
  const walked = walkModules(root)
  const stateDict: string[] = []
  for (const { path, node } of walked) {
    const prefix = path === '' ? '' : `${path}.`
    for (const [name, t] of paramsOf(node)) if (t) stateDict.push(`${prefix}${name}:${t.shape.join(',')}:${t.dtype}`)
    for (const [name, t] of buffersOf(node)) if (t && t.persistent) stateDict.push(`${prefix}${name}:${t.shape.join(',')}:${t.dtype}`)
  }
  return {
    state_dict: stateDict,
    parameters: namedTensors(root, 'parameter').map(([name, t]) => `${name}:${t.shape.join(',')}:${t.dtype}:${t.requiresGrad ? 1 : 0}`),
    buffers: namedTensors(root, 'buffer').map(([name, t]) => `${name}:${t.shape.join(',')}:${t.dtype}:${t.persistent ? 1 : 0}`),
    modules: walked.map(({ path, node }) => `${path}:${node.type}`),
  }
}

/** The first 16 hex digits of the SHA-256 of the lines joined by newlines, as `generate.py` writes them. */
export function listingHash(lines: readonly string[]): string {
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)
}
