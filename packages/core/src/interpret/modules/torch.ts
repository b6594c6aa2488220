import { NnsizeError } from '../../errors.js'
import type { SourceSpan } from '../../errors.js'
import type { LayerDefinition } from '../../layers/define-layer.js'
import { dtypeAliases, dtypeBytes } from '../../tensor/dtype.js'
import type { DType } from '../../tensor/dtype.js'
import type { PyClass } from '../classes.js'
import { raise } from '../exceptions.js'
import { defaultFloat, legacyTensorConstructor, sizesOf, torchTensorFunctions } from '../tensor.js'
import { deviceClass, dtypeClass, sizeClass, tensorClass } from '../types.js'
import { FALSE, NONE, TRUE, bool, float, int, lazyMember, namespace, native, str, tuple, typeName } from '../../contract/values.js'
import type { NamespaceValue, Value } from '../../contract/values.js'
import { nnNamespace } from './nn.js'
import { makeClass } from '../classes.js'
import { moduleClass } from '../nn-module.js'
import { sdpModules } from './torch-backends.js'
import { contextClass, harmlessContext } from './context.js'
import { fftNamespace } from './fft.js'
import { linalgNamespace, torchDecomposition } from './linalg.js'
import { torchCompile } from './torch-compile.js'
import { autogradNamespace } from './autograd.js'
import { pytorchName } from './torch-names.js'
import { distributionsNamespace } from './distributions.js'
import { checkpointCall, gradModeOf, setGradMode } from '../forward.js'
import type { Interpreter } from '../interpreter.js'
import type { ArgValue } from '../../contract/values.js'

/** The grad mode an argument gives (`set_grad_enabled(False)`, `inference_mode(mode=False)`), else `fallback`. */
function modeArgument(args: readonly ArgValue[], keyword: string, fallback: boolean): boolean {
  const value = (args.find((a) => a.name === keyword) ?? args.find((a) => a.name === undefined))?.value
  return value?.kind === 'bool' ? value.value : value?.kind === 'int' ? value.value !== 0n : fallback
}

/**
 * `torch.no_grad()`, `enable_grad()`, `inference_mode(mode=True)` and `set_grad_enabled(mode)` in a traced forward:
 * tensors made inside do not require grad (or do again), and nothing they compute is saved for backward.
 * `set_grad_enabled(False)` takes effect when called, as in PyTorch; the others when entered.
 */
function gradModeContext(name: string, mode: (args: readonly ArgValue[]) => boolean, immediate = false): PyClass {
  return contextClass(
    name,
    (args, it) => {
      if (!it) return undefined
      const before = setGradMode(it, mode(args))
      return before === undefined ? undefined : () => setGradMode(it, before)
    },
    immediate,
  )
}

/** A decorator that returns what it decorates (`torch.jit.script`), with or without arguments. */
function identityDecorator(name: string): Value {
  return native(name, (args) => {
    const first = args[0]
    if (first && first.name === undefined && (first.value.kind === 'function' || first.value.kind === 'class' || first.value.kind === 'module' || first.value.kind === 'method')) return first.value
    return native(name, (inner) => inner[0]?.value ?? NONE)
  })
}

/**
 * `torch.jit.ScriptModule`: an `nn.Module` to derive from. nnsize reads the Python of its methods as they are written
 * (`@torch.jit.script_method` returns the method), as PyTorch runs them when scripting is disabled.
 */
const scriptModuleClass: PyClass = makeClass('ScriptModule', [moduleClass], { module: 'torch.jit', native: { subclassable: true } })

/** `torch.finfo(dtype)`: the limits of a floating-point dtype. */
function finfo(dtype: DType): Value {
  const table: Partial<Record<DType, [number, number, number]>> = {
    float32: [1.1920928955078125e-7, 3.4028234663852886e38, 1.1754943508222875e-38],
    float64: [2.220446049250313e-16, 1.7976931348623157e308, 2.2250738585072014e-308],
    float16: [0.0009765625, 65504, 6.103515625e-5],
    bfloat16: [0.0078125, 3.3895313892515355e38, 1.1754943508222875e-38],
  }
  const limits = table[dtype]
  if (!limits) return NONE
  const [eps, max, tiny] = limits
  return namespace(`torch.finfo(${dtype})`, { eps: float(eps), max: float(max), min: float(-max), tiny: float(tiny), smallest_normal: float(tiny), bits: int(dtypeBytes[dtype] * 8), dtype: str(dtype) })
}

/** Where a placeholder of a class or constant of PyTorch nnsize does not model comes from: its use gives the error's place. */
const unknownPlace: SourceSpan = { start: 0, end: 0 }

/**
 * The names of `torch` and `torch.nn.functional` that nnsize does not model but PyTorch 2.13 has (torch-names.ts): a
 * submodule is an empty namespace, whose names are not supported yet; a function gives, when called, a placeholder for
 * its result, which says "`torch.X` is not supported yet" where the model uses it; a class or constant is such a
 * placeholder. A name PyTorch does not have either is undefined: an unknown attribute, with "did you mean".
 */
function unmodelledNames(owner: 'torch' | 'torch.nn.functional'): (name: string) => Value | undefined {
  return (name) => {
    switch (pytorchName(owner, name)) {
      case 'module':
        return namespace(`${owner}.${name}`, {})
      case 'function':
        return unmodelledFunction(owner, name)
      case undefined:
        return undefined
      default:
        return unmodelledPlaceholder(owner, name, '', unknownPlace)
    }
  }
}

/** A placeholder for `owner.name` (called: `called` is `()`), which says "… is not supported yet" where the model uses it. */
function unmodelledPlaceholder(owner: string, name: string, called: string, span: SourceSpan): Value {
  return { kind: 'placeholder', name: `${owner}.${name}${called}`, reason: { type: 'attribute', owner, attribute: name, suggestions: [], span } }
}

/** A function of PyTorch nnsize does not model: called, it gives a placeholder for its result ({@link unmodelledPlaceholder}). */
function unmodelledFunction(owner: string, name: string): Value {
  return native(`${owner}.${name}`, (_args, span) => unmodelledPlaceholder(owner, name, '()', span))
}

/** `torch`: dtypes, tensor factories and functions, `nn`, and harmless settings. */

/** `torch.special`'s functions that are `torch`'s own under the same or another name (`expit` is `sigmoid`). */
const specialFunctions: ReadonlyArray<readonly [string, string]> = [
  ...['expm1', 'exp2', 'log1p', 'erf', 'erfc', 'erfinv', 'logit', 'xlogy', 'sinc', 'logsumexp', 'softmax', 'log_softmax', 'i0', 'digamma', 'round'].map((name) => [name, name] as const),
  ['expit', 'sigmoid'],
  ['gammaln', 'lgamma'],
  ['psi', 'digamma'],
]

export function torchNamespace(layers: readonly LayerDefinition[], models: readonly LayerDefinition[]): NamespaceValue {
  const members = torchTensorFunctions()
  for (const [alias, dtype] of Object.entries(dtypeAliases)) members[alias] = { kind: 'dtype', dtype }
  const nn = nnNamespace(layers, models)
  members['nn'] = nn
  tensorClass.native = { subclassable: false, call: (args, span, it) => legacyTensorConstructor('Tensor', defaultFloat)(args, span, it) }
  members['Tensor'] = tensorClass.value
  const legacy: Array<[string, DType]> = [
    ['FloatTensor', 'float32'],
    ['DoubleTensor', 'float64'],
    ['HalfTensor', 'float16'],
    ['BFloat16Tensor', 'bfloat16'],
    ['LongTensor', 'int64'],
    ['IntTensor', 'int32'],
    ['ShortTensor', 'int16'],
    ['CharTensor', 'int8'],
    ['ByteTensor', 'uint8'],
    ['BoolTensor', 'bool'],
  ]
  sizeClass.native!.call = (args, span) => tuple(sizesOf(args.length === 0 ? [tuple([])] : args.map((a) => a.value), span).map((d) => int(d)), undefined, sizeClass)
  members['Size'] = sizeClass.value
  deviceClass.native = {
    subclassable: false,
    call: (args, span) => {
      const first = args[0]?.value ?? args.find((a) => a.name === 'type')?.value
      if (first?.kind === 'device') return first
      if (first?.kind === 'int') return { kind: 'device', name: `cuda:${first.value}` }
      if (first?.kind !== 'str') return raise('TypeError', 'argument-type', "`torch.device` needs a string such as `'cuda'`.", span)
      const index = args[1]?.value
      return { kind: 'device', name: index?.kind === 'int' ? `${first.value}:${index.value}` : first.value }
    },
  }
  members['device'] = deviceClass.value
  members['dtype'] = dtypeClass.value
  members['no_grad'] = gradModeContext('no_grad', () => false).value
  members['enable_grad'] = gradModeContext('enable_grad', () => true).value
  members['inference_mode'] = gradModeContext('inference_mode', (args) => !modeArgument(args, 'mode', true)).value
  members['set_grad_enabled'] = gradModeContext('set_grad_enabled', (args) => modeArgument(args, 'mode', true), true).value
  members['autocast'] = harmlessContext('autocast').value
  members['manual_seed'] = native('torch.manual_seed', () => NONE)
  members['seed'] = native('torch.seed', () => int(0))
  members['set_printoptions'] = native('torch.set_printoptions', () => NONE)
  members['set_float32_matmul_precision'] = native('torch.set_float32_matmul_precision', () => NONE)
  members['use_deterministic_algorithms'] = native('torch.use_deterministic_algorithms', () => NONE)
  members['set_num_threads'] = native('torch.set_num_threads', () => NONE)
  members['get_default_dtype'] = native('torch.get_default_dtype', () => ({ kind: 'dtype', dtype: defaultFloat }))
  members['set_default_dtype'] = native('torch.set_default_dtype', (args, span) => {
    const d = args[0]?.value
    if (d?.kind === 'dtype' && d.dtype === defaultFloat) return NONE
    throw new NnsizeError('unsupported', `\`torch.set_default_dtype\` with a dtype other than float32 is not supported yet${d ? ` (got ${d.kind === 'dtype' ? `torch.${d.dtype}` : typeName(d)})` : ''}.`, { span })
  })
  members['finfo'] = native('torch.finfo', (args, span) => {
    const d = args[0]?.value
    if (d === undefined) return finfo(defaultFloat)
    if (d.kind !== 'dtype') return raise('TypeError', 'argument-type', '`torch.finfo` takes a floating-point dtype.', span)
    const info = finfo(d.dtype)
    return info.kind === 'none' ? raise('TypeError', 'argument-type', `\`torch.finfo\` takes a floating-point dtype, got torch.${d.dtype}.`, span) : info
  })
  members['inf'] = float(Infinity)
  members['nan'] = float(Number.NaN)
  members['pi'] = float(Math.PI)
  members['e'] = float(Math.E)
  members['__version__'] = str('2.13.0')
  // Grad mode of the running traced forward (`torch.no_grad()` turns it off); on while the model is built.
  members['is_grad_enabled'] = native('torch.is_grad_enabled', (_args, _span, it) => bool(it ? (gradModeOf(it as Interpreter) ?? true) : true))
  members['is_autocast_enabled'] = native('torch.is_autocast_enabled', () => FALSE)
  const torch = namespace('torch', members, unmodelledNames('torch'))
  ;(nn.members['functional'] as NamespaceValue).fallback = unmodelledNames('torch.nn.functional')
  // what few programs use is made when first read
  for (const [name, dtype] of legacy) lazyMember(torch.members, name, () => native(`torch.${name}`, legacyTensorConstructor(name, dtype)))
  // `torch.nn.attention` and `torch.backends` share the attention backends they turn on and off.
  let sdp: ReturnType<typeof sdpModules> | undefined
  lazyMember(nn.members, 'attention', () => (sdp ??= sdpModules()).attention)
  lazyMember(torch.members, 'backends', () => (sdp ??= sdpModules()).backends)
  // `torch.amp.autocast(device_type, ...)`, also as a decorator: nnsize keeps every dtype as written.
  lazyMember(torch.members, 'amp', () => namespace('torch.amp', { autocast: torch.members['autocast']! }))
  lazyMember(torch.members, 'fft', fftNamespace)
  // `torch.special`: the functions it shares with `torch` (denoising-diffusion-pytorch's `expm1`), under both names
  lazyMember(torch.members, 'special', () => {
    const special: Record<string, Value> = {}
    for (const [name, same] of specialFunctions) if (Object.hasOwn(torch.members, same)) special[name] = torch.members[same]!
    // its other functions are not modelled: each gives a value that is not supported yet where the model uses it
    return namespace('torch.special', special, (name) => unmodelledFunction('torch.special', name))
  })
  // read on first use: torch.linalg is in the CLI's bundle of rarely imported libraries
  lazyMember(torch.members, 'linalg', () => linalgNamespace())
  // `torch.det`, `torch.inverse`, `torch.svd`, …: the decompositions of `torch.linalg`, read on first use too.
  for (const name of ['det', 'slogdet', 'logdet', 'inverse', 'pinverse', 'svd', 'qr', 'cholesky']) lazyMember(torch.members, name, () => torchDecomposition(name))
  lazyMember(torch.members, 'autograd', autogradNamespace)
  lazyMember(torch.members, 'distributions', () => distributionsNamespace(torch))
  lazyMember(torch.members, 'compile', () => torchCompile(nn))
  lazyMember(torch.members, 'jit', () =>
    namespace('torch.jit', {
      script: identityDecorator('torch.jit.script'),
      ignore: identityDecorator('torch.jit.ignore'),
      unused: identityDecorator('torch.jit.unused'),
      export: identityDecorator('torch.jit.export'),
      script_method: identityDecorator('torch.jit.script_method'),
      ScriptModule: scriptModuleClass.value,
      is_scripting: native('torch.jit.is_scripting', () => FALSE),
      is_tracing: native('torch.jit.is_tracing', () => FALSE),
      Final: { kind: 'typehint', name: 'Final' },
    }),
  )
  lazyMember(torch.members, 'cuda', () =>
    namespace('torch.cuda', {
      is_available: native('torch.cuda.is_available', () => FALSE),
      device_count: native('torch.cuda.device_count', () => int(0)),
      is_bf16_supported: native('torch.cuda.is_bf16_supported', () => FALSE),
      manual_seed: native('torch.cuda.manual_seed', () => NONE),
      manual_seed_all: native('torch.cuda.manual_seed_all', () => NONE),
    }),
  )
  // `torch.utils.checkpoint`: activation checkpointing (`checkpoint(fn, *args, use_reentrant=…)`); `torch.utils`'
  // other modules (`data`, `tensorboard`) stay unread.
  lazyMember(torch.members, 'utils', () =>
    namespace('torch.utils', {
      checkpoint: namespace('torch.utils.checkpoint', {
        checkpoint: native('torch.utils.checkpoint.checkpoint', (args, span, it) => {
          const fn = args[0]
          if (!fn || fn.name !== undefined) return raise('TypeError', 'missing-argument', '`checkpoint` needs the function to run first.', span)
          const flag = args.find((a) => a.name === 'use_reentrant')?.value
          const rest = args.slice(1).filter((a) => a.name !== 'use_reentrant' && a.name !== 'preserve_rng_state' && a.name !== 'determinism_check' && a.name !== 'debug')
          const reentrant = flag === undefined || flag.kind === 'none' ? true : (it as Interpreter).truthy(flag, span)
          return checkpointCall(it as Interpreter, fn.value, rest, reentrant, span)
        }),
      }),
    }),
  )
  // One process, no process group: what `torch.distributed` tells a model built outside a launcher (rosinality's
  // `get_world_size()` checks `is_available()` and `is_initialized()` first).
  const noGroup = (name: string): Value =>
    native(`torch.distributed.${name}`, (_args, span) => raise('ValueError', 'argument-value', 'Default process group has not been initialized, please make sure to call init_process_group.', span))
  lazyMember(torch.members, 'distributed', () =>
    namespace('torch.distributed', {
      is_available: native('torch.distributed.is_available', () => TRUE),
      is_initialized: native('torch.distributed.is_initialized', () => FALSE),
      is_nccl_available: native('torch.distributed.is_nccl_available', () => FALSE),
      get_rank: noGroup('get_rank'),
      get_world_size: noGroup('get_world_size'),
      barrier: noGroup('barrier'),
    }),
  )
  // A CPU build: no accelerator, as PyTorch 2.13 reports without CUDA, MPS or XPU.
  lazyMember(torch.members, 'accelerator', () =>
    namespace('torch.accelerator', {
      is_available: native('torch.accelerator.is_available', () => FALSE),
      device_count: native('torch.accelerator.device_count', () => int(0)),
      current_accelerator: native('torch.accelerator.current_accelerator', () => NONE),
    }),
  )
  return torch
}
