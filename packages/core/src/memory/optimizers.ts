import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { bindArguments } from '../bind/bind.js'
import type { ArgSpec } from '../bind/args.js'
import { parseExpression } from '../python/parse.js'
import { spanOf } from '../python/ast.js'
import type { Expr } from '../python/ast.js'
import type { ArgValue } from '../interpret/values.js'
import { showValue } from '../interpret/values.js'
import { didYouMean, suggest } from '../suggest.js'
import { dtypeBytes } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { numel } from '../tensor/shape.js'
import { choice, constantValue, flag, floatOrNone, floats, ignored, integer, num, pyFloat } from './values.js'

/** A parameter as the optimizer sees it: `Analysis.tensors` entries fit (buffers are skipped). */
export interface OptimizerTensor {
  name: string
  shape: readonly number[]
  dtype: DType
  /** `requires_grad`: only these receive a gradient, and so state. */
  trainable: boolean
  /** `parameter` or `buffer`; buffers are never optimised. Absent means parameter. */
  kind?: 'parameter' | 'buffer'
  /** True when its gradient is sparse (`nn.Embedding(..., sparse=True)`); only `SparseAdam` needs this. */
  sparseGradient?: boolean
  /** The element count, when already known (`TensorEntry.elementCount`); otherwise computed from the shape. */
  elementCount?: bigint
}

/** One kind of state tensor, summed over the parameters that hold it. */
export interface OptimizerStateEntry {
  /** The key in PyTorch's per-parameter state dict (`exp_avg`, `step`, `absmax1`). */
  name: string
  dtype: DType
  /** Elements summed over every parameter holding this entry. */
  elements: bigint
  bytes: bigint
  /** How many tensors (one per parameter, or 1 for state shared by the whole optimizer). */
  tensors: number
}

/** A parsed optimizer: which class, with which arguments (defaults filled in). */
export interface OptimizerSpec {
  /** Class name (`AdamW`, `AdamW8bit`). */
  name: string
  /** Fully qualified name (`torch.optim.AdamW`, `bnb.optim.AdamW8bit`). */
  qualifiedName: string
  /** Where it comes from (`torch.optim`, `bitsandbytes`, `transformers`, …). */
  library: string
  /** Arguments after binding, defaults included. */
  args: Readonly<Record<string, unknown>>
  /** The arguments given explicitly, as `name=value` text. */
  givenArgs: readonly string[]
  /** `torch.optim.AdamW(lr=0.0001)`: the canonical spelling. */
  text: string
  /** What the optimizer keeps per parameter, in one sentence. */
  accounting: string
  /** Where the accounting comes from (source file or documentation). */
  source: string
}

/** What {@link optimizerStateBreakdown} returns. */
export interface OptimizerStateBreakdown {
  optimizer: OptimizerSpec
  /** Total bytes of optimizer state. */
  bytes: bigint
  /** One entry per state key and dtype. */
  entries: OptimizerStateEntry[]
  /** Parameters that hold state. */
  statefulParameters: number
}

type Args = Record<string, unknown>
type Fail = (arg: string | null, message: string) => never
interface Sized extends OptimizerTensor {
  elements: bigint
}
interface State {
  name: string
  dtype: DType
  elements: bigint
}

interface OptimizerDefinition {
  name: string
  library: string
  /** Accepted dotted spellings; the first is canonical. */
  qualifiedNames: readonly string[]
  /** Short names (`adamw`, `paged_adamw_8bit`), compared without case, `-`, `_` and `.`. */
  shortNames: readonly string[]
  signature: readonly ArgSpec[]
  validate?: (args: Args, fail: Fail) => void
  /** Which parameters hold state: those that get a gradient, or all (Adagrad creates state in its constructor). */
  statefulParameters: 'trainable' | 'all'
  perParameter?: (t: Sized, args: Args) => State[]
  /** State held once for the whole optimizer (LBFGS's history, bitsandbytes' quantisation maps). */
  shared?: (stateful: readonly Sized[], args: Args) => State[]
  /** Extra checks on the parameters (SparseAdam needs sparse gradients). */
  checkTensors?: (stateful: readonly Sized[]) => void
  accounting: string
  source: string
}

const like = (name: string, t: Sized, dtype: DType = t.dtype): State => ({ name, dtype, elements: t.elements })
const scalar = (name: string): State => ({ name, dtype: 'float32', elements: 1n })
const n = (args: Args, name: string): number => args[name] as number
const pair = (args: Args, name: string): Array<number | null> => args[name] as Array<number | null>

function checkLr(args: Args, fail: Fail, strict = false): void {
  const lr = args['lr']
  if (typeof lr === 'number' && (strict ? !(lr > 0) : lr < 0)) fail('lr', `Invalid learning rate: ${pyFloat(lr)}`)
}
function checkEps(args: Args, fail: Fail, strict = false): void {
  const eps = args['eps']
  if (typeof eps === 'number' && (strict ? !(eps > 0) : eps < 0)) fail('eps', `Invalid epsilon value: ${pyFloat(eps)}`)
}
function checkBetas(args: Args, fail: Fail): void {
  pair(args, 'betas').forEach((b, i) => {
    if (b !== null && !(b >= 0 && b < 1)) fail('betas', `Invalid beta parameter at index ${i}: ${pyFloat(b)}`)
  })
}
function checkWeightDecay(args: Args, fail: Fail): void {
  const wd = args['weight_decay']
  if (typeof wd === 'number' && wd < 0) fail('weight_decay', `Invalid weight_decay value: ${pyFloat(wd)}`)
}
const adamLike = (args: Args, fail: Fail): void => {
  checkLr(args, fail)
  checkEps(args, fail)
  checkBetas(args, fail)
  checkWeightDecay(args, fail)
}

const TORCH_DOCS = 'https://github.com/pytorch/pytorch/blob/v1.13.1/torch/optim'
const kw = { keywordOnly: true }
const torchExtras = (...names: string[]): ArgSpec[] => names.map((name) => ignored(name, kw))

function torchOptim(def: Omit<OptimizerDefinition, 'library' | 'qualifiedNames' | 'statefulParameters'> & { statefulParameters?: 'trainable' | 'all'; module?: string }): OptimizerDefinition {
  const { module, ...rest } = def
  return {
    library: 'torch.optim',
    qualifiedNames: [`torch.optim.${def.name}`, `optim.${def.name}`, def.name],
    statefulParameters: 'trainable',
    ...rest,
    source: rest.source || `${TORCH_DOCS}/${module ?? def.name.toLowerCase()}.py`,
  }
}

/** `zeros_like` state tensors for Adam-family moments. */
const moments = (t: Sized, ...names: string[]): State[] => names.map((name) => like(name, t))

const adamSignature = (weightDecay: number): ArgSpec[] => [
  num('lr', 1e-3),
  floats('betas', [0.9, 0.999]),
  num('eps', 1e-8),
  num('weight_decay', weightDecay),
  flag('amsgrad', false),
  ...torchExtras('foreach', 'maximize', 'capturable', 'differentiable', 'fused', 'decoupled_weight_decay'),
]

const adam = (name: 'Adam' | 'AdamW', weightDecay: number, shortNames: string[]): OptimizerDefinition =>
  torchOptim({
    name,
    shortNames,
    signature: adamSignature(weightDecay),
    validate: adamLike,
    perParameter: (t, a) => [scalar('step'), ...moments(t, 'exp_avg', 'exp_avg_sq', ...(a['amsgrad'] ? ['max_exp_avg_sq'] : []))],
    accounting: '`step` (float32 scalar) + `exp_avg` + `exp_avg_sq` (+ `max_exp_avg_sq` with `amsgrad=True`), each the shape and dtype of the parameter.',
    source: '',
  })

function bnbAccounting(states: readonly string[], variant: '' | '8bit' | '32bit', paged: boolean): string {
  const names = states.map((s) => `\`${s}\``).join(' + ')
  const maps = states.map((_, i) => `\`qmap${i + 1}\``).join(', ')
  const eight = `${names} in uint8, plus one float32 \`absmax${states.length > 1 ? '1`/`absmax2' : '1'}\` scale per block of 256 elements; parameters with fewer than \`min_8bit_size\` (4096) elements keep float32 states; the 256-entry float32 quantisation map${states.length > 1 ? 's' : ''} (${maps}) ${states.length > 1 ? 'are' : 'is'} shared by all parameters`
  const body = variant === '8bit' ? eight : variant === '32bit' ? `${names} in float32, whatever the parameter dtype` : `${names} in float32 (with \`optim_bits=8\`: ${eight})`
  const pagedNote = paged ? ' Paged: states of 100,000+ elements live in CUDA unified memory, which the driver may evict to CPU RAM under pressure; counted on the GPU here.' : ''
  return `${body}; \`step\` is a Python int.${pagedNote}`
}

/** bitsandbytes' 8-bit/32-bit optimizers (Optimizer1State / Optimizer2State). */
function bnb(base: 'Adam' | 'AdamW' | 'Lion', variant: '' | '8bit' | '32bit', paged: boolean): OptimizerDefinition {
  const name = `${paged ? 'Paged' : ''}${base}${variant}`
  const twoState = base !== 'Lion'
  const hasOptimBits = variant === '' || (twoState && variant === '8bit')
  const signature: ArgSpec[] = base === 'Lion'
    ? [num('lr', 1e-4), floats('betas', [0.9, 0.99]), num('weight_decay', 0)]
    : [num('lr', 1e-3), floats('betas', [0.9, 0.999]), num('eps', 1e-8), num('weight_decay', base === 'AdamW' ? 1e-2 : 0), flag('amsgrad', false)]
  if (hasOptimBits) signature.push(integer('optim_bits', 32, 1))
  signature.push(ignored('args'), integer('min_8bit_size', 4096, 0), flag('is_paged', false))
  const bitsOf = (a: Args): number => (variant === '8bit' ? 8 : variant === '32bit' ? 32 : (a['optim_bits'] as number))
  const shortPrefix = `${paged ? 'paged_' : ''}${base.toLowerCase()}`
  const shortNames = variant === '' ? [`${shortPrefix}_bnb`] : [`${shortPrefix}_${variant}`, `${shortPrefix}_bnb_${variant}`]
  const states = twoState ? ['state1', 'state2'] : ['state1']
  return {
    name,
    library: 'bitsandbytes',
    qualifiedNames: [`bnb.optim.${name}`, `bitsandbytes.optim.${name}`, ...(variant === '' && !paged ? [] : [name])],
    shortNames,
    signature,
    statefulParameters: 'trainable',
    validate(a, fail) {
      if (variant === '8bit' && twoState && a['amsgrad']) fail('amsgrad', `${name} does not support amsgrad=True`)
      if (variant === '8bit' && twoState && a['optim_bits'] !== 32) fail('optim_bits', `${name} only supports optim_bits=32 (default value for compatibility)`)
      if (variant === '' && a['optim_bits'] !== 8 && a['optim_bits'] !== 32) fail('optim_bits', `Amount of optimizer bits not supported: ${a['optim_bits'] as number}`)
      checkLr(a, fail)
      if (twoState) checkEps(a, fail)
      checkBetas(a, fail)
      checkWeightDecay(a, fail)
    },
    perParameter(t, a) {
      const eightBit = bitsOf(a) === 8 && t.elements >= BigInt(a['min_8bit_size'] as number)
      if (!eightBit) return states.map((s) => like(s, t, 'float32'))
      const blocks = (t.elements + 255n) / 256n
      return [...states.map((s) => like(s, t, 'uint8')), ...states.map((_, i) => ({ name: `absmax${i + 1}`, dtype: 'float32' as const, elements: blocks }))]
    },
    shared(stateful, a) {
      if (bitsOf(a) !== 8 || !stateful.some((t) => t.elements >= BigInt(a['min_8bit_size'] as number))) return []
      return states.map((_, i) => ({ name: `qmap${i + 1}`, dtype: 'float32' as const, elements: 256n }))
    },
    accounting: bnbAccounting(states, variant, paged),
    source: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/main/bitsandbytes/optim/optimizer.py (Optimizer2State.init_state / Optimizer1State.init_state)',
  }
}

const definitions: readonly OptimizerDefinition[] = [
  torchOptim({
    name: 'SGD',
    shortNames: ['sgd'],
    signature: [num('lr', 1e-3), num('momentum', 0), num('dampening', 0), num('weight_decay', 0), flag('nesterov', false), ...torchExtras('maximize', 'foreach', 'differentiable', 'fused')],
    validate(a, fail) {
      checkLr(a, fail)
      if (n(a, 'momentum') < 0) fail('momentum', `Invalid momentum value: ${pyFloat(n(a, 'momentum'))}`)
      checkWeightDecay(a, fail)
      if (a['nesterov'] && (n(a, 'momentum') <= 0 || n(a, 'dampening') !== 0)) fail('nesterov', 'Nesterov momentum requires a momentum and zero dampening')
    },
    perParameter: (t, a) => (n(a, 'momentum') !== 0 ? [like('momentum_buffer', t)] : []),
    accounting: '`momentum_buffer` (shape and dtype of the parameter) when `momentum` is non-zero; nothing otherwise (`momentum_buffer` is `None`).',
    source: '',
  }),
  adam('Adam', 0, ['adam', 'adam_torch']),
  adam('AdamW', 1e-2, ['adamw', 'adamw_torch', 'adamw_torch_fused', 'adamw_hf']),
  torchOptim({
    name: 'Adagrad',
    shortNames: ['adagrad'],
    signature: [num('lr', 1e-2), num('lr_decay', 0), num('weight_decay', 0), num('initial_accumulator_value', 0), num('eps', 1e-10), ignored('foreach'), ...torchExtras('maximize', 'differentiable', 'fused')],
    validate(a, fail) {
      checkLr(a, fail)
      if (n(a, 'lr_decay') < 0) fail('lr_decay', `Invalid lr_decay value: ${pyFloat(n(a, 'lr_decay'))}`)
      checkWeightDecay(a, fail)
      if (n(a, 'initial_accumulator_value') < 0) fail('initial_accumulator_value', `Invalid initial_accumulator_value value: ${pyFloat(n(a, 'initial_accumulator_value'))}`)
      checkEps(a, fail)
    },
    statefulParameters: 'all',
    perParameter: (t) => [scalar('step'), like('sum', t)],
    accounting: '`step` (float32 scalar) + `sum` (shape and dtype of the parameter), created in the constructor for every parameter given, frozen ones included.',
    source: '',
  }),
  torchOptim({
    name: 'RMSprop',
    shortNames: ['rmsprop'],
    signature: [num('lr', 1e-2), num('alpha', 0.99), num('eps', 1e-8), num('weight_decay', 0), num('momentum', 0), flag('centered', false), ...torchExtras('capturable', 'foreach', 'maximize', 'differentiable')],
    validate(a, fail) {
      checkLr(a, fail)
      checkEps(a, fail)
      if (n(a, 'momentum') < 0) fail('momentum', `Invalid momentum value: ${pyFloat(n(a, 'momentum'))}`)
      checkWeightDecay(a, fail)
      if (n(a, 'alpha') < 0) fail('alpha', `Invalid alpha value: ${pyFloat(n(a, 'alpha'))}`)
    },
    perParameter: (t, a) => [like('square_avg', t), ...(n(a, 'momentum') > 0 ? [like('momentum_buffer', t)] : []), ...(a['centered'] ? [like('grad_avg', t)] : [])],
    accounting: '`square_avg` (+ `momentum_buffer` when `momentum` > 0, + `grad_avg` when `centered=True`), each the shape and dtype of the parameter; `step` is a Python int (0 bytes) in PyTorch 1.13.',
    source: '',
  }),
  torchOptim({
    name: 'Adadelta',
    shortNames: ['adadelta'],
    signature: [num('lr', 1.0), num('rho', 0.9), num('eps', 1e-6), num('weight_decay', 0), ignored('foreach'), ...torchExtras('capturable', 'maximize', 'differentiable')],
    validate(a, fail) {
      checkLr(a, fail)
      if (!(n(a, 'rho') >= 0 && n(a, 'rho') <= 1)) fail('rho', `Invalid rho value: ${pyFloat(n(a, 'rho'))}`)
      checkEps(a, fail)
      checkWeightDecay(a, fail)
    },
    perParameter: (t) => moments(t, 'square_avg', 'acc_delta'),
    accounting: '`square_avg` + `acc_delta`, each the shape and dtype of the parameter; `step` is a Python int (0 bytes) in PyTorch 1.13.',
    source: '',
  }),
  torchOptim({
    name: 'Adamax',
    shortNames: ['adamax'],
    signature: [num('lr', 2e-3), floats('betas', [0.9, 0.999]), num('eps', 1e-8), num('weight_decay', 0), ignored('foreach'), ...torchExtras('maximize', 'differentiable', 'capturable')],
    validate: adamLike,
    perParameter: (t) => [scalar('step'), ...moments(t, 'exp_avg', 'exp_inf')],
    accounting: '`step` (float32 scalar) + `exp_avg` + `exp_inf`, each the shape and dtype of the parameter.',
    source: '',
  }),
  torchOptim({
    name: 'NAdam',
    shortNames: ['nadam'],
    signature: [num('lr', 2e-3), floats('betas', [0.9, 0.999]), num('eps', 1e-8), num('weight_decay', 0), num('momentum_decay', 4e-3), ignored('foreach'), ...torchExtras('decoupled_weight_decay', 'maximize', 'capturable', 'differentiable')],
    validate(a, fail) {
      adamLike(a, fail)
      if (n(a, 'momentum_decay') < 0) fail('momentum_decay', `Invalid momentum_decay value: ${pyFloat(n(a, 'momentum_decay'))}`)
    },
    perParameter: (t) => [scalar('step'), scalar('mu_product'), ...moments(t, 'exp_avg', 'exp_avg_sq')],
    accounting: '`step` and `mu_product` (float32 scalars) + `exp_avg` + `exp_avg_sq`, each the shape and dtype of the parameter.',
    source: '',
  }),
  torchOptim({
    name: 'RAdam',
    shortNames: ['radam'],
    signature: [num('lr', 1e-3), floats('betas', [0.9, 0.999]), num('eps', 1e-8), num('weight_decay', 0), ignored('foreach'), ...torchExtras('decoupled_weight_decay', 'maximize', 'capturable', 'differentiable')],
    validate: adamLike,
    perParameter: (t) => [scalar('step'), ...moments(t, 'exp_avg', 'exp_avg_sq')],
    accounting: '`step` (float32 scalar) + `exp_avg` + `exp_avg_sq`, each the shape and dtype of the parameter.',
    source: '',
  }),
  torchOptim({
    name: 'ASGD',
    shortNames: ['asgd'],
    signature: [num('lr', 1e-2), num('lambd', 1e-4), num('alpha', 0.75), num('t0', 1e6), num('weight_decay', 0), ignored('foreach'), ignored('maximize'), ...torchExtras('differentiable', 'capturable')],
    validate(a, fail) {
      checkLr(a, fail)
      checkWeightDecay(a, fail)
    },
    perParameter: (t) => [scalar('step'), scalar('eta'), scalar('mu'), like('ax', t)],
    accounting: '`step`, `eta` and `mu` (float32 scalars) + `ax` (shape and dtype of the parameter).',
    source: '',
  }),
  torchOptim({
    name: 'Rprop',
    shortNames: ['rprop'],
    signature: [num('lr', 1e-2), floats('etas', [0.5, 1.2]), floats('step_sizes', [1e-6, 50]), ignored('foreach'), ignored('maximize'), ...torchExtras('capturable', 'differentiable')],
    validate(a, fail) {
      checkLr(a, fail)
      const [lo, hi] = pair(a, 'etas') as [number, number]
      if (!(lo > 0 && lo < 1 && hi > 1)) fail('etas', `Invalid eta values: ${pyFloat(lo)}, ${pyFloat(hi)}`)
    },
    perParameter: (t) => moments(t, 'prev', 'step_size'),
    accounting: '`prev` + `step_size`, each the shape and dtype of the parameter; `step` is a Python int (0 bytes) in PyTorch 1.13.',
    source: '',
  }),
  torchOptim({
    name: 'SparseAdam',
    module: 'sparse_adam',
    shortNames: ['sparseadam', 'sparse_adam'],
    signature: [num('lr', 1e-3), floats('betas', [0.9, 0.999]), num('eps', 1e-8), flag('maximize', false)],
    validate(a, fail) {
      checkLr(a, fail, true)
      checkEps(a, fail, true)
      checkBetas(a, fail)
    },
    checkTensors(stateful) {
      const dense = stateful.find((t) => !t.sparseGradient)
      if (dense) {
        throw new NnsizeError('option', `SparseAdam does not support dense gradients, please consider Adam instead (PyTorch's error): \`${dense.name}\` gets a dense gradient; only \`nn.Embedding\`/\`nn.EmbeddingBag\` with \`sparse=True\` produce sparse ones.`)
      }
    },
    perParameter: (t) => moments(t, 'exp_avg', 'exp_avg_sq'),
    accounting: '`exp_avg` + `exp_avg_sq` (dense, shape and dtype of the parameter); `step` is a Python int. Only parameters with sparse gradients are accepted.',
    source: '',
  }),
  torchOptim({
    name: 'LBFGS',
    shortNames: ['lbfgs'],
    signature: [num('lr', 1), integer('max_iter', 20, 1), integer('max_eval', null, 1), num('tolerance_grad', 1e-7), num('tolerance_change', 1e-9), integer('history_size', 100, 1), choice('line_search_fn', ['strong_wolfe'], null)],
    statefulParameters: 'all',
    shared(params, a) {
      if (params.length === 0) return []
      const dtype = widestFloat(params.map((t) => t.dtype))
      const total = params.reduce((s, t) => s + t.elements, 0n)
      const history = BigInt(a['history_size'] as number)
      return [
        { name: 'd', dtype, elements: total },
        { name: 'prev_flat_grad', dtype, elements: total },
        { name: 'old_dirs', dtype, elements: history * total },
        { name: 'old_stps', dtype, elements: history * total },
        { name: 'ro', dtype, elements: history },
        { name: 'al', dtype, elements: history },
        { name: 'H_diag', dtype, elements: 1n },
      ]
    },
    accounting: 'One state for the whole model, over the flattened parameters (N elements, frozen ones included, as `_gather_flat_grad` fills them with zeros): `d` and `prev_flat_grad` (N each), the history `old_dirs` and `old_stps` (`history_size` × N each) and the scalars `ro`, `al` (`history_size` each) and `H_diag`. Counted with the history full (after `history_size` + 1 iterations); PyTorch\'s state dict holds the history in lists.',
    source: '',
  }),
  {
    name: 'Adafactor',
    library: 'torch.optim',
    qualifiedNames: ['torch.optim.Adafactor', 'optim.Adafactor', 'Adafactor'],
    shortNames: ['adafactor', 'adafactor_torch'],
    signature: [num('lr', 1e-2), num('beta2_decay', -0.8), floats('eps', [null, 1e-3], { nullable: [0] }), num('d', 1.0), num('weight_decay', 0.0), ignored('foreach', kw), flag('maximize', false, kw)],
    statefulParameters: 'trainable',
    validate(a, fail) {
      if (n(a, 'lr') < 0) fail('lr', `Learning rate should be >= 0 but is: ${pyFloat(n(a, 'lr'))}`)
      if (n(a, 'beta2_decay') > 0) fail('beta2_decay', `beta2_decay should be <= 0 but is: ${pyFloat(n(a, 'beta2_decay'))}`)
      const [e1, e2] = pair(a, 'eps')
      if (e1 !== null && e1 !== undefined && e1 < 0) fail('eps', `epsilon1 should be >= 0 but is: ${pyFloat(e1)}`)
      if (e2 !== null && e2 !== undefined && e2 < 0) fail('eps', `epsilon2 should be >= 0 but is: ${pyFloat(e2)}`)
      if (n(a, 'd') < 1) fail('d', `Clipping threshold d should be >= 1 but is: ${pyFloat(n(a, 'd'))}`)
      if (n(a, 'weight_decay') < 0) fail('weight_decay', `weight_decay should be >= 0 but is: ${pyFloat(n(a, 'weight_decay'))}`)
    },
    perParameter(t) {
      if (t.shape.length < 2) return [scalar('step'), like('variance', t)]
      const rows = numel(t.shape.slice(0, -1))
      const cols = numel(t.shape.slice(0, -2)) * BigInt(t.shape.at(-1)!)
      return [scalar('step'), { name: 'row_var', dtype: t.dtype, elements: rows }, { name: 'col_var', dtype: t.dtype, elements: cols }]
    },
    accounting: '`step` (float32 scalar); for tensors of 2+ dimensions the factored second moment: `row_var` (shape with the last dimension set to 1) + `col_var` (shape with the second-to-last set to 1); for vectors a full `variance`. No first moment. Dtype of the parameter. (PyTorch 2.5+.)',
    source: 'https://github.com/pytorch/pytorch/blob/main/torch/optim/_adafactor.py',
  },
  {
    name: 'Adafactor',
    library: 'transformers',
    qualifiedNames: ['transformers.Adafactor', 'transformers.optimization.Adafactor'],
    shortNames: ['adafactor_hf', 'hf_adafactor'],
    signature: [floatOrNone('lr', null), floats('eps', [1e-30, 1e-3]), num('clip_threshold', 1.0), num('decay_rate', -0.8), floatOrNone('beta1', null), num('weight_decay', 0.0), flag('scale_parameter', true), flag('relative_step', true), flag('warmup_init', false)],
    statefulParameters: 'trainable',
    validate(a, fail) {
      if (a['lr'] !== null && a['relative_step']) fail('lr', 'Cannot combine manual `lr` and `relative_step=True` options')
      if (a['warmup_init'] && !a['relative_step']) fail('warmup_init', '`warmup_init=True` requires `relative_step=True`')
    },
    perParameter(t, a) {
      const dtype: DType = t.dtype === 'float16' || t.dtype === 'bfloat16' ? 'float32' : t.dtype
      const out: State[] = a['beta1'] !== null ? [like('exp_avg', t, dtype)] : []
      if (t.shape.length < 2) return [...out, like('exp_avg_sq', t, dtype)]
      const rows = numel(t.shape.slice(0, -1))
      const cols = numel(t.shape.slice(0, -2)) * BigInt(t.shape.at(-1)!)
      return [...out, { name: 'exp_avg_sq_row', dtype, elements: rows }, { name: 'exp_avg_sq_col', dtype, elements: cols }]
    },
    accounting: '`exp_avg` only when `beta1` is set; for tensors of 2+ dimensions `exp_avg_sq_row` (shape without the last dimension) + `exp_avg_sq_col` (shape without the second-to-last), for vectors `exp_avg_sq`; float32 for float16/bfloat16 parameters (the gradient is cast first), else the parameter dtype; `step` and `RMS` are Python numbers.',
    source: 'https://github.com/huggingface/transformers/blob/main/src/transformers/optimization.py (Adafactor.step)',
  },
  {
    name: 'Lion',
    library: 'lion-pytorch',
    qualifiedNames: ['lion_pytorch.Lion', 'Lion'],
    shortNames: ['lion'],
    signature: [num('lr', 1e-4), floats('betas', [0.9, 0.99]), num('weight_decay', 0.0), flag('use_triton', false), flag('decoupled_weight_decay', false)],
    statefulParameters: 'trainable',
    validate(a, fail) {
      if (!(n(a, 'lr') > 0)) fail('lr', 'assert lr > 0.')
      if (!pair(a, 'betas').every((b) => b !== null && b >= 0 && b <= 1)) fail('betas', 'assert all([0. <= beta <= 1. for beta in betas])')
    },
    perParameter: (t) => [like('exp_avg', t)],
    accounting: '`exp_avg` (one momentum, shape and dtype of the parameter).',
    source: 'https://github.com/lucidrains/lion-pytorch/blob/main/lion_pytorch/lion_pytorch.py',
  },
  {
    name: 'Lamb',
    library: 'torch-optimizer',
    qualifiedNames: ['torch_optimizer.Lamb', 'optim.Lamb', 'Lamb', 'LAMB'],
    shortNames: ['lamb'],
    signature: [num('lr', 1e-3), floats('betas', [0.9, 0.999]), num('eps', 1e-6), num('weight_decay', 0), num('clamp_value', 10), flag('adam', false), flag('debias', false)],
    statefulParameters: 'trainable',
    validate(a, fail) {
      adamLike(a, fail)
      if (n(a, 'clamp_value') < 0) fail('clamp_value', `Invalid clamp value: ${pyFloat(n(a, 'clamp_value'))}`)
    },
    perParameter: (t) => moments(t, 'exp_avg', 'exp_avg_sq'),
    accounting: '`exp_avg` + `exp_avg_sq`, each the shape and dtype of the parameter; `step` is a Python int.',
    source: 'https://github.com/jettify/pytorch-optimizer/blob/master/torch_optimizer/lamb.py',
  },
  {
    name: 'SophiaG',
    library: 'Sophia',
    qualifiedNames: ['sophia.SophiaG', 'SophiaG', 'Sophia'],
    shortNames: ['sophia', 'sophiag'],
    signature: [num('lr', 1e-4), floats('betas', [0.965, 0.99]), num('rho', 0.04), num('weight_decay', 1e-1), flag('maximize', false, kw), flag('capturable', false, kw)],
    statefulParameters: 'trainable',
    validate(a, fail) {
      checkLr(a, fail)
      checkBetas(a, fail)
      if (n(a, 'rho') < 0) fail('rho', `Invalid rho parameter at index 1: ${pyFloat(n(a, 'rho'))}`)
      checkWeightDecay(a, fail)
    },
    perParameter: (t) => [scalar('step'), ...moments(t, 'exp_avg', 'hessian')],
    accounting: '`step` (float32, one element) + `exp_avg` + `hessian` (diagonal Hessian estimate), each the shape and dtype of the parameter.',
    source: 'https://github.com/Liuhong99/Sophia/blob/main/sophia.py',
  },
  {
    name: 'Adan',
    library: 'Adan',
    qualifiedNames: ['adan.Adan', 'adan_pytorch.Adan', 'Adan'],
    shortNames: ['adan'],
    signature: [num('lr', 1e-3), floats('betas', [0.98, 0.92, 0.99]), num('eps', 1e-8), num('weight_decay', 0.0), num('max_grad_norm', 0.0), flag('no_prox', false), flag('foreach', true), flag('fused', false)],
    statefulParameters: 'trainable',
    validate(a, fail) {
      if (n(a, 'max_grad_norm') < 0) fail('max_grad_norm', `Invalid Max grad norm: ${pyFloat(n(a, 'max_grad_norm'))}`)
      checkLr(a, fail)
      checkEps(a, fail)
      checkBetas(a, fail)
    },
    perParameter: (t) => moments(t, 'exp_avg', 'exp_avg_sq', 'exp_avg_diff', 'neg_pre_grad'),
    accounting: '`exp_avg` + `exp_avg_sq` + `exp_avg_diff` + `neg_pre_grad` (the previous gradient), each the shape and dtype of the parameter; `step` is kept per group.',
    source: 'https://github.com/sail-sg/Adan/blob/main/adan.py',
  },
  {
    name: 'Muon',
    library: 'torch.optim',
    qualifiedNames: ['torch.optim.Muon', 'optim.Muon', 'Muon'],
    shortNames: ['muon'],
    signature: [num('lr', 1e-3), num('weight_decay', 0.1), num('momentum', 0.95), flag('nesterov', true), floats('ns_coefficients', [3.4445, -4.775, 2.0315]), num('eps', 1e-7), integer('ns_steps', 5, 0), choice('adjust_lr_fn', ['original', 'match_rms_adamw'], null), flag('use_addmm', false)],
    statefulParameters: 'trainable',
    validate(a, fail) {
      if (n(a, 'lr') < 0) fail('lr', `Learning rate should be >= 0 but is: ${pyFloat(n(a, 'lr'))}`)
      if (n(a, 'momentum') < 0) fail('momentum', `momentum should be >= 0 but is: ${pyFloat(n(a, 'momentum'))}`)
      if (n(a, 'weight_decay') < 0) fail('weight_decay', `weight decay should be >= 0 but is: ${pyFloat(n(a, 'weight_decay'))}`)
      if (n(a, 'ns_steps') >= 100) fail('ns_steps', 'Number of steps must be less than 100 for computational efficiency')
    },
    perParameter: (t) => (t.shape.length >= 2 ? [like('momentum_buffer', t)] : [scalar('step'), ...moments(t, 'exp_avg', 'exp_avg_sq')]),
    accounting: 'Matrices (2+ dimensions): `momentum_buffer` (shape and dtype of the parameter). Muon only takes matrices, so biases, norms and other vectors are counted as the documentation advises, with `torch.optim.AdamW`: `step` (float32 scalar) + `exp_avg` + `exp_avg_sq`.',
    source: 'https://github.com/pytorch/pytorch/blob/main/torch/optim/_muon.py',
  },
  ...(['Adam', 'AdamW', 'Lion'] as const).flatMap((base) =>
    (['', '8bit', '32bit'] as const).flatMap((variant) => [bnb(base, variant, false), bnb(base, variant, true)]),
  ),
]

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function widestFloat(dtypes: readonly DType[]): DType {
  let best: DType = dtypes[0]!
  for (const d of dtypes) if (dtypeBytes[d] > dtypeBytes[best]) best = d
  return best
}

const normalise = (s: string): string => s.toLowerCase().replace(/[-_.\s]/g, '')

const byQualified = new Map<string, OptimizerDefinition>()
const byShort = new Map<string, OptimizerDefinition>()
for (const def of definitions) {
  for (const q of def.qualifiedNames) if (!byQualified.has(q)) byQualified.set(q, def)
  for (const s of def.shortNames) byShort.set(normalise(s), def)
}
for (const def of definitions) {
  const key = normalise(def.qualifiedNames[0]!)
  if (!byShort.has(key)) byShort.set(key, def)
  const bare = normalise(def.qualifiedNames.at(-1)!)
  if (!byShort.has(bare)) byShort.set(bare, def)
}

/** Every optimizer nnsize knows: canonical name, library, short names, accounting and source (for help text and docs). */
export const optimizerCatalogue: ReadonlyArray<{ name: string; qualifiedName: string; library: string; shortNames: readonly string[]; accounting: string; source: string }> = definitions.map((d) => ({
  name: d.name,
  qualifiedName: d.qualifiedNames[0]!,
  library: d.library,
  shortNames: d.shortNames,
  accounting: d.accounting,
  source: d.source,
}))

/** The names `parseOptimizer` accepts without arguments: short names, then class names. */
export function optimizerNames(): string[] {
  return [...new Set([...definitions.flatMap((d) => d.shortNames), ...definitions.map((d) => d.qualifiedNames[0]!)])]
}

const definitionOf = new WeakMap<OptimizerSpec, OptimizerDefinition>()

function dottedName(expr: Expr): string | undefined {
  if (expr.type === 'Name') return expr.id
  if (expr.type === 'Attribute') {
    const head = dottedName(expr.value)
    return head === undefined ? undefined : `${head}.${expr.attr}`
  }
  return undefined
}

function unknownOptimizer(name: string, span: SourceSpan): NnsizeError {
  const suggestions = suggest(name, [...new Set([...definitions.flatMap((d) => [d.qualifiedNames.at(-1)!, ...d.qualifiedNames]), ...definitions.flatMap((d) => d.shortNames)])])
  return new NnsizeError(
    'option',
    `Unknown optimizer \`${name}\`.${didYouMean(suggestions)}${suggestions.length === 0 ? ` Known: ${definitions.filter((d, i, all) => all.findIndex((o) => o.qualifiedNames[0] === d.qualifiedNames[0]) === i).map((d) => `\`${d.qualifiedNames[0]}\``).join(', ')}.` : ''}`,
    { span, suggestions },
  )
}

function asOption(error: unknown): never {
  if (NnsizeError.isInstance(error) && error.code !== 'option') {
    throw new NnsizeError('option', error.message, { span: error.span, suggestions: error.suggestions })
  }
  throw error
}

function bindOptimizer(def: OptimizerDefinition, args: readonly ArgValue[], callSpan: SourceSpan): ReturnType<typeof bindArguments> {
  try {
    return bindArguments(def.qualifiedNames[0]!, def.signature, args, callSpan)
  } catch (error) {
    return asOption(error)
  }
}

function build(def: OptimizerDefinition, args: readonly ArgValue[], callSpan: SourceSpan): OptimizerSpec {
  const bound = bindOptimizer(def, args, callSpan)
  const fail: Fail = (arg, message) => {
    throw new NnsizeError('option', `\`${def.qualifiedNames[0]}\`: ${message}.`, { span: (arg && bound.spans[arg]) || callSpan })
  }
  def.validate?.(bound.values, fail)
  const givenArgs = def.signature.filter((s) => s.name in bound.spans).map((s) => `${s.name}=${formatArg(bound.values[s.name])}`)
  const spec: OptimizerSpec = {
    name: def.name,
    qualifiedName: def.qualifiedNames[0]!,
    library: def.library,
    args: Object.freeze({ ...bound.values }),
    givenArgs,
    text: `${def.qualifiedNames[0]}(${givenArgs.join(', ')})`,
    accounting: def.accounting,
    source: def.source,
  }
  definitionOf.set(spec, def)
  return spec
}

function formatArg(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloat(value)
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (value === null) return 'None'
  if (typeof value === 'string') return `'${value}'`
  if (Array.isArray(value)) return `(${value.map(formatArg).join(', ')})`
  if (typeof value === 'object' && value !== null && 'kind' in value) return showValue(value as never)
  return String(value)
}

/**
 * Parses an optimizer given in PyTorch syntax (`AdamW(lr=1e-4)`, `torch.optim.SGD(lr=0.1, momentum=0.9, nesterov=True)`,
 * `bnb.optim.AdamW8bit()`, `SGD(model.parameters(), 0.1)`) or as a short name (`adamw`, `sgd`, `adam8bit`,
 * `paged_adamw_8bit`, `lion`). No code is run: the text is parsed by the core's expression parser and the arguments
 * are bound to the optimizer's signature. Errors (code `option`) carry spans into `text` and "did you mean" suggestions.
 */
export function parseOptimizer(text: string): OptimizerSpec {
  if (typeof text !== 'string') throw new NnsizeError('option', `The optimizer must be text such as \`AdamW(lr=1e-4)\`, got ${text === null ? 'null' : typeof text}.`)
  const trimmed = text.trim()
  const whole = { start: 0, end: text.length }
  if (trimmed === '') throw new NnsizeError('option', 'The optimizer is empty: give a name such as `adamw` or PyTorch syntax such as `AdamW(lr=1e-4)`.', { span: whole })
  if (/^[A-Za-z_][\w.-]*$/.test(trimmed)) {
    const def = byQualified.get(trimmed) ?? byShort.get(normalise(trimmed))
    if (!def) throw unknownOptimizer(trimmed, { start: text.indexOf(trimmed), end: text.indexOf(trimmed) + trimmed.length })
    return build(def, [], whole)
  }
  let expr: Expr
  try {
    expr = parseExpression(text)
  } catch (error) {
    asOption(error)
  }
  const callee = expr.type === 'Call' ? expr.func : expr
  const name = dottedName(callee)
  if (name === undefined) throw new NnsizeError('option', 'Expected an optimizer such as `AdamW(lr=1e-4)` or a name such as `adamw`.', { span: spanOf(expr) })
  const def = byQualified.get(name) ?? (name.includes('.') ? undefined : byShort.get(normalise(name)))
  if (!def) throw unknownOptimizer(name, spanOf(callee))
  const args: ArgValue[] = []
  if (expr.type === 'Call') {
    for (const kw of expr.keywords) {
      if (kw.arg === null) throw new NnsizeError('option', '`*args` and `**kwargs` are not supported here: write the arguments out.', { span: spanOf(kw) })
    }
    expr.args.forEach((arg, index) => {
      if (arg.type === 'Starred') throw new NnsizeError('option', '`*args` and `**kwargs` are not supported here: write the arguments out.', { span: spanOf(arg) })
      if (index === 0 && isParamsExpression(arg)) return
      if (index === 0) {
        throw new NnsizeError('option', `The first argument of \`${name}\` is the parameters (\`model.parameters()\`); pass the others by keyword, as in \`${name}(lr=${constantText(arg, text)})\`.`, { span: spanOf(arg) })
      }
      const span = spanOf(arg)
      args.push({ name: undefined, value: constantValue(arg), span, valueSpan: span })
    })
    for (const kw of expr.keywords) args.push({ name: kw.arg!, value: constantValue(kw.value), span: spanOf(kw), valueSpan: spanOf(kw.value) })
  }
  return build(def, args, spanOf(expr))
}

function constantText(expr: Expr, text: string): string {
  return text.slice(expr.start, expr.end)
}

/** `model.parameters()`, `params`, `[p for ...]`, `filter(...)`: anything that is not a constant. */
function isParamsExpression(expr: Expr): boolean {
  return expr.type === 'Name' || expr.type === 'Attribute' || expr.type === 'Call' || expr.type === 'ListComp' || expr.type === 'GeneratorExp' || expr.type === 'Subscript'
}

function resolveSpec(optimizer: string | OptimizerSpec): [OptimizerSpec, OptimizerDefinition] {
  const spec = typeof optimizer === 'string' ? parseOptimizer(optimizer) : optimizer
  const def = definitionOf.get(spec)
  if (!def) throw new NnsizeError('option', 'The optimizer must come from `parseOptimizer`.')
  return [spec, def]
}

/**
 * The optimizer state, entry by entry, that `optimizer` holds for these parameters after one step, as
 * `torch.optim.E(module.parameters())` would: per-parameter state for the parameters that receive a gradient
 * (every trainable one), in their dtype, plus state shared by the whole optimizer. Buffers are skipped.
 */
export function optimizerStateBreakdown(tensors: readonly OptimizerTensor[], optimizer: string | OptimizerSpec): OptimizerStateBreakdown {
  const [spec, def] = resolveSpec(optimizer)
  const args = spec.args as Args
  const params: OptimizerTensor[] = []
  for (const t of tensors) {
    if (t.kind === 'buffer') continue
    if (def.statefulParameters === 'trainable' && !t.trainable) continue
    params.push(t)
  }
  const sized = (t: OptimizerTensor): Sized => ({ name: t.name, shape: t.shape, dtype: t.dtype, trainable: t.trainable, sparseGradient: t.sparseGradient === true, elements: t.elementCount ?? numel(t.shape) })
  const all = def.shared || def.checkTensors ? params.map(sized) : undefined
  if (all) def.checkTensors?.(all)
  const entries = new Map<string, OptimizerStateEntry>()
  const add = (s: State, count: number): void => {
    const key = s.dtype === 'float32' ? s.name : `${s.name}:${s.dtype}`
    const existing = entries.get(key)
    const elements = count === 1 ? s.elements : s.elements * BigInt(count)
    const bytes = elements * BigInt(dtypeBytes[s.dtype])
    if (existing) {
      existing.elements += elements
      existing.bytes += bytes
      existing.tensors += count
    } else {
      entries.set(key, { name: s.name, dtype: s.dtype, elements, bytes, tensors: count })
    }
  }
  let statefulParameters = 0
  if (def.perParameter) {
    // Per-parameter state depends only on shape, dtype and gradient kind: compute it once per distinct triple.
    const groups = new Map<number, Array<{ t: OptimizerTensor; count: number }>>()
    for (const t of params) {
      let h = t.shape.length
      for (const d of t.shape) h = (Math.imul(h, 31) + d) | 0
      const list = groups.get(h)
      const group = list?.find((g) => g.t.dtype === t.dtype && g.t.sparseGradient === t.sparseGradient && sameShape(g.t.shape, t.shape))
      if (group) group.count++
      else if (list) list.push({ t, count: 1 })
      else groups.set(h, [{ t, count: 1 }])
    }
    for (const list of groups.values()) {
      for (const { t, count } of list) {
        const states = def.perParameter(sized(t), args)
        if (states.length > 0) statefulParameters += count
        for (const s of states) add(s, count)
      }
    }
  }
  if (def.shared && all) {
    const shared = def.shared(all, args)
    if (shared.length > 0 && !def.perParameter) statefulParameters = all.length > 0 ? 1 : 0
    for (const s of shared) add(s, 1)
  }
  const list = [...entries.values()]
  return { optimizer: spec, bytes: list.reduce((s, e) => s + e.bytes, 0n), entries: list, statefulParameters }
}

/**
 * Bytes of optimizer state for these parameters (e.g. `Analysis.tensors`), exactly as PyTorch holds them after one
 * `step()`: `optimizerStateBytes(analyze('nn.Linear(8, 4)').tensors, 'Adam()')` → `296n` (`step` 2 × 4 B + two moments 36 × 4 B each).
 */
export function optimizerStateBytes(tensors: readonly OptimizerTensor[], optimizer: string | OptimizerSpec): bigint {
  return optimizerStateBreakdown(tensors, optimizer).bytes
}
