import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'
import { numel } from '../tensor/shape.js'
import { grouped, malformed } from './bytes.js'
import { isFloatName, storageClassDTypes, torchItemBytes } from './dtypes.js'
import { identifyOptimizer } from './optimizer-state.js'
import { bytesRepr, dictGet, globalName, keptBytes, newDict, opcodeNames, sequenceItems } from './pickle.js'
import type { PickleHooks, PyDict, PyGlobal, PyObject, PyValue } from './pickle.js'
import { tensorKind } from './tensors.js'
import type { ParsedFile } from './tensors.js'
import type { CheckpointInfo, FileTensor, OptimizerStateInfo, PickleInfo } from './types.js'

/** One storage record a checkpoint refers to. */
export interface TorchStorage {
  key: string
  /** The storage's dtype (`float32`); `uint8` for an untyped storage, whose tensors carry their own dtype. */
  dtype: string
  /** Elements the pickle declares, of `dtype`. */
  elements: bigint
  /** Bytes the storage holds (elements × element size). */
  bytes: bigint
}

/** The pieces of a sparse tensor (`_rebuild_sparse_tensor`): its layout and the strided tensors that hold it. */
export interface SparseParts {
  /** PyTorch's layout name: `sparse_coo`, `sparse_csr`, `sparse_csc`, `sparse_bsr`, `sparse_bsc`. */
  layout: string
  /** `indices` and `values` (COO); `compressed_indices`, `plain_indices` and `values` (compressed layouts). */
  pieces: Array<{ role: string; tensor: TorchTensor }>
}

/** A tensor rebuilt from a pickle: where its elements are, not the elements. */
export class TorchTensor {
  /** `requires_grad` as saved (`_rebuild_parameter`'s second argument for an `nn.Parameter`). */
  requiresGrad = false
  /** Set for a sparse tensor: `shape` is its dense size, `storage` is null and the pieces hold the data. */
  sparse: SparseParts | null = null

  constructor(
    readonly storage: TorchStorage | null,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
    readonly dtype: string,
    public parameter: boolean,
  ) {}
}

/** A `torch.layout` made by `torch.serialization._get_layout('torch.sparse_coo')`. */
class TorchLayout {
  constructor(readonly name: string) {}
}

/**
 * The opcodes PyTorch's `weights_only` unpickler implements (torch 2.13 `_weights_only_unpickler.Unpickler.load`):
 * protocol 2 as `torch.save` writes it. Any other opcode — `FRAME`, `STACK_GLOBAL`, `MEMOIZE`,
 * `SHORT_BINUNICODE` (protocol 4 and up), `SHORT_BINBYTES`/`BINBYTES` (bytes, protocol 3 and up), `INT` (how
 * protocols 0 and 1 write `True` and `False`), the text opcodes of protocol 0 — makes `torch.load(weights_only=True)`
 * fail with "Unsupported operand".
 */
const weightsOnlyOpcodes: ReadonlySet<string> = new Set([
  'GLOBAL', 'NEWOBJ', 'REDUCE', 'BUILD', 'APPEND', 'APPENDS', 'SETITEM', 'SETITEMS', 'MARK', 'TUPLE', 'TUPLE1', 'TUPLE2', 'TUPLE3', 'NONE', 'NEWFALSE',
  'NEWTRUE', 'EMPTY_TUPLE', 'EMPTY_LIST', 'EMPTY_DICT', 'EMPTY_SET', 'BININT', 'BININT1', 'BININT2', 'BINFLOAT', 'BINUNICODE', 'SHORT_BINSTRING',
  'BINPERSID', 'BINGET', 'LONG_BINGET', 'BINPUT', 'LONG_BINPUT', 'LONG1', 'PROTO', 'STOP',
])

/** Python's truth value of a pickled flag (`True`, or `1` from old protocols). */
const truthy = (v: PyValue | undefined): boolean => v === true || (typeof v === 'number' && v !== 0)

/** The globals PyTorch's `weights_only` unpickler allows (torch 2.13 `_get_allowed_globals`), apart from dtypes and storage classes. */
const allowedGlobals = new Set([
  'collections.OrderedDict',
  'collections.Counter',
  'torch.nn.parameter.Parameter',
  'torch.serialization._get_layout',
  'torch.Size',
  'torch.Tensor',
  'torch.device',
  '_codecs.encode',
  'builtins.bytearray',
  'builtins.set',
  'builtins.complex',
  'torch.storage.TypedStorage',
  'torch.storage.UntypedStorage',
  'torch._tensor._rebuild_from_type_v2',
  ...['parameter', 'parameter_with_state', 'qtensor', 'tensor', 'tensor_v2', 'tensor_v3', 'sparse_tensor', 'meta_tensor_no_storage', 'nested_tensor', 'wrapper_subclass', 'device_tensor_from_numpy', 'device_tensor_from_cpu_tensor'].map((f) => `torch._utils._rebuild_${f}`),
  ...['per_tensor_affine', 'per_tensor_symmetric', 'per_channel_affine', 'per_channel_symmetric', 'per_channel_affine_float_qparams'].map((q) => `torch.${q}`),
])

/** Legacy tensor classes `torch.FloatTensor`, `torch.cuda.sparse.HalfTensor`, … */
const tensorClass = /^torch(\.cuda)?(\.sparse)?\.(Float|Double|Half|BFloat16|Long|Int|Short|Char|Byte|Bool)Tensor$/
/** Legacy storage classes `torch.FloatStorage`, `torch.cuda.HalfStorage`, … */
const storageClass = /^torch(\.cuda)?\.(\w+Storage)$/

/** Whether `torch.load(weights_only=True)` accepts `module.name`. */
export function isAllowedGlobal(module: string, name: string): boolean {
  const full = `${module}.${name}`
  if (allowedGlobals.has(full) || tensorClass.test(full)) return true
  const storage = storageClass.exec(full)
  if (storage && Object.hasOwn(storageClassDTypes, storage[2]!)) return true
  return module === 'torch' && Object.hasOwn(torchItemBytes, name)
}

/**
 * Modules whose globals are refused as soon as a pickle names them: they run commands, import code, open files
 * or reach arbitrary attributes. `weights_only` refuses them too; nnsize refuses them even in whole-module pickles.
 */
const blockedModules = new Set([
  'os', 'posix', 'nt', 'sys', 'subprocess', 'builtins', 'shutil', 'socket', 'importlib', 'pickle', '_pickle', 'marshal', 'runpy', 'code', 'codeop', 'pty',
  'ctypes', 'webbrowser', 'multiprocessing', 'pdb', 'bdb', 'timeit', 'platform', 'asyncio', 'urllib', 'http', 'ftplib', 'smtplib', 'telnetlib', 'requests',
  'operator', 'functools', 'types', 'inspect', 'io', '_io', 'pathlib', 'tempfile', 'signal', 'threading', '_thread', 'commands', 'popen2', 'posixpath', 'ntpath',
  'glob', 'zipimport', 'pkgutil', 'site', 'sysconfig', 'distutils', 'setuptools', 'pip', 'dill', 'cloudpickle', 'joblib', 'numpy.testing', 'torch.hub', 'torch.jit',
  'torch.ops', 'torch._C', 'torch.serialization', 'torch.utils.cpp_extension',
])

function isBlocked(module: string): boolean {
  if (blockedModules.has(module)) return true
  for (let i = module.indexOf('.'); i > 0; i = module.indexOf('.', i + 1)) if (blockedModules.has(module.slice(0, i))) return true
  return false
}

const asTensor = (v: PyValue | undefined): TorchTensor | null => (typeof v === 'object' && v !== null && v.kind === 'opaque' && v.value instanceof TorchTensor ? v.value : null)
const asStorage = (v: PyValue | undefined): TorchStorage | null => {
  if (typeof v !== 'object' || v === null || v.kind !== 'opaque') return null
  const s = v.value as TorchStorage
  return typeof s === 'object' && s !== null && typeof s.key === 'string' && typeof s.bytes === 'bigint' ? s : null
}
const opaque = (value: unknown): PyValue => ({ kind: 'opaque', value })

/** How a file format resolves `('storage', type, key, location, numel, …)`. */
export type StorageResolver = (storage: TorchStorage) => TorchStorage

/** The pickle hooks for PyTorch checkpoints, and what they saw. */
export class TorchPickle implements PickleHooks {
  /** Globals as written. */
  readonly written = new Set<string>()
  /** Globals outside the `weights_only` allow-list. */
  readonly unknown = new Set<string>()
  /** Calls of globals outside the allow-list, recorded and never made. */
  readonly unknownCalls: string[] = []
  readonly warnings = new Set<string>()
  readonly storages = new Map<string, TorchStorage>()
  /** Opcodes the pickles use, by byte. */
  readonly opcodes = new Set<number>()
  /** Module classes recorded by legacy `('module', class, file, source)` persistent ids. */
  readonly moduleSources = new Set<string>()

  /**
   * `legacy`: the pickle is a legacy (`_use_new_zipfile_serialization=False`) stream, whose persistent ids may
   * also be `('module', class, source_file, source)`: the class of a pickled `nn.Module`, with its source text.
   */
  constructor(
    private readonly what: string,
    private readonly resolve: StorageResolver,
    private readonly legacy = false,
  ) {}

  /** Records the opcodes of one of the file's pickles. */
  addOpcodes(opcodes: Iterable<number>): void {
    for (const op of opcodes) this.opcodes.add(op)
  }

  global(module: string, name: string, written: string): 'allowed' | 'class' {
    this.written.add(written)
    if (isAllowedGlobal(module, name)) return 'allowed'
    if (isBlocked(module)) {
      throw new NnsizeError('unsafe-pickle', `${this.what} imports \`${written}\`, which PyTorch's \`weights_only\` loader refuses: loading this file with \`torch.load(weights_only=False)\` could run it. nnsize does not run pickles and stops here.`)
    }
    this.unknown.add(`${module}.${name}`)
    return 'class'
  }

  persistentLoad(pid: PyValue): PyValue {
    const items = sequenceItems(pid)
    if (this.legacy && items !== null && items[0] === 'module' && items.length === 4) {
      // torch.load returns the class (`data[0]`) after comparing the saved source with the class's own; nothing runs.
      const cls = items[1]
      if (typeof cls !== 'object' || cls === null || cls.kind !== 'global') return malformed(`${this.what}: a \`module\` persistent id without a class.`)
      this.moduleSources.add(globalName(cls))
      return cls
    }
    if (items === null || items.length < 5 || items[0] !== 'storage') {
      throw new NnsizeError('unsafe-pickle', `${this.what} loads a persistent object that is not a storage (\`${describe(items?.[0] ?? pid)}\`); only tensor storages are allowed.`)
    }
    const [, type, key, , count] = items
    const keyText = typeof key === 'string' || typeof key === 'number' ? String(key) : malformed(`${this.what}: a storage has no key.`)
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) malformed(`${this.what}: storage \`${keyText}\` declares \`${describe(count ?? null)}\` elements.`)
    let dtype: string
    if (typeof type === 'object' && type !== null && type.kind === 'global') {
      const full = globalName(type)
      const match = storageClass.exec(full)
      if (full === 'torch.storage.UntypedStorage') dtype = 'uint8'
      else if (match && Object.hasOwn(storageClassDTypes, match[2]!)) dtype = storageClassDTypes[match[2]!]!
      else return malformed(`${this.what}: storage \`${keyText}\` has type \`${full}\`, which is not a storage class.`)
    } else return malformed(`${this.what}: storage \`${keyText}\` has no storage class.`)
    const elements = BigInt(count as number)
    const existing = this.storages.get(keyText)
    if (existing) return opaque(existing)
    const storage = this.resolve({ key: keyText, dtype, elements, bytes: elements * BigInt(torchItemBytes[dtype]!) })
    this.storages.set(keyText, storage)
    return opaque(storage)
  }

  call(fn: PyGlobal, args: PyValue[]): PyValue {
    const full = globalName(fn)
    if (this.unknown.has(full)) {
      this.unknownCalls.push(fn.written)
      return { kind: 'call', fn, args, state: undefined }
    }
    switch (full) {
      case 'collections.OrderedDict':
      case 'collections.Counter': {
        const d = newDict(full)
        for (const pair of sequenceItems(args[0]) ?? []) {
          const kv = sequenceItems(pair)
          const key = kv?.[0]
          if (kv?.length === 2 && key !== undefined && (typeof key !== 'object' || key === null)) {
            d.index.set(key, d.keys.length)
            d.keys.push(key)
            d.values.push(kv[1]!)
          }
        }
        return d
      }
      case 'builtins.set':
        return { kind: 'set', items: [...(sequenceItems(args[0]) ?? [])] }
      case 'builtins.bytearray':
      case '_codecs.encode': {
        // `_codecs.encode(text, 'latin1')`: how protocol 2 writes bytes.
        const text = typeof args[0] === 'string' ? args[0] : ''
        const latin1 = text.length <= keptBytes && [...text].every((ch) => ch.charCodeAt(0) < 256)
        return { kind: 'bytes', length: text.length, ...(latin1 ? { data: Uint8Array.from(text, (ch) => ch.charCodeAt(0)) } : {}) }
      }
      case 'torch.serialization._get_layout':
        return opaque(new TorchLayout(typeof args[0] === 'string' ? args[0].replace(/^torch\./, '') : '?'))
      case 'torch._utils._rebuild_sparse_tensor':
        return opaque(this.sparseTensor(fn, args))
      case 'torch.Size':
        return { kind: 'tuple', items: [...(sequenceItems(args[0]) ?? [])] }
      case 'torch._utils._rebuild_tensor':
      case 'torch._utils._rebuild_qtensor':
        return opaque(this.tensor(args, null))
      case 'torch._utils._rebuild_tensor_v2': {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        const t = this.tensor(args, null)
        t.requiresGrad = truthy(args[4])
        return opaque(t)
      }
      case 'torch._utils._rebuild_tensor_v3': {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype[, metadata])
        const t = this.tensor(args, this.dtypeOf(args[6]))
        t.requiresGrad = truthy(args[4])
        return opaque(t)
      }
      case 'torch._utils._rebuild_meta_tensor_no_storage': {
        const dtype = this.dtypeOf(args[0])
        return opaque(new TorchTensor(null, 0, this.dims(args[1], 'shape'), this.dims(args[2], 'stride'), dtype, false))
      }
      case 'torch._utils._rebuild_parameter':
      case 'torch._utils._rebuild_parameter_with_state':
      case 'torch.nn.parameter.Parameter': {
        // `_rebuild_parameter(data, requires_grad, backward_hooks)`, `…_with_state(data, requires_grad, backward_hooks, state)`,
        // `Parameter(data, requires_grad=True)`: the flag decides whether the parameter is trained.
        const t = asTensor(args[0])
        if (t === null) return malformed(`${this.what}: \`${fn.written}\` without a tensor.`)
        t.parameter = true
        t.requiresGrad = full === 'torch.nn.parameter.Parameter' && args.length < 2 ? true : truthy(args[1])
        return opaque(t)
      }
      case 'torch._utils._rebuild_device_tensor_from_cpu_tensor':
        return args[0] ?? null
      case 'torch._tensor._rebuild_from_type_v2': {
        const [inner, type, innerArgs] = args
        if (typeof inner !== 'object' || inner === null || inner.kind !== 'global') return malformed(`${this.what}: \`_rebuild_from_type_v2\` without a function.`)
        this.global(inner.module, inner.name, inner.written)
        const made = this.call(inner, sequenceItems(innerArgs ?? null) ?? [])
        const t = asTensor(made)
        if (t && typeof type === 'object' && type !== null && type.kind === 'global' && globalName(type) === 'torch.nn.parameter.Parameter') t.parameter = true
        return made
      }
      default:
        if (full.startsWith('torch._utils._rebuild_')) this.warnings.add(`\`${full}\` (nested or subclass tensors) is recorded but not sized.`)
        return { kind: 'call', fn, args, state: undefined }
    }
  }

  /**
   * `_rebuild_sparse_tensor(layout, data)`: COO `(indices, values, size[, is_coalesced])`, compressed layouts
   * `(compressed_indices, plain_indices, values, size)`. One tensor of the dense size and the values' dtype.
   */
  private sparseTensor(fn: PyGlobal, args: PyValue[]): TorchTensor {
    const layout = typeof args[0] === 'object' && args[0] !== null && args[0].kind === 'opaque' && args[0].value instanceof TorchLayout ? args[0].value.name : null
    const data = sequenceItems(args[1])
    const compressed = layout !== null && /^sparse_(csr|csc|bsr|bsc)$/.test(layout)
    const roles = layout === 'sparse_coo' ? ['indices', 'values'] : compressed ? ['compressed_indices', 'plain_indices', 'values'] : null
    if (roles === null || data === null || data.length < roles.length + 1) return malformed(`${this.what}: \`${fn.written}\` with layout \`${layout ?? '?'}\` and ${data?.length ?? 0} parts; PyTorch rebuilds COO, CSR, CSC, BSR and BSC tensors.`)
    const pieces = roles.map((role, i) => {
      const tensor = asTensor(data[i])
      if (tensor === null || tensor.sparse !== null) return malformed(`${this.what}: the \`${role}\` of a sparse tensor is not a tensor.`)
      return { role, tensor }
    })
    const shape = this.dims(data[roles.length], 'size')
    const values = pieces.at(-1)!.tensor
    const t = new TorchTensor(null, 0, shape, [], values.dtype, false)
    t.sparse = { layout: layout!, pieces }
    return t
  }

  private dtypeOf(value: PyValue | undefined): string {
    if (typeof value === 'object' && value !== null && value.kind === 'global' && value.module === 'torch' && Object.hasOwn(torchItemBytes, value.name)) return value.name
    return malformed(`${this.what}: a tensor's dtype is \`${describe(value ?? null)}\`, not a \`torch\` dtype.`)
  }

  private dims(value: PyValue | undefined, what: string): number[] {
    const items = sequenceItems(value ?? null)
    if (items === null || items.length > 64) return malformed(`${this.what}: a tensor's ${what} is not a list of at most 64 integers.`)
    for (const d of items) {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) malformed(`${this.what}: a tensor's ${what} has \`${describe(d)}\`; sizes and strides are whole numbers from 0 to 2^53 − 1.`)
    }
    return items as number[]
  }

  /** `_rebuild_tensor_v2(storage, offset, size, stride, …)`: checks that the view stays inside its storage. */
  private tensor(args: PyValue[], dtype: string | null): TorchTensor {
    const storage = asStorage(args[0])
    if (storage === null) return malformed(`${this.what}: a tensor is rebuilt without a storage.`)
    const offset = args[1]
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) return malformed(`${this.what}: a tensor's storage offset is \`${describe(offset ?? null)}\`.`)
    const shape = this.dims(args[2], 'shape')
    const stride = this.dims(args[3], 'stride')
    if (stride.length !== shape.length) malformed(`${this.what}: a tensor has ${shape.length} sizes but ${stride.length} strides.`)
    const type = dtype ?? storage.dtype
    const item = BigInt(torchItemBytes[type]!)
    if (numel(shape) > 0n) {
      let last = BigInt(offset)
      for (let i = 0; i < shape.length; i++) last += BigInt(shape[i]! - 1) * BigInt(stride[i]!)
      if ((last + 1n) * item > storage.bytes) {
        malformed(`${this.what}: a tensor of shape [${shape.join(', ')}] at offset ${grouped(offset)} reaches byte ${grouped((last + 1n) * item)} of storage \`${storage.key}\`, which holds ${grouped(storage.bytes)} bytes.`)
      }
    }
    return new TorchTensor(storage, offset, shape, stride, type, false)
  }

  /** What the pickle imports and what loading it needs. */
  info(): PickleInfo {
    const requires = [...this.unknown].sort()
    const refused = [...this.opcodes].map((op) => opcodeNames.get(op) ?? `0x${op.toString(16)}`).filter((op) => !weightsOnlyOpcodes.has(op)).sort()
    return { globals: [...this.written].sort(), requiresClasses: requires, refusedOpcodes: refused, weightsOnlyLoadable: requires.length === 0 && refused.length === 0 && this.moduleSources.size === 0 }
  }
}

/** Short text of a value for messages. */
function describe(value: PyValue): string {
  if (value === null) return 'None'
  if (typeof value !== 'object') return String(value).slice(0, 60)
  if (value.kind === 'global') return value.written
  return value.kind
}

/** A key of a dict or the index of a list as a name part: strings as they are, other keys as Python writes them. */
function keyText(key: PyValue): string {
  if (typeof key === 'string') return key
  if (typeof key === 'number' || typeof key === 'bigint') return String(key)
  if (typeof key === 'boolean') return key ? 'True' : 'False'
  if (key === null) return 'None'
  if (typeof key === 'object' && key.kind === 'bytes') return key.data ? bytesRepr(key.data) : `<${key.length} bytes>`
  const items = sequenceItems(key)
  if (items) return `(${items.map((item) => (typeof item === 'string' ? stringRepr(item) : keyText(item))).join(', ')}${items.length === 1 ? ',' : ''})`
  return describe(key)
}

/** Python's repr of a string inside a tuple key: `'a'`. */
function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  return `${quote}${text.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`).replace(/\n/g, '\\n')}${quote}`
}

const join = (parent: string, child: string, sep: string): string => (parent === '' ? child : `${parent}${sep}${child}`)

/** A module object of a whole-module pickle: its state has `_modules` or `_parameters`. */
function moduleState(value: PyValue): PyDict | null {
  if (typeof value !== 'object' || value === null || value.kind !== 'object') return null
  const state = value.state
  if (typeof state !== 'object' || state === null || state.kind !== 'dict') return null
  return dictGet(state, '_modules') !== undefined || dictGet(state, '_parameters') !== undefined ? state : null
}

interface Found {
  name: string
  tensor: TorchTensor
  kind: 'parameter' | 'buffer' | null
  /** False for a pickled module's non-persistent buffer (in `module.buffers()`, not in `state_dict()`). */
  persistent: boolean
  /** Top-level key the tensor is under (checkpoints). */
  top: string | null
}

/** A module's path: its container's key path (`model`) and its dotted path inside it (`encoder.0`). */
const modulePath = (container: string, path: string): string => (container === '' ? path : path === '' ? container : `${container}/${path}`)

/** Follows a pickled object: dicts and lists by key, modules by `_parameters`, `_buffers` and `_modules`. */
class Walker {
  readonly found: Found[] = []
  /** Class names of modules met, by the path they were first met under, in `named_modules()` order. */
  readonly moduleTypes = new Map<string, string>()
  /** Paths under which a module met before is reached again (`tied` → `l.0`): `state_dict()` names its tensors under both. */
  readonly moduleAliases = new Map<string, string>()
  readonly warnings: string[] = []
  readonly #seen = new Set<object>()
  /** The first path of each module object. */
  readonly #moduleFirstPath = new Map<object, string>()
  /** The modules being followed, to stop at a module that contains itself. */
  readonly #ancestors = new Set<object>()
  #steps = 0
  #moduleVisits = 0
  moduleCount = 0

  constructor(private readonly what: string) {}

  value(v: PyValue, path: string, top: string | null, depth: number): void {
    if (typeof v !== 'object' || v === null) return
    const t = asTensor(v)
    if (t) {
      this.found.push({ name: path, tensor: t, kind: t.parameter ? 'parameter' : null, persistent: true, top })
      return
    }
    if (v.kind === 'opaque' || v.kind === 'global' || v.kind === 'bytes') return
    if (this.#seen.has(v)) return
    this.#seen.add(v)
    if (depth > limits.maxNestingDepth) throw new NnsizeError('limit', `${this.what} nests values deeper than ${limits.maxNestingDepth} levels, the limit.`)
    if (++this.#steps > 10 * limits.maxWeightsTensors) throw new NnsizeError('limit', `${this.what} holds more than ${grouped(10 * limits.maxWeightsTensors)} values, the limit.`)
    const state = moduleState(v)
    if (state) {
      this.module(v as PyObject, state, path, '', top, depth)
      return
    }
    switch (v.kind) {
      case 'dict':
        for (let i = 0; i < v.keys.length; i++) {
          const key = keyText(v.keys[i]!)
          this.value(v.values[i]!, join(path, key, '/'), top ?? key, depth + 1)
        }
        return
      case 'list':
      case 'tuple':
      case 'set':
        for (let i = 0; i < v.items.length; i++) this.value(v.items[i]!, join(path, String(i), '/'), top ?? String(i), depth + 1)
        return
      case 'object':
      case 'call':
        // A class instance that is not a module (or a recorded call): its state, named like a dict.
        if (v.state !== undefined) this.value(v.state, path, top, depth + 1)
        if (v.kind === 'call') for (let i = 0; i < v.args.length; i++) this.value(v.args[i]!, join(path, String(i), '/'), top, depth + 1)
        return
    }
  }

  /**
   * A module: its own parameters, its buffers, then its children, as `state_dict()` orders them. A child reached
   * under two names (`self.tied = self.l[0]`) is followed under both, as `state_dict()` names its tensors twice;
   * non-persistent buffers are kept (flagged), as `module.buffers()` lists them.
   */
  private module(obj: PyObject, state: PyDict, container: string, path: string, top: string | null, depth: number): void {
    if (++this.#moduleVisits > limits.maxModules) throw new NnsizeError('limit', `${this.what} reaches its modules under more than ${grouped(limits.maxModules)} names, the limit.`)
    const full = modulePath(container, path)
    const first = this.#moduleFirstPath.get(obj)
    if (first === undefined) {
      this.#moduleFirstPath.set(obj, full)
      this.moduleCount++
      this.moduleTypes.set(full, obj.cls.name)
    } else this.moduleAliases.set(full, first)
    this.#ancestors.add(obj)
    const nonPersistent = new Set<string>()
    const np = dictGet(state, '_non_persistent_buffers_set')
    const npItems = typeof np === 'object' && np !== null && (np.kind === 'set' || np.kind === 'list') ? np.items : []
    for (const n of npItems) if (typeof n === 'string') nonPersistent.add(n)
    const own = (key: string, kind: 'parameter' | 'buffer'): void => {
      const d = dictGet(state, key)
      if (typeof d !== 'object' || d === null || d.kind !== 'dict') return
      for (let i = 0; i < d.keys.length; i++) {
        const name = keyText(d.keys[i]!)
        const t = asTensor(d.values[i]!)
        const persistent = kind === 'parameter' || !nonPersistent.has(name)
        if (t) this.found.push({ name: join(container, join(path, name, '.'), '/'), tensor: t, kind, persistent, top: top ?? name })
      }
    }
    own('_parameters', 'parameter')
    own('_buffers', 'buffer')
    const children = dictGet(state, '_modules')
    if (typeof children === 'object' && children !== null && children.kind === 'dict') {
      for (let i = 0; i < children.keys.length; i++) {
        const child = children.values[i]!
        const childState = moduleState(child)
        if (!childState) continue
        const name = keyText(children.keys[i]!)
        if (this.#ancestors.has(child as object)) {
          this.warnings.push(`Module \`${modulePath(container, join(path, name, '.'))}\` is the module \`${this.#moduleFirstPath.get(child as object)}\` that contains it: PyTorch's \`state_dict()\` would never end. nnsize did not follow it.`)
          continue
        }
        if (depth > limits.maxNestingDepth) throw new NnsizeError('limit', `${this.what} nests modules deeper than ${limits.maxNestingDepth} levels, the limit.`)
        this.module(child as PyObject, childState, container, join(path, name, '.'), top ?? name, depth + 1)
      }
    }
    this.#ancestors.delete(obj)
  }
}

/** Plain JSON-like data for a value without tensors (`epoch: 3`), abbreviated. */
function plain(value: PyValue, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'string' && value.length > 200 ? `${value.slice(0, 200)}…` : value
  if (depth > 4) return '…'
  switch (value.kind) {
    case 'list':
    case 'tuple':
    case 'set':
      return value.items.slice(0, 20).map((v) => plain(v, depth + 1)).concat(value.items.length > 20 ? [`… ${value.items.length - 20} more`] : [])
    case 'dict': {
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>
      for (let i = 0; i < Math.min(value.keys.length, 50); i++) out[keyText(value.keys[i]!)] = plain(value.values[i]!, depth + 1)
      return out
    }
    case 'bytes':
      return `<${value.length} bytes>`
    case 'global':
      return value.written
    case 'object':
      return `<${value.cls.written} object>`
    case 'call':
      return `<${value.fn.written}(…)>`
    default:
      return '<object>'
  }
}

/** Top-level keys whose value is the model's state dict, in order of preference. */
const modelKeys = ['model', 'state_dict', 'model_state_dict', 'model_state', 'module', 'net', 'network', 'weights', 'params', 'ema', 'model_ema', 'ema_model']

/** Byte intervals `[start, end)` of a storage that a tensor reaches, or null when there are more than `budget` to list. */
function reach(t: TorchTensor, budget: number): Array<[bigint, bigint]> | null {
  const item = BigInt(torchItemBytes[t.dtype]!)
  if (numel(t.shape) === 0n) return []
  const dims = t.shape.map((size, i) => ({ size, stride: t.stride[i]! })).filter((d) => d.size > 1)
  dims.sort((a, b) => a.stride - b.stride)
  // The innermost dims that are laid out densely form one run of elements.
  let run = 1
  let k = 0
  while (k < dims.length && dims[k]!.stride === run) run *= dims[k++]!.size
  const outer = dims.slice(k)
  let count = 1
  for (const d of outer) {
    count *= d.size
    if (count > budget) return null
  }
  const starts: bigint[] = [BigInt(t.offset)]
  for (const d of outer) {
    const next: bigint[] = []
    for (const s of starts) for (let i = 0; i < d.size; i++) next.push(s + BigInt(i) * BigInt(d.stride))
    starts.splice(0, starts.length, ...next)
  }
  return starts.map((s) => [s * item, (s + BigInt(run)) * item])
}

/** Total length of the union of intervals. */
function unionLength(intervals: Array<[bigint, bigint]>): bigint {
  intervals.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  let total = 0n
  let end = -1n
  for (const [s, e] of intervals) {
    if (e <= end) continue
    total += e - (s > end ? s : end)
    end = e
  }
  return total
}

/** Turns what a checkpoint's pickle holds into the file's tensors, checkpoint parts and pickle facts. */
export function interpretCheckpoint(root: PyValue, pickle: TorchPickle, fileName: string, what: string): Omit<ParsedFile, 'file'> & { storageBytes: bigint; storages: number } {
  const walker = new Walker(what)
  walker.value(root, '', null, 0)
  if (pickle.unknownCalls.length > 0 && walker.moduleCount === 0) {
    throw new NnsizeError('unsafe-pickle', `${what} calls \`${pickle.unknownCalls[0]}\`, which is not one of the globals PyTorch's \`weights_only\` loader allows; loading it would run that code. nnsize does not run it.`)
  }
  if (pickle.unknown.size > 0 && walker.moduleCount === 0) {
    const first = [...pickle.unknown].sort()[0]!
    throw new NnsizeError('unsafe-pickle', `${what} refers to \`${first}\`, which is not one of the globals PyTorch's \`weights_only\` loader allows, and holds no pickled \`nn.Module\`. nnsize does not import it.`)
  }
  const warnings = [...pickle.warnings, ...walker.warnings]
  if (pickle.unknownCalls.length > 0) warnings.push(`Loading this file with \`torch.load(weights_only=False)\` would call ${[...new Set(pickle.unknownCalls)].map((c) => `\`${c}\``).join(', ')}; nnsize only named them.`)
  if (walker.found.length > limits.maxWeightsTensors) throw new NnsizeError('limit', `${what} holds more than ${grouped(limits.maxWeightsTensors)} tensors, the limit.`)

  const tensors: FileTensor[] = []
  const aliasOf: number[] = []
  const firstOf = new Map<string, number>()
  const perStorage = new Map<TorchStorage, { intervals: Array<[bigint, bigint]>; item: number }>()
  let approximate = false
  // Listing the runs of strided views is bounded in all: 1,000,000 runs per file, spans beyond that.
  let runBudget = 1_000_000
  /** Adds the bytes a strided tensor reaches to its storage's intervals. */
  const reachOf = (t: TorchTensor, storage: TorchStorage): void => {
    const item = torchItemBytes[t.dtype]!
    let s = perStorage.get(storage)
    if (!s) perStorage.set(storage, (s = { intervals: [], item: storage.dtype === 'uint8' ? item : torchItemBytes[storage.dtype]! }))
    const r = reach(t, Math.min(100_000, runBudget))
    if (r !== null) runBudget -= r.length
    if (r === null) {
      approximate = true
      const span = BigInt(t.shape.reduce((a, size, i) => a + (size - 1) * t.stride[i]!, 0) + 1)
      s.intervals.push([BigInt(t.offset) * BigInt(item), (BigInt(t.offset) + span) * BigInt(item)])
    } else for (const iv of r) s.intervals.push(iv)
  }
  let storageless = 0n
  walker.found.forEach(({ name, tensor: t, kind, persistent }, index) => {
    const elements = numel(t.shape)
    const item = torchItemBytes[t.dtype]!
    const float = isFloatName(t.dtype)
    const sparse = t.sparse
    let bytes = elements * BigInt(item)
    if (sparse !== null) bytes = sparse.pieces.reduce((sum, p) => sum + numel(p.tensor.shape) * BigInt(torchItemBytes[p.tensor.dtype]!), 0n)
    const resolvedKind = kind ?? tensorKind(name, float)
    tensors.push({
      name,
      shape: [...t.shape],
      dtype: t.dtype,
      torchDType: t.dtype,
      elements,
      bytes,
      file: fileName,
      kind: resolvedKind,
      ...(t.storage ? { storage: t.storage.key, storageOffset: t.offset, stride: [...t.stride] } : {}),
      ...(t.parameter ? { parameter: true, requiresGrad: t.requiresGrad } : {}),
      ...(resolvedKind === 'buffer' && !persistent ? { persistent: false } : {}),
      ...(sparse !== null
        ? { layout: sparse.layout, sparsePieces: sparse.pieces.map((p) => ({ role: p.role, shape: [...p.tensor.shape], dtype: p.tensor.dtype, bytes: numel(p.tensor.shape) * BigInt(torchItemBytes[p.tensor.dtype]!) })) }
        : {}),
    })
    const key = t.storage ? `${t.storage.key}|${t.offset}|${t.shape.join(',')}|${t.stride.join(',')}|${t.dtype}` : null
    const first = key === null ? undefined : firstOf.get(key)
    aliasOf.push(first ?? -1)
    if (key !== null && first === undefined) firstOf.set(key, index)
    if (t.storage) reachOf(t, t.storage)
    else if (sparse !== null) {
      for (const p of sparse.pieces) if (p.tensor.storage) reachOf(p.tensor, p.tensor.storage)
    } else storageless += elements
  })
  let paramsDedup = storageless
  for (const [, s] of perStorage) paramsDedup += unionLength(s.intervals) / BigInt(s.item)
  if (approximate) warnings.push('A strided view reaches too many separate runs of its storage to list; `paramsDedup` counts its whole span.')
  let storageBytes = 0n
  for (const s of pickle.storages.values()) storageBytes += s.bytes

  // Optimizer states (`optimizer.state_dict()`) anywhere near the top: the file itself, an entry, an entry's items.
  const optimizers = findOptimizers(root, tensors, walker.found)
  if (optimizers.length > 1) warnings.push(`The file holds ${optimizers.length} optimizer states (${optimizers.map((o) => `\`${o.key}\``).join(', ')}); \`checkpoint.optimizer\` describes the first.`)
  const inOptimizer = (name: string): boolean => optimizers.some((o) => o.key === '' || name === o.key || name.startsWith(`${o.key}/`))

  // Training checkpoints: a dict whose values are not all tensors.
  let checkpoint: CheckpointInfo | null = null
  let modelTensors: Array<{ index: number; name: string }> | undefined
  let moduleTypes = walker.moduleTypes
  let moduleAliases = walker.moduleAliases
  if (typeof root === 'object' && root !== null && root.kind === 'dict' && !moduleState(root) && root.values.some((v) => asTensor(v) === null)) {
    const keys = root.keys.map(keyText)
    const perKey = keys.map((key) => ({ key, tensors: 0, params: 0n, bytes: 0n }))
    const byKey = new Map(perKey.map((e) => [e.key, e]))
    walker.found.forEach((f, i) => {
      const e = f.top === null ? undefined : byKey.get(f.top)
      if (!e) return
      e.tensors++
      e.params += tensors[i]!.elements
      e.bytes += tensors[i]!.bytes
    })
    const nonTensorValues: Record<string, unknown> = Object.create(null) as Record<string, unknown>
    keys.forEach((key, i) => {
      if (byKey.get(key)!.tensors === 0) nonTensorValues[key] = plain(root.values[i]!)
    })
    const modelKey = modelKeys.find((k) => (byKey.get(k)?.tensors ?? 0) > 0 && !inOptimizer(k)) ?? null
    checkpoint = { topLevelKeys: keys, modelKey, perKey, nonTensorValues, optimizer: optimizers[0] ?? null }
    if (modelKey !== null) {
      modelTensors = []
      const prefix = `${modelKey}/`
      walker.found.forEach((f, index) => {
        if (f.top === modelKey && f.name.startsWith(prefix)) modelTensors!.push({ index, name: f.name.slice(prefix.length) })
      })
      // The model's modules by their paths inside the model.
      const inside = (path: string): string | null => (path === modelKey ? '' : path.startsWith(prefix) ? path.slice(prefix.length) : null)
      moduleTypes = new Map([...walker.moduleTypes].flatMap(([path, type]) => (inside(path) === null ? [] : [[inside(path)!, type] as [string, string]])))
      moduleAliases = new Map([...walker.moduleAliases].flatMap(([path, to]) => (inside(path) === null || inside(to) === null ? [] : [[inside(path)!, inside(to)!] as [string, string]])))
    }
  }
  // Optimizer state is not the model: its tensors stay out of the module tree.
  if (modelTensors === undefined && optimizers.length > 0) modelTensors = walker.found.flatMap((f, index) => (inOptimizer(f.name) ? [] : [{ index, name: f.name }]))
  return {
    tensors,
    aliasOf,
    paramsDedup,
    pickle: pickle.info(),
    ...(checkpoint ? { checkpoint } : {}),
    ...(modelTensors ? { modelTensors } : {}),
    moduleTypes,
    moduleAliases,
    warnings,
    storageBytes,
    storages: pickle.storages.size,
  }
}

/** Whether a value is an optimizer's state dict: `{'state': {…}, 'param_groups': [...]}`. */
function isOptimizerState(value: PyValue | undefined): boolean {
  const state = dictGet(value, 'state')
  return typeof state === 'object' && state !== null && state.kind === 'dict' && sequenceItems(dictGet(value, 'param_groups') ?? null) !== null
}

/**
 * The optimizer state dicts (`{'state': {i: {...}}, 'param_groups': [...]}`) near the top of a file, by key path:
 * the file itself (`''`, the Hugging Face Trainer's `optimizer.pt`), a top-level entry (`optimizer`), or an item of
 * one (`optimizer_states/0`, Lightning's list).
 */
function findOptimizers(root: PyValue, tensors: FileTensor[], found: Found[]): OptimizerStateInfo[] {
  const candidates: Array<{ key: string; value: PyDict }> = []
  if (isOptimizerState(root)) candidates.push({ key: '', value: root as PyDict })
  else if (typeof root === 'object' && root !== null && root.kind === 'dict' && !moduleState(root)) {
    for (let i = 0; i < root.values.length && candidates.length < 100; i++) {
      const value = root.values[i]!
      const key = keyText(root.keys[i]!)
      if (isOptimizerState(value)) candidates.push({ key, value: value as PyDict })
      else if (typeof value === 'object' && value !== null && (value.kind === 'list' || value.kind === 'tuple' || value.kind === 'dict') && !moduleState(value)) {
        const items = value.kind === 'dict' ? value.values : value.items
        items.forEach((item, j) => {
          if (isOptimizerState(item) && candidates.length < 100) candidates.push({ key: `${key}/${value.kind === 'dict' ? keyText(value.keys[j]!) : j}`, value: item as PyDict })
        })
      }
    }
  }
  return candidates.map(({ key, value }) => describeOptimizer(key, value, tensors, found))
}

/** What an optimizer's state dict holds and which optimizer it looks like. */
function describeOptimizer(key: string, value: PyDict, tensors: FileTensor[], found: Found[]): OptimizerStateInfo {
  const state = dictGet(value, 'state') as PyDict
  const groups = sequenceItems(dictGet(value, 'param_groups') ?? null)!
  const stateKeys = new Set<string>()
  let stepTensors = 0
  for (const perParam of state.values) {
    if (typeof perParam !== 'object' || perParam === null || perParam.kind !== 'dict') continue
    perParam.keys.forEach((k, j) => {
      stateKeys.add(keyText(k))
      if (k === 'step' && asTensor(perParam.values[j]!)) stepTensors++
    })
  }
  const prefix = key === '' ? 'state/' : `${key}/state/`
  let count = 0
  let elements = 0n
  let bytes = 0n
  found.forEach((f, j) => {
    if (f.name.startsWith(prefix)) {
      count++
      elements += tensors[j]!.elements
      bytes += tensors[j]!.bytes
    }
  })
  const groupKeys = new Map<string, PyValue>()
  for (const g of groups) if (typeof g === 'object' && g !== null && g.kind === 'dict') g.keys.forEach((k, j) => groupKeys.set(keyText(k), g.values[j]!))
  const sorted = [...stateKeys].sort()
  const { optimizer, evidence } = identifyOptimizer(sorted, groupKeys)
  return { key, optimizer, evidence, paramCount: state.keys.length, stateKeys: sorted, tensors: count, elements, bytes, stepTensors, paramGroups: groups.length }
}
