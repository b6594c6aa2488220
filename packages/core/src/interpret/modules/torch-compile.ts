import type { SourceSpan } from '../../errors.js'
import { parse } from '../../python/parse.js'
import type { Interpreter } from '../interpreter.js'
import { NONE, native, str } from '../../contract/values.js'
import type { Value } from '../../contract/values.js'

/**
 * `OptimizedModule`, as `torch.compile` wraps a module (torch._dynamo's `eval_frame.py`): the module as its child
 * `_orig_mod` (so its names start with `_orig_mod.`, as PyTorch's do), and a forward that calls it as it is called.
 */
const optimizedModuleSource = `class OptimizedModule(nn.Module):
    def __init__(self, mod):
        super().__init__()
        self._orig_mod = mod

    def forward(self, *args, **kwargs):
        return self._orig_mod(*args, **kwargs)
`

const classes = new WeakMap<Interpreter, Value>()

/** The `OptimizedModule` class of one program, made from its source on the first `torch.compile` of a module. */
function optimizedModuleClass(it: Interpreter, nn: Value): Value {
  let cls = classes.get(it)
  if (!cls) {
    const module = 'torch._dynamo.eval_frame'
    const frame = it.moduleFrame(new Map<string, Value>([['nn', nn], ['__name__', str(module)]]), '<torch.compile>', module)
    it.exec(parse(optimizedModuleSource).body, frame)
    cls = frame.globals.get('OptimizedModule')!
    classes.set(it, cls)
  }
  return cls
}

/** What `torch.compile` changes in the figures: nothing in the counts, but a compiled graph keeps other tensors. */
const compiledNote = '`torch.compile` is run as the eager code it compiles: parameters, buffers, output shapes and FLOPs are the same, but the activations saved for backward follow eager PyTorch, and the graph TorchInductor compiles may keep fewer or other tensors.'

/**
 * `torch.compile`: of a module, an `OptimizedModule` around it; of a function, the function (nnsize counts and traces
 * what it computes, which compiling does not change); with options only (`torch.compile(mode='max-autotune')`), a
 * decorator that does the same.
 */
export function torchCompile(nn: Value): Value {
  const compiled = (target: Value, span: SourceSpan, it: Interpreter): Value => (target.kind === 'module' ? it.call(optimizedModuleClass(it, nn), [{ value: target, span, valueSpan: span }], span) : target)
  return native('torch.compile', (args, span, it) => {
    ;(it as Interpreter).note(compiledNote, true)
    const first = args[0]
    if (first && first.name === undefined) return compiled(first.value, span, it as Interpreter)
    return native('torch.compile', (inner, innerSpan, innerIt) => (inner[0] ? compiled(inner[0].value, innerSpan, innerIt as Interpreter) : NONE))
  })
}
