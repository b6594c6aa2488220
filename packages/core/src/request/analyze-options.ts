import { NnsizeError } from '../errors.js'
import { torchVersions } from '../forward/torch-version.js'
import type { TorchVersion } from '../forward/torch-version.js'
import type { DeviceProfile } from '../forward/trace.js'
import { fieldError } from './field-errors.js'

/** Options of `analyze`. */
export interface AnalyzeOptions {
  /**
   * Forward-pass input shapes: `"1,3,224,224"`, `"2,10,64; 2,20,64"`, `[1, 3, 224, 224]`
   * or `[[2, 10, 64], [2, 20, 64]]`. Without it only parameters and buffers are counted.
   */
  input?: string | readonly number[] | ReadonlyArray<readonly number[]> | undefined
  /** Which kernels' saved tensors to model for activation memory. Default `cuda`. */
  device?: DeviceProfile | undefined
  /** The PyTorch release whose behaviour to reproduce. Default `2.13`. */
  torch?: TorchVersion | undefined
  /**
   * For a model defined by Python classes: how to call it, an expression over `m` (the model) and `x` (the list of
   * input tensors), such as `m(x[0], m.init_hidden(4))` or `m(x[0], x[1], None)`. Default `m(*x)`. Tensors the
   * expression makes are not inputs.
   */
  call?: string | undefined
  /**
   * Which inputs require grad, in order (`[true, false]`: a graph's features do, its adjacency matrix does not).
   * Default: every floating-point input does; integer inputs never can.
   */
  inputRequiresGrad?: readonly boolean[] | undefined
}

const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `${typeof value} \`${String(value).slice(0, 40)}\``)

/**
 * Checks what `analyze` was given before anything is built: source text (a primitive string) or a parsed
 * `config.json` object, and options that are an object with a valid `input`, `device` and `torch`. Each mistake is a
 * typed {@link NnsizeError} naming the field, never a `TypeError`.
 */
export function checkAnalyzeArguments(source: unknown, options: unknown): void {
  if (source instanceof String) throw new NnsizeError('type', '`analyze` takes source text as a string primitive, got a `String` object: pass `String(source)`.', { field: 'source' })
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new NnsizeError('option', `The options of \`analyze\` must be an object such as \`{ input: '1,3,224,224' }\`, got ${describe(options)}.`)
  }
  const { input, device, torch, call, inputRequiresGrad } = options as Record<string, unknown>
  if (input !== undefined) {
    const isShape = (v: unknown): boolean => Array.isArray(v) && v.every((d) => typeof d === 'number')
    const ok = typeof input === 'string' || (Array.isArray(input) && (isShape(input) || (input.length > 0 && input.every(isShape))))
    if (!ok) throw fieldError('input', 'input', `must be shapes such as \`'1,3,224,224'\`, \`[1, 3, 224, 224]\` or \`[[2, 10, 64], [2, 20, 64]]\`, got ${describe(input)}.`)
  }
  if (device !== undefined && device !== 'cpu' && device !== 'cuda') throw fieldError('device', 'device', `must be \`cpu\` or \`cuda\`, got ${describe(device)}.`)
  if (inputRequiresGrad !== undefined && !(Array.isArray(inputRequiresGrad) && inputRequiresGrad.every((v) => typeof v === 'boolean'))) {
    throw fieldError('input', 'inputRequiresGrad', `must be a list of booleans, one per input, such as \`[true, false]\`, got ${describe(inputRequiresGrad)}.`)
  }
  if (call !== undefined && typeof call !== 'string') throw fieldError('input', 'call', `must be a Python expression over \`m\` and \`x\` such as \`'m(x[0], m.init_hidden(4))'\`, got ${describe(call)}.`)
  if (torch !== undefined && !torchVersions.includes(torch as never)) throw fieldError('torch', 'torch', `must be one of ${torchVersions.map((v) => `\`'${v}'\``).join(', ')}, got ${describe(torch)}.`)
}
