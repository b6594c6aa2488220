import { NnsizeError } from '../errors.js'
import { torchVersions } from '../forward/torch-version.js'
import { fieldError } from './field-errors.js'

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
