import type { SourceSpan } from '../errors.js'
import type { ModuleNode } from '../model/module.js'
import type { DType } from '../tensor/dtype.js'

/** One argument passed to a callable, already evaluated. */
export interface ArgValue {
  /** Keyword name, absent for positional arguments. */
  name?: string | undefined
  value: Value
  /** Span of the whole argument (`bias=False`). */
  span: SourceSpan
  /** Span of the value alone. */
  valueSpan: SourceSpan
}

/** A function the interpreter can call: a layer class, a builtin, a bound method. */
export interface CallableValue {
  kind: 'callable'
  /** Qualified name for messages (`nn.Conv2d`, `range`). */
  name: string
  invoke(args: ArgValue[], span: SourceSpan): Value
  /** Attributes reachable with `.` (e.g. `nn.Embedding.from_pretrained`). */
  members?: Record<string, Value>
  /** For activation functions passed as values (`F.gelu`): their PyTorch name. */
  activation?: string
}

/** Runtime values of the expression language. Python `int`s are exact (`bigint`). */
export type Value =
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'str'; value: string }
  | { kind: 'tuple'; items: Value[] }
  | { kind: 'list'; items: Value[] }
  | { kind: 'dict'; entries: Array<[Value, Value]>; ordered?: boolean }
  | { kind: 'module'; module: ModuleNode }
  | { kind: 'dtype'; dtype: DType }
  | { kind: 'device'; name: string }
  | { kind: 'tensor'; shape: number[]; dtype: DType; requiresGrad: boolean; /** Made by `nn.Parameter(...)`. */ parameter?: boolean }
  | { kind: 'namespace'; name: string; members: Record<string, Value> }
  | CallableValue

/** Python's name for a value's type, for error messages. */
export function typeName(value: Value): string {
  switch (value.kind) {
    case 'int':
      return 'int'
    case 'float':
      return 'float'
    case 'bool':
      return 'bool'
    case 'none':
      return 'None'
    case 'str':
      return 'str'
    case 'tuple':
      return 'tuple'
    case 'list':
      return 'list'
    case 'dict':
      return 'dict'
    case 'module':
      return value.module.type
    case 'dtype':
      return 'torch.dtype'
    case 'device':
      return 'torch.device'
    case 'tensor':
      return 'Tensor'
    case 'namespace':
      return 'module'
    case 'callable':
      return 'function'
  }
}

/** A short Python-like rendering of a value for messages (`3.5`, `'relu'`, `(3, 3)`). */
export function showValue(value: Value): string {
  switch (value.kind) {
    case 'int':
      return value.value.toString()
    case 'float':
      return Number.isInteger(value.value) ? value.value.toFixed(1) : String(value.value)
    case 'bool':
      return value.value ? 'True' : 'False'
    case 'none':
      return 'None'
    case 'str':
      return `'${value.value}'`
    case 'tuple':
      return value.items.length === 1 ? `(${showValue(value.items[0]!)},)` : `(${value.items.map(showValue).join(', ')})`
    case 'list':
      return value.items.length > 6 ? `[${value.items.slice(0, 6).map(showValue).join(', ')}, …]` : `[${value.items.map(showValue).join(', ')}]`
    case 'dict':
      return `{${value.entries.map(([k, v]) => `${showValue(k)}: ${showValue(v)}`).join(', ')}}`
    case 'module':
      return `${value.module.type}(…)`
    case 'dtype':
      return `torch.${value.dtype}`
    case 'device':
      return `device('${value.name}')`
    case 'tensor':
      return `tensor of shape (${value.shape.join(', ')})`
    case 'namespace':
      return value.name
    case 'callable':
      return value.name
  }
}
