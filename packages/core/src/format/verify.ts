import type { Analysis } from '../analyze.js'
import { normalizePath } from '../interpret/imports.js'
import type { MemoryPlan } from '../memory/plan.js'
import type { Module, Node } from '../python/ast.js'
import { parse, parseExpression } from '../python/parse.js'
import { stringLiteral, unparse } from '../python/unparse.js'
import { findModel } from '../zoo/hf/catalogue.js'
import { parseJSON } from '../zoo/hf/json.js'
import { models } from '../zoo/index.js'
import { layers } from '../layers/index.js'
import { isLazy } from '../layers/lazy.js'
import { isFloatingDType } from '../tensor/dtype.js'
import { torchvisionGroups } from '../zoo/torchvision/registry.js'
import { formatBytes } from './bytes.js'

/** A Python integer literal with `_` between thousands: `295_168`. */
function py(value: bigint | number): string {
  const digits = value.toString()
  if (digits.length < 5) return digits
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, '_')
}

function pyString(text: string): string {
  return stringLiteral(text, '"')
}

function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${py(shape[0]!)},)` : `(${shape.map(py).join(', ')})`
}

/** One `check("<what>", <expression>, <expected>)` line. */
function check(expression: string, value: string, what: string): string {
  return `check(${pyString(what)}, ${expression}, ${value})`
}

/** Builders usable bare: the classifiers and those of the sub-modules the script star-imports (made on first use, with the zoo). */
let modelNames: ReadonlySet<string> | undefined
const modelNamesOf = (): ReadonlySet<string> =>
  (modelNames ??= new Set([...models, ...torchvisionGroups.filter(([module]) => module !== 'quantization').flatMap(([, builders]) => builders)].map((m) => m.name)))
let lazyNames: ReadonlySet<string> | undefined

/** True when some `Name` or attribute of the tree satisfies `test` (`torchvision`, `resnet50`, `nn.LazyLinear`). */
function namesSome(tree: Node, test: (name: string) => boolean): boolean {
  const stack: unknown[] = [tree]
  while (stack.length > 0) {
    const node = stack.pop()
    if (!node || typeof node !== 'object') continue
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item)
      continue
    }
    const n = node as { type?: string; id?: string; attr?: string }
    if (n.type === 'Name' && n.id !== undefined && test(n.id)) return true
    if (n.type === 'Attribute' && n.attr !== undefined && test(n.attr)) return true
    for (const key in node) if (key !== 'start' && key !== 'end') stack.push((node as Record<string, unknown>)[key])
  }
  return false
}

/** True when the tree names torchvision or one of its model builders (`resnet50`), so that the script imports them. */
function usesTorchvision(tree: Node): boolean {
  return namesSome(tree, (name) => name === 'torchvision' || modelNamesOf().has(name))
}

/** Whether the analysed program builds a `Lazy*` module, whose tensors exist only after a first forward pass. */
function usesLazyModules(analysis: Analysis): boolean {
  const isLazyName = (name: string): boolean => (lazyNames ??= new Set(layers.filter(isLazy).map((l) => l.name))).has(name)
  if (analysis.program) {
    return Object.values(analysis.program.files).some((text) => {
      try {
        return namesSome(parse(text), isLazyName)
      } catch {
        return false
      }
    })
  }
  try {
    return namesSome(parse(analysis.input), isLazyName)
  } catch {
    return false
  }
}

/** The arguments of the forward call for inputs named `names`, as the reference measurement calls each module. */
function callArguments(module: string, names: readonly string[]): string {
  if (module === 'MultiheadAttention') return names.length === 1 ? 'x0, x0, x0' : names.length === 2 ? 'x0, x1, x1' : names.join(', ')
  // nn.LSTM takes its initial state as one tuple (h_0, c_0).
  if (module === 'LSTM' && names.length === 3) return `${names[0]}, (${names[1]}, ${names[2]})`
  return names.join(', ')
}

/**
 * With a `call` option, the definition of `forward_call(m, x)`, which calls the model as nnsize did: the expression
 * printed from nnsize's syntax tree, over `m` (the model) and `x` (the list of inputs), evaluated among the names
 * `namespace` gives (the main module's), not the script's own (`device`, `check`). Empty without one.
 */
function forwardCallDefinition(analysis: Analysis, namespace: string): string[] {
  const call = analysis.forward?.call
  if (call === undefined) return []
  return [
    '# the forward call nnsize traced (its `call` option): `m` is the model, `x` the list of inputs, among the main module\'s names',
    'def forward_call(m, x):',
    `    return ${unparse(parseExpression(call))}`,
    `forward_call = type(forward_call)(forward_call.__code__, ${namespace})`,
  ]
}

/** The forward call on the inputs named `names`: `forward_call(model, [x0])` with a `call` option, else `model(x0)`. */
function forwardCall(analysis: Analysis, names: readonly string[]): string {
  return analysis.forward?.call === undefined ? `model(${callArguments(analysis.module, names)})` : `forward_call(model, [${names.join(', ')}])`
}

/**
 * Pretrained weights (`weights=…`, the default `weights_backbone` of the detection models) are not downloaded: only
 * the structure is checked, so the script also runs offline. A weights enum then hands over an empty marker that
 * `load_state_dict` skips; the builders still apply what the weights' metadata decides (class counts, frozen layers).
 */
const withoutDownloads = [
  '',
  '# Pretrained weights are not downloaded: only the structure is checked.',
  'class _NotDownloaded(dict):',
  '    pass',
  'torchvision.models.WeightsEnum.get_state_dict = lambda self, *args, **kwargs: _NotDownloaded()',
  '_load_state_dict = torch.nn.Module.load_state_dict',
  'torch.nn.Module.load_state_dict = lambda self, state_dict, *args, **kwargs: None if isinstance(state_dict, _NotDownloaded) else _load_state_dict(self, state_dict, *args, **kwargs)',
]

/**
 * Source text analysed as one program: its statements printed from nnsize's own syntax tree (so
 * that Python runs exactly what nnsize read), after the names an expression may use unimported,
 * then `model = <entry>`.
 */
function sourceProgram(analysis: Analysis): string[] {
  const tree = parse(analysis.input)
  const entry = analysis.entry ?? unparse(tree.body.at(-1) ?? tree)
  const lines = ['import math', 'import collections', 'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', 'from torch.nn import *', 'from collections import OrderedDict']
  if (usesTorchvision(tree)) {
    lines.push('import torchvision', ...['detection', 'segmentation', 'video', 'optical_flow'].map((m) => `from torchvision.models.${m} import *`), 'from torchvision.models import *', ...withoutDownloads)
  }
  if (namesSome(tree, (name) => name === 'timm')) lines.push('import timm')
  lines.push('')
  const last = tree.body.at(-1)
  // The final expression is what the model is: assigned to `model` instead of evaluated twice.
  const body = last?.type === 'Expr' && unparse(last.value) === entry ? tree.body.slice(0, -1) : tree.body
  if (body.length > 0) lines.push(unparse({ ...tree, body } satisfies Module).replace(/\n+$/, ''))
  // the program's names as they are before the script adds its own
  lines.push(...forwardCallDefinition(analysis, 'dict(globals())'), `model = ${entry}`)
  return lines
}

/** The dotted module name of a file under the import root (`models/resnet.py` → `resnet` with root `models`). */
function moduleName(path: string, root: string): string {
  const rel = root === '' ? path : path.slice(root.length + 1)
  return rel.replace(/\.py$/, '').replace(/(^|\/)__init__$/, '').split('/').join('.')
}

/**
 * A program of files: each file printed from nnsize's syntax tree into a temporary folder, the
 * main module imported from the root as `python -c "import <module>"` would, the entry evaluated in
 * its namespace.
 */
function filesProgram(analysis: Analysis): string[] {
  const program = analysis.program!
  const root = normalizePath(program.root ?? '')
  const main = normalizePath(program.main)
  const lines = ['import importlib', 'import os', 'import sys', 'import tempfile', 'import torch', '', '# The files as nnsize read them, printed from its syntax tree (comments and layout are not kept).', 'files = {']
  for (const [path, text] of Object.entries(program.files)) {
    const normalized = normalizePath(path)
    if (!normalized.endsWith('.py')) continue
    let printed: string
    try {
      printed = unparse(parse(text))
    } catch {
      lines.push(`    # ${pyString(normalized)} is left out: it is not valid Python, and the model does not import it.`)
      continue
    }
    lines.push(`    ${pyString(normalized)}: ${pyString(printed.replace(/\n*$/, '\n'))},`)
  }
  lines.push(
    '}',
    'folder = tempfile.mkdtemp()',
    'for path, text in files.items():',
    '    target = os.path.join(folder, *path.split("/"))',
    '    os.makedirs(os.path.dirname(target), exist_ok=True)',
    '    with open(target, "w", encoding="utf-8") as handle:',
    '        handle.write(text)',
    `sys.path.insert(0, os.path.join(folder, *${pyString(root)}.split("/")) if ${pyString(root)} else folder)`,
    `main = importlib.import_module(${pyString(moduleName(main, root))})`,
    // the entry is printed from nnsize's syntax tree and evaluated among the main module's names, as nnsize did
    'globals().update(vars(main))',
    ...forwardCallDefinition(analysis, 'vars(main)'),
    `model = ${unparse(parseExpression(analysis.entry ?? ''))}`,
  )
  return lines
}

/** The `config.json` a Hugging Face analysis was made from. */
function configOf(analysis: Analysis): unknown {
  const checkpoint = analysis.model?.checkpoint
  if (checkpoint !== undefined) return findModel(checkpoint)?.config
  return parseJSON(analysis.input)
}

/**
 * A Hugging Face config or a catalogue model: built by `transformers` from the same config on the
 * meta device (no memory is allocated), in the checkpoint's dtype.
 */
function configProgram(analysis: Analysis): string[] {
  const config = configOf(analysis) as Record<string, unknown>
  const dtype = typeof config['torch_dtype'] === 'string' ? config['torch_dtype'] : undefined
  return [
    'import json',
    'import torch',
    'import transformers',
    '',
    '# The same config.json, built by transformers on the meta device: parameters and the buffers a checkpoint holds',
    '# (counts, names, shapes, dtypes) are checked; non-persistent buffers, the forward pass and activation memory are not.',
    `config = json.loads(${pyString(JSON.stringify(config))})`,
    '# JSON written from parsed numbers has `1` where the file had `1.0`: give float fields their float back.',
    'import dataclasses',
    'config_class = transformers.CONFIG_MAPPING[config["model_type"]]',
    'if dataclasses.is_dataclass(config_class):',
    '    for field in dataclasses.fields(config_class):',
    '        kind = field.type if isinstance(field.type, str) else repr(field.type)',
    '        if type(config.get(field.name)) is int and "float" in kind and "int" not in kind:',
    '            config[field.name] = float(config[field.name])',
    'config = transformers.AutoConfig.for_model(config.pop("model_type"), **config)',
    ...(dtype ? [`torch.set_default_dtype(getattr(torch, ${pyString(dtype)}))`] : []),
    'with torch.device("meta"):',
    `    model = getattr(transformers, ${pyString(analysis.model!.architecture)})(config)`,
    ...(dtype ? ['torch.set_default_dtype(torch.float32)'] : []),
  ]
}

/**
 * A short PyTorch script that builds the same module and asserts the numbers of the
 * analysis: parameter and buffer counts and bytes, every name and shape in order and,
 * with an input, the output shape and the activation bytes saved for backward.
 * Python code in it is printed from nnsize's own syntax tree, never copied from the source text.
 * It runs on CPU-only PyTorch. It prints `all checks passed` when PyTorch agrees.
 */
export function verifySnippet(analysis: Analysis, plan?: MemoryPlan): string {
  const lines: string[] = analysis.model ? configProgram(analysis) : analysis.program ? filesProgram(analysis) : sourceProgram(analysis)
  const bytes = analysis.params.bytes + analysis.buffers.bytes
  if (bytes >= 1024n ** 3n && !analysis.model) lines.splice(lines.lastIndexOf(''), 0, `# Building the model allocates ${formatBytes(bytes)} of memory.`)
  lines.push('', 'def check(what, got, expected):', '    assert got == expected, f"{what}: PyTorch gives {got!r}, nnsize gives {expected!r}"', '')
  const f = analysis.model ? undefined : analysis.forward
  if (f && usesLazyModules(analysis)) {
    // Lazy modules have no tensor shapes before their first forward pass: run one (without autograd) first.
    const lazyInputs = f.inputs.map((spec) => `torch.zeros(${pyTuple(spec.shape)}, dtype=torch.${spec.dtype === 'int64' ? 'long' : spec.dtype})`)
    lines.push('# lazy modules infer their sizes on the first forward pass', 'with torch.no_grad():', `    ${forwardCall(analysis, lazyInputs)}`, '')
  }

  const params = analysis.tensors.filter((t) => t.kind === 'parameter')
  // A config's non-persistent buffers (rotary tables) change between transformers releases: only what a checkpoint holds is checked.
  const persistentOnly = analysis.model !== undefined
  const buffers = analysis.tensors.filter((t) => t.kind === 'buffer' && (!persistentOnly || t.persistent))
  const bufferSource = persistentOnly ? '(b for n, b in model.named_buffers() if n in model.state_dict())' : 'model.buffers()'
  const bufferTotal = buffers.reduce((n, t) => n + t.elementCount, 0n)
  const bufferBytes = buffers.reduce((n, t) => n + t.bytes, 0n)
  lines.push(
    check('sum(p.numel() for p in model.parameters())', py(analysis.params.total), 'parameters'),
    check('sum(p.numel() for p in model.parameters() if p.requires_grad)', py(analysis.params.trainable), 'trainable parameters'),
    check('sum(p.numel() * p.element_size() for p in model.parameters())', py(analysis.params.bytes), 'parameter bytes'),
    check(`sum(b.numel() for b in ${bufferSource})`, py(bufferTotal), persistentOnly ? 'persistent buffer elements' : 'buffer elements'),
    check(`sum(b.numel() * b.element_size() for b in ${bufferSource})`, py(bufferBytes), persistentOnly ? 'persistent buffer bytes' : 'buffer bytes'),
  )
  // Appended one line at a time: a model of 100,000 tensors has more lines than a spread argument list may hold.
  const listing = (name: string, entries: typeof params): void => {
    lines.push('', `${name} = [`)
    for (const t of entries) lines.push(`    (${pyString(t.name)}, ${pyTuple(t.shape)}, ${pyString(t.dtype)}),`)
    lines.push(']')
  }
  const describe = 'tuple(t.shape), str(t.dtype).replace("torch.", "")'
  listing('expected_parameters', params)
  lines.push(check(`[(n, ${describe}) for n, t in model.named_parameters()]`, 'expected_parameters', 'parameter names, shapes and dtypes'))
  if (buffers.length > 0) {
    listing('expected_buffers', buffers)
    lines.push(check(`[(n, ${describe}) for n, t in model.named_buffers()${persistentOnly ? ' if n in model.state_dict()' : ''}]`, 'expected_buffers', 'buffer names, shapes and dtypes'))
  }

  if (f) {
    const profile = f.device
    // integer and bool inputs (token ids, masks) as zeros, valid indices of any table; floating-point ones random,
    // requiring grad unless the input said `:nograd`
    const inputs = f.inputs.map((spec, i) =>
      !isFloatingDType(spec.dtype)
        ? `x${i} = torch.zeros(${pyTuple(spec.shape)}, dtype=torch.${spec.dtype}, device=device)`
        : `x${i} = torch.randn(${pyTuple(spec.shape)}, dtype=torch.${spec.dtype}, device=device${spec.requiresGrad === false ? '' : ', requires_grad=True'})`,
    )
    const names = f.inputs.map((_, i) => `x${i}`)
    lines.push(
      '',
      profile === 'cuda'
        ? `# forward pass: activation bytes follow PyTorch ${f.torch}'s CUDA kernels, checked where CUDA is available (nnsize --device cpu writes a CPU check)`
        : `# forward pass: activation bytes follow PyTorch ${f.torch}'s CPU kernels`,
      `modelled = ${pyString(f.torch)}`,
      'if ".".join(torch.__version__.split(".")[:2]) != modelled:',
      '    print(f"note: nnsize modelled PyTorch {modelled} (its `torch` option); this is PyTorch {torch.__version__}, whose kernels may save other tensors")',
      profile === 'cuda' ? 'device = "cuda" if torch.cuda.is_available() else "cpu"' : 'device = "cpu"',
      '# each module in the mode the code of the model left it (training, unless that code switched it off), as nnsize traced it',
      // on the CPU the model is where it was built: `.to()` is not called (a model's own `to()` override stays out of it)
      ...(profile === 'cuda' ? ['model = model.to(device)'] : []),
      ...inputs,
      '',
      'def storage(t):',
      '    s = t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()',
      '    return s.data_ptr(), s.nbytes()',
      '',
      '# the output shape is that of its first tensor, tuples, lists and dicts flattened in order (None skipped)',
      'def first_tensor(value):',
      '    if torch.is_tensor(value):',
      '        return value',
      '    for item in value.values() if isinstance(value, dict) else value if isinstance(value, (tuple, list)) else ():',
      '        found = first_tensor(item)',
      '        if found is not None:',
      '            return found',
      '    return None',
      '',
      '# saved tensors are kept alive until counted: one a discarded graph frees could lend its address to another',
      'saved = {}',
      'kept = []',
      'def pack(t):',
      '    ptr, nbytes = storage(t)',
      '    saved[ptr] = nbytes',
      '    kept.append(t)',
      '    return t',
      '',
      'with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):',
      `    out = ${forwardCall(analysis, names)}`,
      'out = first_tensor(out)',
      `state = {storage(t)[0] for t in [*model.parameters(), *model.buffers()]}`,
      `inputs = {storage(t)[0] for t in [${names.join(', ')}]}`,
      'activation_bytes = sum(n for p, n in saved.items() if p not in state and p not in inputs)',
      'activation_bytes_with_input = sum(n for p, n in saved.items() if p not in state)',
      f.outputs[0] ? check('tuple(out.shape)', pyTuple(f.outputs[0].shape), 'output shape') : check('out', 'None', 'output tensor'),
      `if device == ${pyString(profile)}:`,
      `    ${check('activation_bytes', py(f.savedBytes), 'activation bytes saved for backward')}`,
      `    ${check('activation_bytes_with_input', py(f.savedBytesWithInput), 'activation bytes saved for backward, input included')}`,
      'else:',
      `    print("activation bytes not checked: they follow the ${profile.toUpperCase()} kernels, and this machine has none")`,
    )
  }
  const o = plan?.optimizer?.optimizer
  if (plan && o && !analysis.model && plan.mode === 'training' && o.library === 'torch.optim' && o.name !== 'LBFGS' && o.name !== 'SparseAdam' && plan.options.precision === 'auto' && !plan.lora) {
    lines.push(
      '',
      '# optimizer state after one step, as torch.optim holds it',
      `optimizer = ${o.qualifiedName}(${[o.parameters.python, ...o.givenArgs].join(', ')})`,
      'for p in model.parameters():',
      '    if p.requires_grad:',
      '        p.grad = torch.zeros_like(p)',
      'optimizer.step()',
      'state_bytes = sum(t.numel() * t.element_size() for s in optimizer.state.values() for t in s.values() if torch.is_tensor(t))',
      check('state_bytes', py(plan.optimizer!.bytes), 'optimizer state bytes'),
    )
  }
  const note = analysis.model ? undefined : analysis.forwardNote
  if (note) {
    // nnsize did not trace the forward pass: say so, rather than pass as if it had been checked
    const place = note.line === undefined ? '' : ` (${note.file ?? 'the model'}:${note.line}${note.column === undefined ? '' : `:${note.column}`})`
    lines.push(`print(${pyString(`forward pass not checked: nnsize did not trace it${place}: ${note.message}`)})`, 'print("all checks passed (parameters and buffers only)")')
  } else lines.push('print("all checks passed")')
  return `${lines.join('\n')}\n`
}
