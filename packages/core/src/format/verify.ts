import type { Analysis } from '../analyze.js'
import type { MemoryPlan } from '../memory/plan.js'
import { parse } from '../expr/parse.js'
import { models } from '../zoo/index.js'
import { layers } from '../layers/index.js'
import { isLazy } from '../layers/lazy.js'
import { torchvisionGroups } from '../zoo/torchvision/registry.js'
import { formatBytes } from './bytes.js'

/** A Python integer literal with `_` between thousands: `295_168`. */
function py(value: bigint | number): string {
  const digits = value.toString()
  if (digits.length < 5) return digits
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, '_')
}

function pyString(text: string): string {
  return JSON.stringify(text)
}

function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${py(shape[0]!)},)` : `(${shape.map(py).join(', ')})`
}

/** The source with its last statement assigned to `model`, as Python reads it. */
function modelAssignment(source: string): string {
  const statements = parse(source).statements
  const last = statements.at(-1)
  if (!last) return `model = ${source.trim()}`
  if (last.type === 'assign') return `${source.trimEnd()}\nmodel = ${last.target}`
  return `${source.slice(0, last.start)}model = ${source.slice(last.start).trimEnd()}`
}

/** Builders usable bare: the classifiers and those of the sub-modules the script star-imports. */
const bareBuilders = [...models, ...torchvisionGroups.filter(([module]) => module !== 'quantization').flatMap(([, builders]) => builders)].map((m) => m.name)

function usesTorchvision(source: string): boolean {
  if (/\btorchvision\b/.test(source)) return true
  return bareBuilders.some((name) => new RegExp(`(^|[^\\w.])${name}\\s*\\(`).test(source))
}

/** Whether the source builds a `Lazy*` module, whose tensors exist only after a first forward pass. */
function usesLazyModules(source: string): boolean {
  return layers.some((layer) => isLazy(layer) && new RegExp(`(^|[^\\w])${layer.name}\\s*\\(`).test(source))
}

/** The arguments of the forward call for inputs named `names`, as the reference measurement calls each module. */
function callArguments(module: string, names: readonly string[]): string {
  if (module === 'MultiheadAttention') return names.length === 1 ? 'x0, x0, x0' : names.length === 2 ? 'x0, x1, x1' : names.join(', ')
  // nn.LSTM takes its initial state as one tuple (h_0, c_0).
  if (module === 'LSTM' && names.length === 3) return `${names[0]}, (${names[1]}, ${names[2]})`
  return names.join(', ')
}

/** One `check("<what>", <expression>, <expected>)` line. */
function check(expression: string, value: string, what: string): string {
  return `check(${pyString(what)}, ${expression}, ${value})`
}

/**
 * A short PyTorch script that builds the same module and asserts the numbers of the
 * analysis: parameter and buffer counts and bytes, every name and shape in order and,
 * with an input, the output shape and the activation bytes saved for backward.
 * It prints `all checks passed` when PyTorch agrees.
 */
export function verifySnippet(analysis: Analysis, plan?: MemoryPlan): string {
  const lines: string[] = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', 'from torch.nn import *', 'from collections import OrderedDict']
  if (usesTorchvision(analysis.input)) {
    lines.push('import torchvision', ...['detection', 'segmentation', 'video', 'optical_flow'].map((m) => `from torchvision.models.${m} import *`), 'from torchvision.models import *')
  }
  lines.push('')
  const bytes = analysis.params.bytes + analysis.buffers.bytes
  if (bytes >= 1024n ** 3n) lines.push(`# Building the model allocates ${formatBytes(bytes)} of memory.`)
  lines.push(modelAssignment(analysis.input), '')
  lines.push('def check(what, got, expected):', '    assert got == expected, f"{what}: PyTorch gives {got!r}, nnsize gives {expected!r}"', '')
  const f = analysis.forward
  if (f && usesLazyModules(analysis.input)) {
    // Lazy modules have no tensor shapes before their first forward pass: run one (without autograd) first.
    const lazyInputs = f.inputs.map((spec) => `torch.zeros(${pyTuple(spec.shape)}, dtype=torch.${spec.dtype === 'int64' ? 'long' : spec.dtype})`)
    lines.push('# lazy modules infer their sizes on the first forward pass', 'with torch.no_grad():', `    model(${callArguments(analysis.module, lazyInputs)})`, '')
  }

  const params = analysis.tensors.filter((t) => t.kind === 'parameter')
  const buffers = analysis.tensors.filter((t) => t.kind === 'buffer')
  lines.push(
    check('sum(p.numel() for p in model.parameters())', py(analysis.params.total), 'parameters'),
    check('sum(p.numel() for p in model.parameters() if p.requires_grad)', py(analysis.params.trainable), 'trainable parameters'),
    check('sum(p.numel() * p.element_size() for p in model.parameters())', py(analysis.params.bytes), 'parameter bytes'),
    check('sum(b.numel() for b in model.buffers())', py(analysis.buffers.total), 'buffer elements'),
    check('sum(b.numel() * b.element_size() for b in model.buffers())', py(analysis.buffers.bytes), 'buffer bytes'),
  )
  const listing = (name: string, entries: typeof params): string[] => [
    `${name} = [`,
    ...entries.map((t) => `    (${pyString(t.name)}, ${pyTuple(t.shape)}, ${pyString(t.dtype)}),`),
    ']',
  ]
  const describe = 'tuple(t.shape), str(t.dtype).replace("torch.", "")'
  lines.push('', ...listing('expected_parameters', params))
  lines.push(check(`[(n, ${describe}) for n, t in model.named_parameters()]`, 'expected_parameters', 'parameter names, shapes and dtypes'))
  if (buffers.length > 0) {
    lines.push('', ...listing('expected_buffers', buffers))
    lines.push(check(`[(n, ${describe}) for n, t in model.named_buffers()]`, 'expected_buffers', 'buffer names, shapes and dtypes'))
  }

  if (f) {
    const device = f.device
    const inputs = f.inputs.map((spec, i) =>
      spec.dtype === 'int64'
        ? `x${i} = torch.zeros(${pyTuple(spec.shape)}, dtype=torch.long, device=device)`
        : `x${i} = torch.randn(${pyTuple(spec.shape)}, dtype=torch.${spec.dtype}, device=device, requires_grad=True)`,
    )
    const names = f.inputs.map((_, i) => `x${i}`)
    const call = callArguments(analysis.module, names)
    lines.push(
      '',
      `# forward pass (activation bytes follow PyTorch ${f.torch}'s ${device.toUpperCase()} kernels${device === 'cuda' ? '; needs a CUDA GPU, nnsize --device cpu writes a CPU check' : ''})`,
      `modelled = ${pyString(f.torch)}`,
      'if ".".join(torch.__version__.split(".")[:2]) != modelled:',
      '    print(f"note: nnsize modelled PyTorch {modelled} (its `torch` option); this is PyTorch {torch.__version__}, whose kernels may save other tensors")',
      `device = ${pyString(device)}`,
      'model = model.to(device).train()',
      ...inputs,
      '',
      'def storage(t):',
      '    s = t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()',
      '    return s.data_ptr(), s.nbytes()',
      '',
      'saved = {}',
      'def pack(t):',
      '    ptr, nbytes = storage(t)',
      '    saved[ptr] = nbytes',
      '    return t',
      '',
      'with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):',
      `    out = model(${call})`,
      'out = out[0] if isinstance(out, (tuple, list)) else next(iter(out.values())) if isinstance(out, dict) else out',
      `state = {storage(t)[0] for t in [*model.parameters(), *model.buffers()]}`,
      `inputs = {storage(t)[0] for t in [${names.join(', ')}]}`,
      'activation_bytes = sum(n for p, n in saved.items() if p not in state and p not in inputs)',
      'activation_bytes_with_input = sum(n for p, n in saved.items() if p not in state)',
      check('tuple(out.shape)', pyTuple(f.outputs[0]?.shape ?? []), 'output shape'),
      check('activation_bytes', py(f.savedBytes), 'activation bytes saved for backward'),
      check('activation_bytes_with_input', py(f.savedBytesWithInput), 'activation bytes saved for backward, input included'),
    )
  }
  const o = plan?.optimizer?.optimizer
  if (plan && o && plan.mode === 'training' && o.library === 'torch.optim' && o.name !== 'LBFGS' && o.name !== 'SparseAdam' && plan.options.precision === 'auto' && !plan.lora) {
    lines.push(
      '',
      '# optimizer state after one step, as torch.optim holds it',
      `optimizer = ${o.qualifiedName}(${['model.parameters()', ...o.givenArgs].join(', ')})`,
      'for p in model.parameters():',
      '    if p.requires_grad:',
      '        p.grad = torch.zeros_like(p)',
      'optimizer.step()',
      'state_bytes = sum(t.numel() * t.element_size() for s in optimizer.state.values() for t in s.values() if torch.is_tensor(t))',
      check('state_bytes', py(plan.optimizer!.bytes), 'optimizer state bytes'),
    )
  }
  lines.push('print("all checks passed")')
  return `${lines.join('\n')}\n`
}
