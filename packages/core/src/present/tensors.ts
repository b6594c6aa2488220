import type { Analysis } from '../analyze.js'
import { formatBytes } from '../format/bytes.js'
import type { ByteUnits } from '../format/bytes.js'
import { formatCount } from '../format/number.js'
import { formatShape } from '../tensor/shape.js'
import type { Table } from './table.js'

/** Every parameter and buffer: name, kind, shape, dtype, elements, bytes, trainable. */
export function tensorTable(analysis: Pick<Analysis, 'tensors'>, options: { units?: ByteUnits | undefined; raw?: boolean | undefined } = {}): Table {
  const units = options.units ?? 'iec'
  if (options.raw) {
    return {
      columns: [
        { key: 'name', header: 'name', align: 'left' },
        { key: 'kind', header: 'kind', align: 'left' },
        { key: 'shape', header: 'shape', align: 'left' },
        { key: 'dtype', header: 'dtype', align: 'left' },
        { key: 'elements', header: 'elements', align: 'right' },
        { key: 'bytes', header: 'bytes', align: 'right' },
        { key: 'trainable', header: 'trainable', align: 'left' },
      ],
      rows: analysis.tensors.map((t) => [t.name, t.kind, t.shape.join('x'), t.dtype, t.elementCount.toString(), t.bytes.toString(), String(t.trainable)]),
    }
  }
  const notes = analysis.tensors.map((t) => (t.kind === 'buffer' ? (t.persistent ? 'buffer' : 'buffer, not in state_dict') : t.trainable ? '' : 'frozen'))
  // the note column only when a tensor has one (a buffer, a frozen parameter)
  const withNotes = notes.some((n) => n !== '')
  return {
    columns: [
      { key: 'name', header: 'Tensor', align: 'left' },
      { key: 'shape', header: 'Shape', align: 'left' },
      { key: 'dtype', header: 'dtype', align: 'left' },
      { key: 'elements', header: 'Elements', align: 'right' },
      { key: 'bytes', header: 'Bytes', align: 'right' },
      ...(withNotes ? [{ key: 'note', header: 'Note', align: 'left' } as const] : []),
    ],
    rows: analysis.tensors.map((t, i) => [t.name, formatShape(t.shape), t.dtype, formatCount(t.elementCount), formatBytes(t.bytes, units), ...(withNotes ? [notes[i]!] : [])]),
  }
}
