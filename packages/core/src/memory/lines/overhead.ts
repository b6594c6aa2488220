import { line } from '../basis.js'
import type { MemoryLine } from '../basis.js'
import type { Resolved } from '../resolve.js'

/** The framework's own memory on each GPU: CUDA context and allocator reserve, stated as its own line. */
export function overheadLine(r: Resolved): MemoryLine {
  return line(r.options.overheadBytes, { kind: 'overhead', isDefault: r.defaultOverhead })
}
