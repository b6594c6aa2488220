import type { Analysis } from '../analyze.js'
import { formatBytes } from '../format/bytes.js'
import type { ByteUnits } from '../format/bytes.js'
import { formatCount } from '../format/number.js'
import { formatShape } from '../tensor/shape.js'
import type { Table } from './table.js'

/**
 * Every parameter and buffer: name, kind, shape, dtype, elements, bytes, trainable. With `limit`, only the first
 * `limit` tensors get rows (`rowCount` says how many there are), so a long list cut short is not formatted in full.
 */
export function tensorTable(analysis: Pick<Analysis, 'tensors'>, options: { units?: ByteUnits | undefined; raw?: boolean | undefined; limit?: number | undefined } = {}): Table {
  const units = options.units ?? 'iec'
  const tensors = options.limit === undefined ? analysis.tensors : analysis.tensors.slice(0, Math.max(0, options.limit))
  const rowCount = analysis.tensors.length
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
      rows: tensors.map((t) => [t.name, t.kind, t.shape.join('x'), t.dtype, t.elementCount.toString(), t.bytes.toString(), String(t.trainable)]),
      rowCount,
    }
  }
  const noteOf = (t: Analysis['tensors'][number]): string => (t.kind === 'buffer' ? (t.persistent ? 'buffer' : 'buffer, not in state_dict') : t.trainable ? '' : 'frozen')
  // the note column only when a tensor has one (a buffer, a frozen parameter), shown or not
  const withNotes = analysis.tensors.some((t) => noteOf(t) !== '')
  return {
    columns: [
      { key: 'name', header: 'Tensor', align: 'left' },
      { key: 'shape', header: 'Shape', align: 'left' },
      { key: 'dtype', header: 'dtype', align: 'left' },
      { key: 'elements', header: 'Elements', align: 'right' },
      { key: 'bytes', header: 'Bytes', align: 'right' },
      ...(withNotes ? [{ key: 'note', header: 'Note', align: 'left' } as const] : []),
    ],
    rows: tensors.map((t) => {
      const row = [t.name, formatShape(t.shape), t.dtype, formatCount(t.elementCount), formatBytes(t.bytes, units)]
      if (withNotes) row.push(noteOf(t))
      return row
    }),
    rowCount,
  }
}
