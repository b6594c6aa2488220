import { formatBytes } from '../format/bytes.js'
import { accelerators, peakDTypes } from '../memory/gpus.js'
import type { Accelerator } from '../memory/gpus.js'
import type { Table } from './table.js'
import type { PresentOptions } from './words.js'

/** `3.35 TB/s`: a bandwidth in decimal units, as datasheets give it; `—` when unknown. */
export function formatBandwidth(bytesPerSecond: bigint | null): string {
  if (bytesPerSecond === null) return '—'
  const gb = Number(bytesPerSecond / 1_000_000n) / 1000
  return gb >= 1000 ? `${(gb / 1000).toFixed(2)} TB/s` : `${gb.toFixed(0)} GB/s`
}

/**
 * The accelerator catalogue as a table: id, name, memory (what software can allocate), bandwidth, and peak dense
 * TFLOP/s per number format (`—` where the datasheet gives none), then the other names accepted.
 */
export function acceleratorTable(options: PresentOptions = {}, list: readonly Accelerator[] = accelerators): Table {
  const units = options.units ?? 'iec'
  return {
    columns: [
      { key: 'id', header: 'GPU', align: 'left' },
      { key: 'name', header: 'Name', align: 'left' },
      { key: 'memory', header: 'Memory', align: 'right' },
      { key: 'bandwidth', header: 'Bandwidth', align: 'right' },
      ...peakDTypes.map((d) => ({ key: d, header: `${d} TFLOP/s`, align: 'right' as const })),
      { key: 'aliases', header: 'Also', align: 'left' },
    ],
    rows: list.map((a) => [
      a.id,
      a.name,
      formatBytes(a.bytes, units),
      formatBandwidth(a.bandwidthBytesPerSecond),
      ...peakDTypes.map((d) => (a.peakTflops[d] === undefined ? '—' : String(a.peakTflops[d]))),
      a.aliases.join(', '),
    ]),
  }
}
