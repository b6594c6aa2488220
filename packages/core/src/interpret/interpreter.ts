import type { SourceSpan } from '../errors.js'
import type { ModuleNode } from '../model/module.js'
import type { Expr, Offsets, Stmt } from '../python/ast.js'
import { Budget } from './budget.js'
import type { PyClass } from './classes.js'
import { callValue } from './calls.js'
import { evalExpr } from './expressions.js'
import { getAttr, findAttr, setAttr } from './objects.js'
import { iterate, truthy } from './operators.js'
import type { Iter } from './operators.js'
import { Frame } from './scope.js'
import { execBlock } from './statements.js'
import type { Signal } from './statements.js'
import { pyRepr, pyStr } from './strings.js'
import type { ArgValue, DictValue, Value } from '../contract/values.js'
import type { Importer } from './imports.js'

/** What the interpreter keeps for a module that is an instance of a Python class (its class and its plain attributes). */
export interface ModuleInstance {
  cls: PyClass
  dict: DictValue
}

/**
 * The state of one run of a Python program: the budget, the modules imported so far, the notes
 * `print` wrote, and what each `nn.Module` instance of a user class holds beyond its parameters,
 * buffers and submodules. The work itself is done by the functions of the other files, which take
 * the interpreter as their first argument.
 */
let caller: Interpreter | undefined

declare module '../contract/values.js' {
  /** Native functions receive the {@link Interpreter}. */
  interface Runtime extends Interpreter {}
}

/**
 * The interpreter that made the latest call: for callables made outside the interpreter (the zoo's namespaces),
 * which call each other without passing it on (`get_model('resnet50')` calls the builder).
 */
export function callingInterpreter(): Interpreter | undefined {
  return caller
}

/** Most notes one program adds: printed lines, warnings and nnsize's own. */
const maxNotes = 100

export class Interpreter {
  /** The bound on all work, shared by everything the program runs. */
  readonly budget = new Budget()
  /** What the program printed (`print(...)`), one entry per call, its warnings and nnsize's own notes: the analysis' notes. */
  readonly notes: string[] = []
  /** Class and attributes of modules made from Python classes. */
  readonly instances = new WeakMap<ModuleNode, ModuleInstance>()
  /** Imports: library modules and the program's files. */
  readonly importer: Importer
  /**
   * How many `try` bodies now running have a handler that catches a failed import (`except ImportError:`, `except
   * Exception:`, a bare `except:`): inside one, importing a top-level module that is neither a file of the program,
   * a library nnsize models nor one of the standard library raises `ModuleNotFoundError`, as on a machine without
   * it, so that the program's fallback runs; elsewhere it binds a placeholder.
   */
  importFallbacks = 0
  /**
   * Tensor operations on tensors of a traced forward pass (values whose `trace` is set) go here:
   * the forward side answers them with the trace's own rules, or returns undefined for "not
   * supported yet". Unset: no forward is being traced.
   */
  forwardOps: ((name: string, operands: readonly Value[], args: readonly ArgValue[], span: SourceSpan) => Value | undefined) | undefined = undefined
  /** The globals of the main file (or of a pasted program), which a call expression (`m(x[0], torch.ones(4))`) sees too. */
  mainGlobals: ReadonlyMap<string, Value> | undefined = undefined
  /** The names every module sees after its own globals (`len`, `range`, …; in expression mode also `nn`, `torch`, layer names). */
  readonly builtins: Map<string, Value>

  constructor(importer: Importer, builtins: Map<string, Value>) {
    this.importer = importer
    this.builtins = builtins
  }

  /** A span in the file that `frame` runs. */
  span(node: Offsets, frame: Frame): SourceSpan {
    return frame.file === undefined ? { start: node.start, end: node.end } : { start: node.start, end: node.end, file: frame.file }
  }

  /** Evaluates an expression. */
  evaluate(expr: Expr, frame: Frame): Value {
    return evalExpr(this, expr, frame)
  }

  /** Runs statements; the signal says whether they ended normally, by `break`, `continue` or `return`. */
  exec(body: readonly Stmt[], frame: Frame): Signal {
    return execBlock(this, body, frame)
  }

  /** Calls any callable value. */
  call(fn: Value, args: ArgValue[], span: SourceSpan): Value {
    caller = this
    return callValue(this, fn, args, span)
  }

  /** Calls with positional values only. */
  callWith(fn: Value, values: readonly Value[], span: SourceSpan): Value {
    return callValue(
      this,
      fn,
      values.map((value) => ({ value, span, valueSpan: span })),
      span,
    )
  }

  /** `obj.name`, raising `AttributeError` when missing. */
  getattr(obj: Value, name: string, span: SourceSpan): Value {
    return getAttr(this, obj, name, span)
  }

  /** `obj.name`, or undefined when there is no such attribute. */
  findattr(obj: Value, name: string, span: SourceSpan): Value | undefined {
    return findAttr(this, obj, name, span)
  }

  /** `obj.name = value`. */
  setattr(obj: Value, name: string, value: Value, span: SourceSpan): void {
    setAttr(this, obj, name, value, span)
  }

  /** An iterator over any iterable value; each item charges one step. */
  iter(value: Value, span: SourceSpan): Iter {
    return iterate(this, value, span)
  }

  /** Every item of an iterable, as an array (each charged as one item). */
  toArray(value: Value, span: SourceSpan): Value[] {
    if (value.kind === 'list' || value.kind === 'tuple') return value.items
    const next = this.iter(value, span)
    const out: Value[] = []
    for (let item = next(); item !== undefined; item = next()) {
      this.budget.allocate(1, span)
      out.push(item)
    }
    return out
  }

  /** Python truthiness. */
  truthy(value: Value, span: SourceSpan): boolean {
    return truthy(this, value, span)
  }

  /** `str(value)`. */
  str(value: Value, span: SourceSpan): string {
    return pyStr(this, value, span)
  }

  /** `repr(value)`. */
  repr(value: Value, span: SourceSpan): string {
    return pyRepr(this, value, span)
  }

  /** Adds a note, unless 100 are there already (or, with `once`, the same one is). */
  note(text: string, once = false): void {
    if (this.notes.length < maxNotes && !(once && this.notes.includes(text))) this.notes.push(text)
  }

  /** A frame for running a module's top level. */
  moduleFrame(globals: Map<string, Value>, file: string | undefined, name: string): Frame {
    return new Frame('module', globals, undefined, file, name)
  }
}
