import { NnsizeError } from '../errors.js'
import { didYouMean, suggest } from '../suggest.js'

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
  /** Other spellings accepted (`h100`, `a100`). */
  aliases: readonly string[]
  /** A short caveat shown in docs. */
  note?: string
}

const MiB = 1024n ** 2n
const GiB = 1024n ** 3n

const accelerator = (id: string, name: string, bytes: bigint, basis: Accelerator['basis'], aliases: string[] = [], note?: string): Accelerator => ({
  id,
  name,
  bytes,
  basis,
  aliases,
  ...(note ? { note } : {}),
})

const appleSizes = [8, 16, 18, 24, 32, 36, 48, 64, 96, 128, 192, 256, 512]

/**
 * The accelerator catalogue. NVIDIA figures are the totals NVML reports (`memory.total` of `nvidia-smi`, in MiB),
 * which is the honest ceiling for allocations; marketing "GB" figures are larger or rounded.
 */
export const accelerators: readonly Accelerator[] = [
  accelerator('t4', 'NVIDIA T4 16GB', 15n * GiB, 'nvml', ['tesla-t4']),
  accelerator('l4', 'NVIDIA L4 24GB', 23034n * MiB, 'nvml'),
  accelerator('a10', 'NVIDIA A10 24GB', 23028n * MiB, 'nvml', ['a10g']),
  accelerator('l40s', 'NVIDIA L40S 48GB', 46068n * MiB, 'nvml'),
  accelerator('rtx-3090', 'NVIDIA GeForce RTX 3090 24GB', 24268n * MiB, 'nvml', ['3090'], 'Drivers report 24,264 to 24,268 MiB; the board has 24 GiB.'),
  accelerator('rtx-4090', 'NVIDIA GeForce RTX 4090 24GB', 24564n * MiB, 'nvml', ['4090']),
  accelerator('rtx-5090', 'NVIDIA GeForce RTX 5090 32GB', 32607n * MiB, 'nvml', ['5090']),
  accelerator('a100-40gb', 'NVIDIA A100 40GB', 40n * GiB, 'nvml', ['a100-40']),
  accelerator('a100-80gb', 'NVIDIA A100 80GB', 80n * GiB, 'nvml', ['a100', 'a100-80']),
  accelerator('h100-80gb', 'NVIDIA H100 80GB', 81559n * MiB, 'nvml', ['h100', 'h100-80', 'h100-sxm', 'h100-pcie']),
  accelerator('h200', 'NVIDIA H200 141GB', 143771n * MiB, 'nvml', ['h200-141gb']),
  accelerator('b200', 'NVIDIA B200 192GB', 183359n * MiB, 'nvml', ['b200-192gb'], 'Sold as 192 GB; HGX/DGX B200 boards expose 183,359 MiB (179 GiB).'),
  accelerator('mi300x', 'AMD Instinct MI300X 192GB', 205822885888n, 'rocm', ['mi300x-192gb']),
  accelerator('tpu-v5e', 'Google TPU v5e 16GB', 16n * GiB, 'spec', ['v5e', 'tpu-v5-lite'], '16 GiB of HBM2 per chip.'),
  ...appleSizes.map((gb) =>
    accelerator(
      `apple-${gb}gb`,
      `Apple M-series ${gb}GB unified memory`,
      BigInt(gb) * GiB,
      'spec',
      [`m-${gb}gb`, `mac-${gb}gb`],
      'Unified memory shared with the OS; by default macOS lets the GPU wire about two thirds to three quarters of it (`iogpu.wired_limit_mb` raises the limit).',
    ),
  ),
]

const normalise = (s: string): string => s.toLowerCase().replace(/^nvidia[\s-]*/, '').replace(/[\s_]+/g, '-')

/** Finds an accelerator by id or alias (`h100`, `H100-80GB`, `rtx-4090`); unknown names get "did you mean". */
export function findAccelerator(name: string): Accelerator {
  const key = normalise(name.trim())
  for (const a of accelerators) {
    if (a.id === key || a.aliases.includes(key)) return a
  }
  const suggestions = suggest(key, accelerators.flatMap((a) => [a.id, ...a.aliases])).slice(0, 3)
  throw new NnsizeError(
    'option',
    `Unknown GPU \`${name}\`.${didYouMean(suggestions)} Known: ${accelerators.map((a) => `\`${a.id}\``).join(', ')}; or give a size such as \`24GiB\`.`,
    { suggestions },
  )
}
