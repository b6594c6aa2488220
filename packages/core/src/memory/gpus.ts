import { NnsizeError } from '../errors.js'
import { didYouMean, suggest } from '../suggest.js'
import { parseByteSize } from './units.js'
import { fieldError } from '../request/field-errors.js'

/** Number formats an accelerator's peak throughput is given in. */
export const peakDTypes = ['fp32', 'tf32', 'bf16', 'fp16', 'fp8', 'fp4', 'int8'] as const

/** A number format of {@link peakDTypes}. */
export type PeakDType = (typeof peakDTypes)[number]

/** An accelerator of the catalogue, with its memory capacity in exact bytes. */
export interface Accelerator {
  /** Identifier used on the command line (`h100-80gb`). */
  id: string
  /** Display name (`NVIDIA H100 80GB`). */
  name: string
  /** Memory capacity in bytes. */
  bytes: bigint
  /**
   * Where the figure comes from: `nvml` is the total that NVML (`nvidia-smi`, `torch.cuda.mem_get_info`) reports,
   * i.e. what software can use, after the driver's and ECC's reservations; `rocm` the same from ROCm SMI; `spec`
   * the vendor's physical capacity (the OS or runtime keeps some of it).
   */
  basis: 'nvml' | 'rocm' | 'spec'
  /** Other spellings accepted (`h100`, `a100`, `4090`). */
  aliases: readonly string[]
  /** A short caveat shown in docs. */
  note?: string
  /** Peak memory bandwidth in bytes per second (vendor datasheet); null when it depends on the exact part. */
  bandwidthBytesPerSecond: bigint | null
  /** Peak dense (no structured sparsity) throughput in TFLOP/s (TOP/s for int8) per number format, from the datasheet. */
  peakTflops: Readonly<Partial<Record<PeakDType, number>>>
}

/** Speed figures of one accelerator: bandwidth in GB/s (10^9 bytes) and dense peaks in TFLOP/s. */
interface Speed {
  gbps: number | null
  peak: Partial<Record<PeakDType, number>>
}

const MiB = 1024n ** 2n
const GiB = 1024n ** 3n

const accelerator = (id: string, name: string, bytes: bigint, basis: Accelerator['basis'], speed: Speed, aliases: string[] = [], note?: string): Accelerator => ({
  id,
  name,
  bytes,
  basis,
  aliases,
  ...(note ? { note } : {}),
  bandwidthBytesPerSecond: speed.gbps === null ? null : BigInt(Math.round(speed.gbps * 1000)) * 1_000_000n,
  peakTflops: speed.peak,
})

const appleSizes = [8, 16, 18, 24, 32, 36, 48, 64, 96, 128, 192, 256, 512]

// Speed figures are the vendors' datasheet values, dense (the "with sparsity" figures halved away). Sources:
// T4: https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/tesla-t4/t4-tensor-core-datasheet-951643.pdf
// L4: https://resources.nvidia.com/en-us-data-center-overview/l4-gpu-datasheet
// A10: https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a10/pdf/a10-datasheet.pdf
// L40S: https://resources.nvidia.com/en-us-l40s/l40s-datasheet-28413
// RTX 3090: NVIDIA Ampere GA102 GPU Architecture whitepaper, appendix A (FP16/BF16 with FP32 accumulate)
// RTX 4090: NVIDIA Ada GPU Architecture whitepaper, appendix A (FP16/BF16 with FP32 accumulate)
// RTX 5090: NVIDIA RTX Blackwell GPU Architecture whitepaper, appendix A (FP16/BF16 with FP32 accumulate)
// A100: https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf (SXM)
// H100: https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet (SXM)
// H200: https://nvdam.widen.net/s/nb5zzzsjdf/hpc-datasheet-sc23-h200-datasheet-3002446 (SXM)
// B200: https://resources.nvidia.com/en-us-dgx-systems/dgx-b200-datasheet (DGX B200 totals ÷ 8 GPUs)
// MI300X: https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/data-sheets/amd-instinct-mi300x-data-sheet.pdf
// TPU v5e: https://cloud.google.com/tpu/docs/v5e
const speed = {
  t4: { gbps: 320, peak: { fp32: 8.1, fp16: 65, int8: 130 } },
  l4: { gbps: 300, peak: { fp32: 30.3, tf32: 60, bf16: 121, fp16: 121, fp8: 242.5, int8: 242.5 } },
  a10: { gbps: 600, peak: { fp32: 31.2, tf32: 62.5, bf16: 125, fp16: 125, int8: 250 } },
  l40s: { gbps: 864, peak: { fp32: 91.6, tf32: 183, bf16: 362.05, fp16: 362.05, fp8: 733, int8: 733 } },
  rtx3090: { gbps: 936, peak: { fp32: 35.6, tf32: 35.6, bf16: 71, fp16: 71, int8: 284 } },
  rtx4090: { gbps: 1008, peak: { fp32: 82.6, tf32: 82.6, bf16: 165.2, fp16: 165.2 } },
  rtx5090: { gbps: 1792, peak: { fp32: 104.8, bf16: 209.5, fp16: 209.5 } },
  a100_40: { gbps: 1555, peak: { fp32: 19.5, tf32: 156, bf16: 312, fp16: 312, int8: 624 } },
  a100_80: { gbps: 2039, peak: { fp32: 19.5, tf32: 156, bf16: 312, fp16: 312, int8: 624 } },
  h100: { gbps: 3350, peak: { fp32: 67, tf32: 494.5, bf16: 989.5, fp16: 989.5, fp8: 1979, int8: 1979 } },
  h200: { gbps: 4800, peak: { fp32: 67, tf32: 494.5, bf16: 989.5, fp16: 989.5, fp8: 1979, int8: 1979 } },
  b200: { gbps: 8000, peak: { tf32: 1125, bf16: 2250, fp16: 2250, fp8: 4500, fp4: 9000, int8: 4500 } },
  mi300x: { gbps: 5300, peak: { fp32: 163.4, tf32: 653.7, bf16: 1307.4, fp16: 1307.4, fp8: 2614.9, int8: 2614.9 } },
  tpuV5e: { gbps: 819, peak: { bf16: 197, int8: 394 } },
  // Apple M-series: bandwidth and compute depend on the chip (M3 Max: 300 or 400 GB/s), not on the memory size.
  apple: { gbps: null, peak: {} },
} satisfies Record<string, Speed>

/**
 * The accelerator catalogue. NVIDIA figures are the totals NVML reports (`memory.total` of `nvidia-smi`, in MiB),
 * which is the honest ceiling for allocations; marketing "GB" figures are larger or rounded.
 */
export const accelerators: readonly Accelerator[] = [
  accelerator('t4', 'NVIDIA T4 16GB', 15n * GiB, 'nvml', speed.t4, ['tesla-t4']),
  accelerator('l4', 'NVIDIA L4 24GB', 23034n * MiB, 'nvml', speed.l4),
  accelerator('a10', 'NVIDIA A10 24GB', 23028n * MiB, 'nvml', speed.a10, ['a10g']),
  accelerator('l40s', 'NVIDIA L40S 48GB', 46068n * MiB, 'nvml', speed.l40s),
  accelerator('rtx-3090', 'NVIDIA GeForce RTX 3090 24GB', 24268n * MiB, 'nvml', speed.rtx3090, ['3090'], 'Drivers report 24,264 to 24,268 MiB; the board has 24 GiB.'),
  accelerator('rtx-4090', 'NVIDIA GeForce RTX 4090 24GB', 24564n * MiB, 'nvml', speed.rtx4090, ['4090']),
  accelerator('rtx-5090', 'NVIDIA GeForce RTX 5090 32GB', 32607n * MiB, 'nvml', speed.rtx5090, ['5090']),
  accelerator('a100-40gb', 'NVIDIA A100 40GB', 40n * GiB, 'nvml', speed.a100_40, ['a100-40']),
  accelerator('a100-80gb', 'NVIDIA A100 80GB', 80n * GiB, 'nvml', speed.a100_80, ['a100', 'a100-80']),
  accelerator('h100-80gb', 'NVIDIA H100 80GB', 81559n * MiB, 'nvml', speed.h100, ['h100', 'h100-80', 'h100-sxm', 'h100-pcie'], 'Speed figures are the SXM part’s (the PCIe card: 2.0 TB/s, 756 TFLOP/s bf16).'),
  accelerator('h200', 'NVIDIA H200 141GB', 143771n * MiB, 'nvml', speed.h200, ['h200-141gb']),
  accelerator('b200', 'NVIDIA B200 192GB', 183359n * MiB, 'nvml', speed.b200, ['b200-192gb'], 'Sold as 192 GB; HGX/DGX B200 boards expose 183,359 MiB (179 GiB).'),
  accelerator('mi300x', 'AMD Instinct MI300X 192GB', 205822885888n, 'rocm', speed.mi300x, ['mi300x-192gb', 'mi300']),
  accelerator('tpu-v5e', 'Google TPU v5e 16GB', 16n * GiB, 'spec', speed.tpuV5e, ['v5e', 'tpu-v5-lite'], '16 GiB of HBM2 per chip.'),
  ...appleSizes.map((gb) =>
    accelerator(
      `apple-${gb}gb`,
      `Apple M-series ${gb}GB unified memory`,
      BigInt(gb) * GiB,
      'spec',
      speed.apple,
      [`m-${gb}gb`, `mac-${gb}gb`],
      'Unified memory shared with the OS; by default macOS lets the GPU wire about two thirds to three quarters of it (`iogpu.wired_limit_mb` raises the limit).',
    ),
  ),
]

/**
 * A GPU name as people type it, in the catalogue's spelling: lower case, no `NVIDIA`/`GeForce`/`AMD` prefix, words
 * joined by `-`; `rtx4090` → `rtx-4090`; an Apple chip with its memory (`m3-max-128`, `M2 Ultra 192GB`) → `apple-128gb`.
 */
function normalise(s: string): string {
  const key = s
    .trim()
    .toLowerCase()
    .replace(/^(?:nvidia|amd|geforce|radeon|instinct)[\s-]*/g, '')
    .replace(/^(?:geforce|instinct)[\s-]*/, '')
    .replace(/[\s_]+/g, '-')
  const rtx = /^rtx-?(\d{4})$/.exec(key)
  if (rtx) return `rtx-${rtx[1]}`
  const apple = /^(?:apple-)?m\d(?:-?(?:pro|max|ultra))?-(\d+)(?:-?gb)?$/.exec(key)
  if (apple) return `apple-${apple[1]}gb`
  return key
}

/** Finds an accelerator by id or alias (`h100`, `H100-80GB`, `rtx4090`, `4090`, `m3-max-128`); unknown names get "did you mean". */
export function findAccelerator(name: string): Accelerator {
  const key = normalise(name)
  for (const a of accelerators) {
    if (a.id === key || a.aliases.includes(key)) return a
  }
  const suggestions = suggest(key, accelerators.flatMap((a) => [a.id, ...a.aliases])).slice(0, 3)
  // a bare number is a GPU model number, never a byte count
  const unit = /^\d+(?:\.\d+)?$/.test(key) ? ` A memory size needs a unit: \`${key}GiB\`, \`${key}GB\`.` : ''
  throw new NnsizeError(
    'option',
    `Unknown GPU \`${name}\`.${didYouMean(suggestions)}${unit} Known: ${accelerators.map((a) => `\`${a.id}\``).join(', ')}; or give a size such as \`24GiB\`.`,
    { suggestions },
  )
}

/** An accelerator of a given capacity and unknown speed (`--gpu 24GiB`). */
export function customAccelerator(bytes: bigint): Accelerator {
  if (bytes <= 0n) throw fieldError('gpu', 'gpu', 'memory must be positive.')
  return { id: 'custom', name: '', bytes, basis: 'spec', aliases: [], bandwidthBytesPerSecond: null, peakTflops: {} }
}

/**
 * What a `--gpu` value names: a catalogue GPU (`h100`, `4090`, `m3-max-128`), else a memory size with its unit
 * (`24GiB`, `80GB`) as an accelerator of that capacity (`id: 'custom'`, no speed figures). A bare number is a GPU
 * model number, never a byte count.
 */
export function parseAccelerator(text: string): Accelerator {
  const key = normalise(text)
  const known = accelerators.find((a) => a.id === key || a.aliases.includes(key))
  if (known) return known
  if (/^\s*\d[\d.]*\s*[a-z]+\s*$/i.test(text)) {
    return customAccelerator(parseByteSize(text, 'gpu', 'gpu'))
  }
  return findAccelerator(text)
}
