import type { ArgSpec } from '../../bind/args.js'
import { bool, float, floats, int } from '../../bind/args.js'
import type { OptimizerDefinition } from './define.js'
import { checks, defineOptimizer, ignored, like } from './define.js'

type Base = 'Adam' | 'AdamW' | 'Lion'
type Variant = '' | '8bit' | '32bit'

interface BnbArgs {
  lr: number
  betas: Array<number | null>
  eps: number
  weight_decay: number
  amsgrad: boolean
  optim_bits: number
  min_8bit_size: number
}

function accounting(states: readonly string[], variant: Variant, paged: boolean): string {
  const names = states.map((s) => `\`${s}\``).join(' + ')
  const maps = states.map((_, i) => `\`qmap${i + 1}\``).join(', ')
  const eight = `${names} in uint8, plus one float32 \`absmax${states.length > 1 ? '1`/`absmax2' : '1'}\` scale per block of 256 elements; parameters with fewer than \`min_8bit_size\` (4096) elements keep float32 states; the 256-entry float32 quantisation map${states.length > 1 ? 's' : ''} (${maps}) ${states.length > 1 ? 'are' : 'is'} shared by all parameters`
  const body = variant === '8bit' ? eight : variant === '32bit' ? `${names} in float32, whatever the parameter dtype` : `${names} in float32 (with \`optim_bits=8\`: ${eight})`
  const pagedNote = paged ? ' Paged: states of 100,000+ elements live in CUDA unified memory, which the driver may evict to CPU RAM under pressure; counted on the GPU here.' : ''
  return `${body}; \`step\` is a Python int.${pagedNote}`
}

/** One of bitsandbytes' optimizers (`Optimizer1State` / `Optimizer2State`): 8-bit states in blocks of 256, or 32-bit. */
function bitsandbytes(base: Base, variant: Variant, paged: boolean): OptimizerDefinition<BnbArgs> {
  const name = `${paged ? 'Paged' : ''}${base}${variant}`
  const twoState = base !== 'Lion'
  const hasOptimBits = variant === '' || (twoState && variant === '8bit')
  const signature: ArgSpec[] =
    base === 'Lion'
      ? [float('lr', { default: 1e-4 }), floats('betas', 2, { default: [0.9, 0.99] }), float('weight_decay', { default: 0 })]
      : [float('lr', { default: 1e-3 }), floats('betas', 2, { default: [0.9, 0.999] }), float('eps', { default: 1e-8 }), float('weight_decay', { default: base === 'AdamW' ? 1e-2 : 0 }), bool('amsgrad', { default: false })]
  if (hasOptimBits) signature.push(int('optim_bits', { default: 32, min: 1 }))
  signature.push(ignored('args'), int('min_8bit_size', { default: 4096 }), bool('is_paged', { default: false }))
  const bitsOf = (a: BnbArgs): number => (variant === '8bit' ? 8 : variant === '32bit' ? 32 : a.optim_bits)
  const shortPrefix = `${paged ? 'paged_' : ''}${base.toLowerCase()}`
  const states = twoState ? ['state1', 'state2'] : ['state1']
  return defineOptimizer<BnbArgs>({
    name,
    library: 'bitsandbytes',
    qualifiedNames: [`bnb.optim.${name}`, `bitsandbytes.optim.${name}`, ...(variant === '' && !paged ? [] : [name])],
    shortNames: variant === '' ? [`${shortPrefix}_bnb`] : [`${shortPrefix}_${variant}`, `${shortPrefix}_bnb_${variant}`],
    signature,
    statefulParameters: 'trainable',
    validate(a, fail) {
      if (variant === '8bit' && twoState && a.amsgrad) fail('amsgrad', `${name} does not support amsgrad=True`)
      if (variant === '8bit' && twoState && a.optim_bits !== 32) fail('optim_bits', `${name} only supports optim_bits=32 (default value for compatibility)`)
      if (variant === '' && a.optim_bits !== 8 && a.optim_bits !== 32) fail('optim_bits', `Amount of optimizer bits not supported: ${a.optim_bits}`)
      checks.lr(a.lr, fail)
      if (twoState) checks.eps(a.eps, fail)
      checks.betas(a.betas, fail)
      checks.weightDecay(a.weight_decay, fail)
    },
    perParameter(p, a) {
      const eightBit = bitsOf(a) === 8 && p.elements >= BigInt(a.min_8bit_size)
      if (!eightBit) return states.map((s) => like(s, p, 'float32'))
      const blocks = (p.elements + 255n) / 256n
      return [...states.map((s) => like(s, p, 'uint8')), ...states.map((_, i) => ({ name: `absmax${i + 1}`, dtype: 'float32' as const, elements: blocks }))]
    },
    shared(params, a) {
      if (bitsOf(a) !== 8 || !params.some((p) => p.elements >= BigInt(a.min_8bit_size))) return []
      return states.map((_, i) => ({ name: `qmap${i + 1}`, dtype: 'float32' as const, elements: 256n }))
    },
    accounting: () => accounting(states, variant, paged),
    source: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/main/bitsandbytes/optim/optimizer.py (Optimizer2State.init_state / Optimizer1State.init_state)',
  })
}

/** Every bitsandbytes optimizer: Adam, AdamW and Lion, each plain, 8-bit and 32-bit, each paged or not. */
export const bitsandbytesOptimizers: readonly OptimizerDefinition<BnbArgs>[] = (['Adam', 'AdamW', 'Lion'] as const).flatMap((base) =>
  (['', '8bit', '32bit'] as const).flatMap((variant) => [bitsandbytes(base, variant, false), bitsandbytes(base, variant, true)]),
)
