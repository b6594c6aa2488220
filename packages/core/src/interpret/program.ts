import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { layers } from '../layers/index.js'
import { limits } from '../limits.js'
import { childrenOf } from '../model/module.js'
import type { ModuleNode } from '../model/module.js'
import type { Expr, Stmt } from '../python/ast.js'
import { parse, parseExpression } from '../python/parse.js'
import { unparse } from '../python/unparse.js'
import { pythonBuiltins } from './builtins.js'
import { lookupInMro } from './classes.js'
import type { PyClass } from './classes.js'
import { locate } from './exceptions.js'
import { importModule, Importer, keptOrParsed, normalizePath } from './imports.js'
import type { KeptTreeStore } from './imports.js'
import { keptExpressionOf } from '../python/kept-tree.js'
import { Interpreter } from './interpreter.js'
import { libraryModule } from './modules/index.js'
import { torchvisionModule } from './modules/torchvision.js'
import { modelCollections, modelCollectionsPending, onModelCollections } from './collections.js'
import type { ModelCollections } from './collections.js'
import { layerClass } from './nn-module.js'
import { placeholderError } from './objects.js'
import { orderedDictClass } from './types.js'
import { showValue, typeName } from '../contract/values.js'
import type { PyModuleValue, Value } from '../contract/values.js'

/**
 * A Python program given as files: `files` by path (`models/resnet.py`), the `main` file whose
 * namespace `entry` is evaluated in, and `root`, the folder first on the module path (the top of
 * the files by default), as `python -c "import <main module>"` from `root` would see them.
 */
export interface ProgramSource {
  files: Readonly<Record<string, string>>
  main: string
  /** An expression evaluated after importing `main`, in its namespace (`ResNet18()`). */
  entry?: string | undefined
  root?: string | undefined
  /**
   * Reads a file an import looks for that is not among `files` (a path such as `models/resnet.py`, as `files` names
   * them), or gives undefined when there is none: an app can then give the main file alone and have a big folder's
   * files read on demand, as Python reads them, instead of all of them first. What it reads joins the analysis's
   * `program.files` and `filesRead`.
   */
  readFile?: ((path: string) => string | undefined) | undefined
  /** Whether a folder (as `files` names paths) exists, for a namespace package whose files are read by `readFile`. */
  isFolder?: ((path: string) => boolean) | undefined
  /** Syntax trees the app kept from earlier runs (a cache folder): a file whose exact text has one is not parsed again. */
  keptTrees?: KeptTreeStore | undefined
}

/** The file name errors in `entry` point at (its offsets are into the entry text). */
export const entryFile = '<entry>'

/** What running a program gives: the module it builds, what it printed, and the interpreter (which a traced `forward` uses). */
export interface ProgramResult {
  module: ModuleNode
  notes: string[]
  interpreter: Interpreter
  /**
   * Python source of an expression that gives the model when evaluated in the main module's
   * namespace after it ran (`Net()`, `model`, `ResNet18()`, `resnet50()`), written from nnsize's
   * own syntax tree: what a verification script builds.
   */
  entry: string
}

/** A value the program ends with, and the Python text that gives it again. */
interface Result {
  value: Value
  span: SourceSpan
  source: string
}

const expressionNames = new Map<boolean, Map<string, Value>>()
onModelCollections(() => expressionNames.clear())

/**
 * The names an expression sees without importing anything (`nn.Linear`, bare `Linear`, `resnet50`,
 * `torch`, `F`, `OrderedDict`), after Python's builtins. A program's own names shadow them. Without
 * `withModels` or before the model collections are provided, `torchvision`, `timm` and torchvision's builders are
 * not among them (`resnet50` is an unknown name). Collections provided to be made on first use are made when a name
 * is not among the others, or when all names are listed: `Conv2d(128, 256, 3)` never makes them.
 */
function expressionBuiltins(withModels: boolean): Map<string, Value> {
  let names = expressionNames.get(withModels)
  if (!names) {
    if (withModels && modelCollectionsPending()) names = new NamesWithModels(expressionNamesOf(undefined), (reuse) => expressionNamesOf(modelCollections(), reuse))
    else names = expressionNamesOf(withModels ? modelCollections() : undefined)
    expressionNames.set(withModels, names)
  }
  return names
}

/** The names of {@link expressionBuiltins}, with the collections' when given; a name in `reuse` keeps its value there. */
function expressionNamesOf(collections: ModelCollections | undefined, reuse?: ReadonlyMap<string, Value>): Map<string, Value> {
  const names = pythonBuiltins()
  if (reuse) for (const [name, value] of names) names.set(name, reuse.get(name) ?? value)
  const set = (name: string, value: Value): void => void names.set(name, reuse?.get(name) ?? value)
  const torch = libraryModule('torch')!
  const nn = libraryModule('torch.nn')!
  for (const layer of layers) set(layer.name, (nn.kind === 'namespace' ? nn.members[layer.name] : undefined) ?? layerClass(layer).value)
  if (collections) for (const [name, value] of torchvisionModule(collections).bare) if (!names.has(name)) set(name, value)
  set('torch', torch)
  set('nn', nn)
  set('F', libraryModule('torch.nn.functional')!)
  if (collections) {
    set('torchvision', libraryModule('torchvision')!)
    set('timm', libraryModule('timm')!)
  }
  set('OrderedDict', orderedDictClass.value)
  set('collections', libraryModule('collections')!)
  set('math', libraryModule('math')!)
  return names
}

/**
 * Names whose model-collection part is made on first need: a name not found among the others, or a listing of all
 * of them. Made, it holds what {@link expressionNamesOf} with the collections holds, in the same order, and every
 * name it had keeps its value.
 */
class NamesWithModels extends Map<string, Value> {
  #make: ((reuse: ReadonlyMap<string, Value>) => Map<string, Value>) | undefined

  constructor(base: Map<string, Value>, make: (reuse: ReadonlyMap<string, Value>) => Map<string, Value>) {
    super(base)
    this.#make = make
  }

  #made(): void {
    const make = this.#make
    if (make === undefined) return
    this.#make = undefined
    const base = new Map<string, Value>()
    super.forEach((value, name) => base.set(name, value))
    const full = make(base)
    super.clear()
    for (const [name, value] of full) super.set(name, value)
  }

  override get(name: string): Value | undefined {
    const value = super.get(name)
    if (value !== undefined || this.#make === undefined) return value
    this.#made()
    return super.get(name)
  }

  override has(name: string): boolean {
    if (super.has(name) || this.#make === undefined) return super.has(name)
    this.#made()
    return super.has(name)
  }

  override get size(): number {
    this.#made()
    return super.size
  }

  override keys(): MapIterator<string> {
    this.#made()
    return super.keys()
  }

  override values(): MapIterator<Value> {
    this.#made()
    return super.values()
  }

  override entries(): MapIterator<[string, Value]> {
    this.#made()
    return super.entries()
  }

  override forEach(callback: (value: Value, key: string, map: Map<string, Value>) => void, thisArg?: unknown): void {
    this.#made()
    super.forEach(callback, thisArg)
  }

  override [Symbol.iterator](): MapIterator<[string, Value]> {
    this.#made()
    return super[Symbol.iterator]()
  }
}

let fileNames: Map<string, Value> | undefined

function fileBuiltins(): Map<string, Value> {
  return (fileNames ??= pythonBuiltins())
}

/** Runs a module's statements, keeping the value of the last one when it is an expression or an assignment to a name. */
function runKeepingLast(it: Interpreter, body: readonly Stmt[], globals: Map<string, Value>, file: string | undefined, name: string): Result | undefined {
  const frame = it.moduleFrame(globals, file, name)
  const last = body.at(-1)
  it.exec(body.slice(0, -1), frame)
  if (!last) return undefined
  if (last.type === 'Expr') return { value: it.evaluate(last.value, frame), span: it.span(last.value, frame), source: unparse(last.value) }
  it.exec([last], frame)
  const target = last.type === 'Assign' && last.targets.length === 1 ? last.targets[0] : last.type === 'AnnAssign' && last.value ? last.target : undefined
  if (target?.type === 'Name') return { value: globals.get(target.id)!, span: it.span(last, frame), source: target.id }
  return undefined
}

/** True when a class can be called without arguments: every parameter of its `__init__` after `self` has a default. */
function buildsWithoutArguments(cls: PyClass): boolean {
  const init = lookupInMro(cls, '__init__')
  if (!init) return true
  const fn = init.value
  if (fn.kind === 'function') {
    const a = fn.node.args
    const positional = [...a.posonlyargs, ...a.args].slice(1)
    const required = positional.length - fn.defaults.length
    return required <= 0 && a.kwonlyargs.every((k) => fn.kwDefaults.has(k.arg))
  }
  const layer = init.owner.layer
  if (layer) return layer.signature.every((s) => !s.required)
  return true
}

/** The module classes a program defines in its main module, by the name it binds them to, for "build the one that needs no arguments". */
function moduleClassesOf(globals: Map<string, Value>, moduleName: string): Array<[string, PyClass]> {
  const out: Array<[string, PyClass]> = []
  for (const [name, v] of globals) if (v.kind === 'class' && v.cls.user && v.cls.isModule && v.cls.module === moduleName && !out.some(([, c]) => c === v.cls)) out.push([name, v.cls])
  return out
}

/**
 * Chooses what to build when nothing names it: the one module class that needs no arguments. `where` names the main
 * file of a program, which takes an entry; `undefined` is source text, which can only end with the model.
 */
function onlyBuildableClass(it: Interpreter, globals: Map<string, Value>, moduleName: string, where: string | undefined, span: SourceSpan): Result {
  const classes = moduleClassesOf(globals, moduleName)
  const buildable = classes.filter(([, c]) => buildsWithoutArguments(c))
  if (buildable.length === 1) {
    const [name, cls] = buildable[0]!
    return { value: it.call(cls.value, [], cls.span ?? span), span: cls.span ?? span, source: `${name}()` }
  }
  const names = (list: Array<[string, PyClass]>): string => list.map(([n]) => `\`${n}\``).join(', ')
  const problem =
    buildable.length > 1
      ? { what: `${where ?? 'The input'} defines several nn.Module classes that can be built without arguments (${names(buildable)})`, example: `${buildable[0]![0]}()` }
      : classes.length > 0
        ? { what: `${where ?? 'The input'} defines ${names(classes)}, which need${classes.length === 1 ? 's' : ''} constructor arguments`, example: `${classes[0]![0]}(...)` }
        : { what: `${where ?? 'The input'} builds no module`, example: 'Net()' }
  // source text has no entry: it ends with the model it builds
  if (where === undefined) throw new NnsizeError('type', `${problem.what}: end it with the model to build, e.g. \`model = ${problem.example}\`.`, { span })
  throw entryError(`must name the model to build: ${problem.what}; e.g. \`${problem.example}\`.`, span)
}

/**
 * An error about what to build, as a phrase after the entry's name: the library says `entry`, each app its own word
 * for it (the CLI `--model`), through the error's `field` and `reason`.
 */
function entryError(reason: string, span: SourceSpan): NnsizeError {
  return new NnsizeError('type', `\`entry\` ${reason}`, { span, field: 'entry', reason })
}

/** The module a program's final value is, calling a bare torchvision builder (`resnet50`) with its defaults, with the Python text that gives it. */
function asModule(it: Interpreter, result: Result): { module: ModuleNode; entry: string } {
  let { value } = result
  const { span } = result
  let entry = result.source
  if (value.kind === 'callable' && value.name.startsWith('torchvision.models.')) {
    value = it.call(value, [], span)
    entry = `${entry}()`
  }
  if (value.kind === 'module') return { module: value.module, entry }
  if (value.kind === 'placeholder') throw placeholderError(value, span)
  const hint =
    value.kind === 'callable' || value.kind === 'class' || value.kind === 'function' ? ` Call it: \`${showValue(value)}(...)\`.` : value.kind === 'list' || value.kind === 'tuple' ? ' Wrap modules in `nn.Sequential(...)` or `nn.ModuleList([...])`.' : ''
  throw new NnsizeError('type', `The input must end with a module, got ${typeName(value)} \`${showValue(value)}\`.${hint}`, { span })
}

/**
 * Refuses module trees whose dotted names would be unbounded: deeper than `limits.maxModuleDepth`, or
 * whose names add up to more than `limits.maxStringChars` characters. Walks each module once, without
 * making the names.
 */
export function checkModuleTree(root: ModuleNode): void {
  const seen = new Set<ModuleNode>()
  const stack: Array<[ModuleNode, number, number]> = [[root, 0, 0]]
  let total = 0
  while (stack.length > 0) {
    const [node, depth, length] = stack.pop()!
    if (seen.has(node)) continue
    seen.add(node)
    if (depth > limits.maxModuleDepth) throw new NnsizeError('limit', `The module tree is deeper than ${limits.maxModuleDepth.toLocaleString('en-US')} levels, the limit.`, { span: node.span })
    total += length
    if (total > limits.maxStringChars) throw new NnsizeError('limit', `The dotted names of the model's modules add up to more than ${limits.maxStringChars.toLocaleString('en-US')} characters, the limit.`, { span: root.span })
    childrenOf(node).forEach((child, name) => {
      if (child !== null && !seen.has(child)) stack.push([child, depth + 1, length + (length === 0 ? 0 : 1) + name.length])
    })
  }
}

/**
 * Turns a JavaScript stack overflow (a deep recursion of deeply nested expressions, within the call
 * depth budget) into the `too-deep` error: the interpreter never lets one escape.
 */
function guarded<T>(run: () => T): T {
  try {
    return run()
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new NnsizeError('too-deep', 'The program nests calls and expressions too deeply to run.')
    }
    throw error
  }
}

/**
 * Runs source text (an expression, statements, or a whole file pasted as one text) and returns the module it ends
 * with. Without `withModels` (default true), torchvision's builders are not in scope.
 */
export function runSource(source: string, withModels = true): ProgramResult {
  return guarded(() => runSourceUnguarded(source, withModels))
}

function runSourceUnguarded(source: string, withModels: boolean): ProgramResult {
  const tree = parse(source)
  if (tree.body.length === 0) throw new NnsizeError('syntax', 'The input is empty: write a layer such as `nn.Linear(128, 64)`.', { span: { start: 0, end: source.length } })
  const it = new Interpreter(new Importer(new Map(), ''), expressionBuiltins(withModels))
  const globals = new Map<string, Value>()
  globals.set('__name__', { kind: 'str', value: '__input__' })
  it.mainGlobals = globals
  const last = runKeepingLast(it, tree.body, globals, undefined, '__input__')
  const whole = { start: 0, end: source.length }
  const final = last?.value.kind === 'module' || last?.value.kind === 'callable' || !hasModuleClass(globals) ? (last ?? { value: { kind: 'none' }, span: whole, source: 'None' }) : onlyBuildableClass(it, globals, '__input__', undefined, whole)
  return finish(it, asModule(it, final as Result))
}

function hasModuleClass(globals: Map<string, Value>): boolean {
  return moduleClassesOf(globals, '__input__').length > 0
}

/** Runs a program of several files: imports `main` as its module, then evaluates `entry` (or finds what to build). */
export function runFiles(program: ProgramSource): ProgramResult {
  return guarded(() => runFilesUnguarded(program))
}

function runFilesUnguarded(program: ProgramSource): ProgramResult {
  const files = new Map<string, string>()
  for (const [path, text] of Object.entries(program.files)) {
    if (typeof text !== 'string') throw new NnsizeError('type', `The text of \`${path}\` must be a string, got ${text === null ? 'null' : typeof text}.`)
    files.set(normalizePath(path), text)
  }
  const main = normalizePath(program.main)
  if (!files.has(main)) throw new NnsizeError('import', `The main file \`${program.main}\` is not among the files given (${[...files.keys()].slice(0, 5).map((f) => `\`${f}\``).join(', ')}${files.size > 5 ? ', …' : ''}).`)
  const root = normalizePath(program.root ?? '')
  const importer = new Importer(files, root, program)
  const it = new Interpreter(importer, fileBuiltins())
  const name = importer.moduleNameOf(main)
  const module = importMain(it, name, main)
  it.mainGlobals = module.globals
  if (program.entry !== undefined && program.entry.trim() !== '') {
    const expr = keptOrParsed(program.keptTrees, entryFile, program.entry, keptExpressionOf, (entry) => {
      try {
        return parseExpression(entry)
      } catch (error) {
        throw locate(error, { start: 0, end: entry.length, file: entryFile })
      }
    })
    const frame = it.moduleFrame(module.globals, entryFile, name)
    return finish(it, asModule(it, { value: it.evaluate(expr, frame), span: it.span(expr, frame), source: unparse(expr) }))
  }
  const last = lastValues.get(it)
  if (last?.value.kind === 'placeholder') throw placeholderError(last.value, last.span)
  if (last && (last.value.kind === 'module' || (last.value.kind === 'callable' && last.value.name.startsWith('torchvision.models.')))) return finish(it, asModule(it, last))
  return finish(it, asModule(it, onlyBuildableClass(it, module.globals, name, `\`${main}\``, { start: 0, end: 0, file: main })))
}

function finish(it: Interpreter, built: { module: ModuleNode; entry: string }): ProgramResult {
  checkModuleTree(built.module)
  return { module: built.module, notes: it.notes, interpreter: it, entry: built.entry }
}

const lastValues = new WeakMap<Interpreter, Result>()

/** Imports the main module (its packages first), keeping the value of its last statement. */
function importMain(it: Interpreter, name: string, path: string): PyModuleValue {
  const dot = name.lastIndexOf('.')
  if (dot >= 0) importModule(it, name.slice(0, dot), { start: 0, end: 0, file: path })
  const globals = new Map<string, Value>()
  const module: PyModuleValue = { kind: 'pymodule', name, file: path, globals }
  const isPackage = path.endsWith('/__init__.py') || path === '__init__.py'
  globals.set('__name__', { kind: 'str', value: name })
  globals.set('__file__', { kind: 'str', value: path })
  globals.set('__package__', { kind: 'str', value: isPackage ? name : dot >= 0 ? name.slice(0, dot) : '' })
  it.importer.modules.set(name, module)
  const tree = it.importer.parseFile(path)
  const last = runKeepingLast(it, tree.body, globals, path, name)
  if (last) lastValues.set(it, last)
  if (dot >= 0) {
    const parent = it.importer.modules.get(name.slice(0, dot))
    if (parent?.kind === 'pymodule') parent.globals.set(name.slice(dot + 1), module)
  }
  return module
}

/**
 * Runs source text (statements ending in an expression) with the names an expression sees and returns the value of
 * its last statement, whatever it is (`len(list_models())` is an int): for tests and tools that inspect values.
 */
export function evaluateSource(source: string): Value {
  return guarded(() => {
    const tree = parse(source)
    const it = new Interpreter(new Importer(new Map(), ''), expressionBuiltins(true))
    const globals = new Map<string, Value>()
    globals.set('__name__', { kind: 'str', value: '__input__' })
    return runKeepingLast(it, tree.body, globals, undefined, '__input__')?.value ?? { kind: 'none' }
  })
}

/**
 * Evaluates a constant expression (`1e-4`, `(0.9, 0.95)`, `3e-4 * 2`, `'strong_wolfe'`) with no names
 * in scope: an option's value. Anything else raises (a name is `unknown-name`).
 */
export function evaluateConstant(expr: Expr): Value {
  const it = new Interpreter(new Importer(new Map(), ''), new Map())
  return it.evaluate(expr, it.moduleFrame(new Map(), undefined, '__option__'))
}
