import type { SdpBackends } from '../../forward/ops/attention.js'
import { makeClass } from '../classes.js'
import { raise } from '../exceptions.js'
import { dictSet, newDict } from '../hash.js'
import type { Interpreter } from '../interpreter.js'
import { objectClass } from '../types.js'
import { FALSE, NONE, bool, int, namespace, native, str, typeName } from '../../contract/values.js'
import type { ArgValue, InstanceValue, NamespaceValue, Value } from '../../contract/values.js'
import { contextClass } from './context.js'

/** The backends enabled in each running program, as PyTorch's global flags are; all at first. */
const enabled = new WeakMap<Interpreter, SdpBackends>()

/** The attention backends `F.scaled_dot_product_attention` may pick in this program now. */
export function sdpBackendsOf(it: Interpreter): SdpBackends {
  return enabled.get(it) ?? { flash: true, efficient: true, math: true, cudnn: true }
}

function setBackends(it: Interpreter, backends: SdpBackends): SdpBackends {
  const before = sdpBackendsOf(it)
  enabled.set(it, backends)
  return before
}

/** `torch.nn.attention.SDPBackend`'s members, with the flag each stands for (`ERROR` and `OVERRIDEABLE` none nnsize reads). */
const members: ReadonlyArray<[string, number, keyof SdpBackends | undefined]> = [
  ['ERROR', -1, undefined],
  ['MATH', 0, 'math'],
  ['FLASH_ATTENTION', 1, 'flash'],
  ['EFFICIENT_ATTENTION', 2, 'efficient'],
  ['CUDNN_ATTENTION', 3, 'cudnn'],
  ['OVERRIDEABLE', 4, undefined],
]

interface SdpModules {
  /** `torch.nn.attention`. */
  attention: NamespaceValue
  /** `torch.backends`. */
  backends: NamespaceValue
}

/**
 * `torch.nn.attention` (`SDPBackend`, `sdpa_kernel`) and `torch.backends` (`cuda.sdp_kernel`, `cuda.SDPBackend`,
 * `cuda.enable_flash_sdp(…)` and its siblings, `cuda.is_built()`, `mps.is_available()`), as PyTorch 2.13's CPU build has
 * them: the attention backends they enable or turn off decide the kernel `F.scaled_dot_product_attention` runs, so
 * what it saves (on CPU, flash or math). Other names of `torch.backends` (`cudnn.benchmark = True`) stay settings
 * that change nothing nnsize models.
 */
export function sdpModules(): SdpModules {
  const backendClass = makeClass('SDPBackend', [objectClass], { module: 'torch.nn.attention', native: { subclassable: false } })
  const flags = new Map<InstanceValue, keyof SdpBackends | undefined>()
  for (const [name, value, flag] of members) {
    const member: InstanceValue = { kind: 'instance', cls: backendClass, dict: newDict() }
    dictSet(member.dict, str('name'), str(name), undefined)
    dictSet(member.dict, str('value'), int(value), undefined)
    flags.set(member, flag)
    backendClass.dict.set(name, member)
  }
  // `sdpa_kernel(backends, set_priority=False)`: only the backends given are enabled inside it.
  const sdpaKernel = contextClass('sdpa_kernel', (args, it) => {
    const given = args.find((a) => a.name === 'backends')?.value ?? args.find((a) => a.name === undefined)?.value
    const span = args[0]?.span
    const list = given?.kind === 'list' ? given.items : given ? [given] : []
    const chosen: SdpBackends = { flash: false, efficient: false, math: false, cudnn: false }
    for (const v of list) {
      if (v.kind !== 'instance' || !flags.has(v)) {
        return raise('AssertionError', 'argument-type', `Backend must be an instance of SDPBackend or a list of SDPBackend instances, got ${given ? typeName(given) : 'nothing'}`, span)
      }
      const flag = flags.get(v)
      if (flag) chosen[flag] = true
    }
    if (!it) return undefined
    const before = setBackends(it, chosen)
    return () => setBackends(it, before)
  })
  // `torch.backends.cuda.sdp_kernel(enable_flash=True, enable_math=True, enable_mem_efficient=True, enable_cudnn=True)`.
  const sdpKernel = contextClass('sdp_kernel', (args, it) => {
    const names = ['enable_flash', 'enable_math', 'enable_mem_efficient', 'enable_cudnn']
    const flag = (i: number): boolean => {
      const v = args.find((a) => a.name === names[i])?.value ?? args.filter((a) => a.name === undefined)[i]?.value
      return v === undefined || !it ? true : it.truthy(v, args[0]!.span)
    }
    const chosen: SdpBackends = { flash: flag(0), math: flag(1), efficient: flag(2), cudnn: flag(3) }
    if (!it) return undefined
    const before = setBackends(it, chosen)
    return () => setBackends(it, before)
  })
  const cuda: Record<string, Value> = {
    sdp_kernel: sdpKernel.value,
    SDPBackend: backendClass.value,
    is_built: native('torch.backends.cuda.is_built', () => FALSE),
  }
  const switches: Array<[string, string, keyof SdpBackends]> = [
    ['flash_sdp_enabled', 'enable_flash_sdp', 'flash'],
    ['mem_efficient_sdp_enabled', 'enable_mem_efficient_sdp', 'efficient'],
    ['math_sdp_enabled', 'enable_math_sdp', 'math'],
    ['cudnn_sdp_enabled', 'enable_cudnn_sdp', 'cudnn'],
  ]
  for (const [query, set, flag] of switches) {
    cuda[query] = native(`torch.backends.cuda.${query}`, (_args, _span, it) => bool(sdpBackendsOf(it!)[flag]))
    cuda[set] = native(`torch.backends.cuda.${set}`, (args: ArgValue[], span, it) => {
      const v = args[0]?.value ?? raise('TypeError', 'missing-argument', `\`torch.backends.cuda.${set}\` takes one argument, \`enabled\`.`, span)
      setBackends(it!, { ...sdpBackendsOf(it!), [flag]: it!.truthy(v, span) })
      return NONE
    })
  }
  const never = (name: string): Value => native(name, () => FALSE)
  return {
    attention: namespace('torch.nn.attention', { SDPBackend: backendClass.value, sdpa_kernel: sdpaKernel.value }),
    backends: namespace('torch.backends', {
      cuda: namespace('torch.backends.cuda', cuda),
      mps: namespace('torch.backends.mps', { is_available: never('torch.backends.mps.is_available'), is_built: never('torch.backends.mps.is_built') }),
    }),
  }
}
