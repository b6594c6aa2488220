import { FUNCTIONAL_FUNCTIONS, FUNCTIONAL_MODULES, FUNCTIONAL_OTHERS, TENSOR, TORCH_FUNCTIONS, TORCH_MODULES, TORCH_OTHERS } from './torch-names-data.js'

/**
 * What a public name of PyTorch 2.13 is: a submodule (`torch.special`), a function (`torch.addmm`), or a class or
 * constant (`torch.Generator`, `torch.uint16`). Tensor attributes have one kind, `'attribute'`.
 */
export type TorchNameKind = 'module' | 'function' | 'other' | 'attribute'

/** The owners whose public names nnsize keeps (torch_names.py writes them). */
export type TorchNameOwner = 'torch' | 'torch.nn.functional' | 'Tensor'

const digits = '0123456789abcdefghijklmnopqrstuvwxyz'

/** The names of a front-coded list (see torch_names.py): each shares a counted prefix with the one before it. */
function decode(coded: string): string[] {
  const names: string[] = []
  let previous = ''
  for (const entry of coded.split(' ')) {
    previous = previous.slice(0, digits.indexOf(entry[0]!)) + entry.slice(1)
    names.push(previous)
  }
  return names
}

let tables: Record<TorchNameOwner, Map<string, TorchNameKind>> | undefined

/** The lists, decoded on first use (most programs only name what nnsize models). */
function tablesOf(): Record<TorchNameOwner, Map<string, TorchNameKind>> {
  if (tables) return tables
  const table = (lists: ReadonlyArray<[string, TorchNameKind]>): Map<string, TorchNameKind> => {
    const map = new Map<string, TorchNameKind>()
    for (const [coded, kind] of lists) for (const name of decode(coded)) map.set(name, kind)
    return map
  }
  tables = {
    torch: table([[TORCH_MODULES, 'module'], [TORCH_FUNCTIONS, 'function'], [TORCH_OTHERS, 'other']]),
    'torch.nn.functional': table([[FUNCTIONAL_MODULES, 'module'], [FUNCTIONAL_FUNCTIONS, 'function'], [FUNCTIONAL_OTHERS, 'other']]),
    Tensor: table([[TENSOR, 'attribute']]),
  }
  return tables
}

/**
 * The kind of `name` when PyTorch 2.13 has it as a public attribute of `owner` (`torch.addmm`, `Tensor.lerp_`), else
 * undefined: a name nnsize does not model yet but PyTorch has is "not supported yet", not misspelt.
 */
export function pytorchName(owner: TorchNameOwner, name: string): TorchNameKind | undefined {
  return tablesOf()[owner].get(name)
}
