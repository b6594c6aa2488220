import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { parse } from '../python/parse.js'
import { keptTreeEntry, keptTreeOf } from '../python/kept-tree.js'
import type { Expr, Import, ImportFrom, Module } from '../python/ast.js'
import { locate, PyError } from './exceptions.js'
import { dictGetString } from './hash.js'
import type { Interpreter } from './interpreter.js'
import { storeName } from './names.js'
import type { Frame } from './scope.js'
import { libraryModule, partialLibraries } from './modules/index.js'
import { sysNamespace } from './modules/sys.js'
import { standardLibrary } from './stdlib.js'
import { quoted, str } from '../contract/values.js'
import type { NamespaceValue, PyModuleValue, Value } from '../contract/values.js'

/** A program's files, by path relative to the top of what was given (`models/resnet.py`). */
export type ProgramFiles = Map<string, string>

/** Reads a program's files on demand: a file's text, or undefined when there is none; whether a folder exists. */
export interface ProgramReader {
  readFile?: ((path: string) => string | undefined) | undefined
  isFolder?: ((path: string) => boolean) | undefined
  keptTrees?: KeptTreeStore | undefined
}

/**
 * Where an app keeps the syntax trees of the files it analyses from one run to the next (a cache folder, as Python
 * keeps compiled files in `__pycache__`), by path as the program names files (`<entry>` for the entry expression). Entries are text made and read by
 * nnsize ({@link keptTreeEntry}); a tree is used only when its entry holds the file's exact text, so an entry of an
 * edited file is parsed again. The app must give back only entries written by this same version of nnsize.
 */
export interface KeptTreeStore {
  /** The entry kept for `path`, or undefined. */
  read(path: string): string | undefined
  /** Keeps the entry of the file `path`, just parsed; `entry` makes it (called only when the app writes it). */
  write(path: string, entry: () => string): void
}

/**
 * The tree of `text` (the file `path`): read back from `store` when it kept one for exactly this text (`keptOf`), else
 * made by `parseText` and offered to `store` for the next run.
 */
export function keptOrParsed<T extends Module | Expr>(store: KeptTreeStore | undefined, path: string, text: string, keptOf: (entry: string, text: string) => T | undefined, parseText: (text: string) => T): T {
  const entry = store?.read(path)
  const kept = entry === undefined ? undefined : keptOf(entry, text)
  if (kept !== undefined) return kept
  const tree = parseText(text)
  store?.write(path, () => keptTreeEntry(text, tree))
  return tree
}

/** Normalises a path: forward slashes, no `./`, no leading slash. */
export function normalizePath(path: string): string {
  const parts: string[] = []
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') parts.pop()
    else parts.push(part)
  }
  return parts.join('/')
}

/**
 * Imports as `python -c "import <module>"` does from `root`: the program's files first (a module
 * `a.b` is `root/a/b.py` or the package `root/a/b/__init__.py`; a folder without `__init__.py` is a
 * namespace package), then the libraries nnsize models (`torch`, `math`, …). Anything else is a
 * placeholder that raises only when the model's construction uses it. Nothing outside the given
 * files is ever read, but for what the program's own reader gives for a module's path.
 */
export class Importer {
  /** Imported modules by dotted name (`sys.modules`). */
  readonly modules = new Map<string, Value>()
  private readonly folders = new Set<string>()
  private readonly parsed = new Map<string, Module>()
  /** The files the reader gave, by path, in the order read. */
  readonly filesAdded = new Map<string, string>()
  /** Paths the reader had no file for: it is asked once for each. */
  private readonly absent = new Set<string>()

  constructor(
    readonly files: ProgramFiles,
    /** The folder (relative to the files' top, `''` for the top) first on the module path. */
    readonly root: string,
    private readonly reader: ProgramReader = {},
  ) {
    for (const path of files.keys()) {
      const parts = path.split('/')
      for (let i = 1; i < parts.length; i++) this.folders.add(parts.slice(0, i).join('/'))
    }
  }

  /** The file of a module name, if the program has it: `{ path, package }`. */
  locate(name: string): { path: string | undefined; isPackage: boolean } | undefined {
    const base = [this.root, ...name.split('.')].filter((p) => p !== '').join('/')
    if (this.has(`${base}.py`)) return { path: `${base}.py`, isPackage: false }
    if (this.has(`${base}/__init__.py`)) return { path: `${base}/__init__.py`, isPackage: true }
    if (this.folders.has(base) || this.reader.isFolder?.(base) === true) return { path: undefined, isPackage: true }
    return undefined
  }

  /** Whether the program has a file: among those given, or read now by the program's reader. */
  private has(path: string): boolean {
    if (this.files.has(path)) return true
    if (this.reader.readFile === undefined || this.absent.has(path)) return false
    const text = this.reader.readFile(path)
    if (typeof text !== 'string') {
      this.absent.add(path)
      return false
    }
    this.files.set(path, text)
    this.filesAdded.set(path, text)
    return true
  }

  /** The dotted module name of a file under the root (`models/resnet.py` → `resnet` with root `models`). */
  moduleNameOf(path: string): string {
    const prefix = this.root === '' ? '' : `${this.root}/`
    if (prefix !== '' && !path.startsWith(prefix)) {
      throw new NnsizeError('import', `\`${path}\` is not inside the import root \`${this.root}\`.`)
    }
    const rel = path.slice(prefix.length).replace(/\.py$/, '')
    return rel.replace(/\/__init__$/, '').split('/').join('.')
  }

  /** The paths of the files parsed so far (the main file and those imported), in the order first read. */
  get pathsRead(): string[] {
    return [...this.parsed.keys()]
  }

  /** Parses a file once. */
  parseFile(path: string): Module {
    let tree = this.parsed.get(path)
    if (!tree) {
      tree = keptOrParsed(this.reader.keptTrees, path, this.files.get(path)!, keptTreeOf, (text) => {
        try {
          return parse(text)
        } catch (error) {
          throw locate(error, { start: 0, end: 0, file: path })
        }
      })
      this.parsed.set(path, tree)
    }
    return tree
  }
}

/** Runs a file of the program as the module `name` (its `__name__`), registering it first so that circular imports see it. */
export function runModule(it: Interpreter, name: string, path: string, isPackage: boolean): PyModuleValue {
  const globals = new Map<string, Value>()
  const module: PyModuleValue = { kind: 'pymodule', name, file: path, globals }
  globals.set('__name__', str(name))
  globals.set('__file__', str(path))
  globals.set('__package__', str(isPackage ? name : name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : ''))
  it.importer.modules.set(name, module)
  try {
    const tree = it.importer.parseFile(path)
    it.exec(tree.body, it.moduleFrame(globals, path, name))
  } catch (error) {
    it.importer.modules.delete(name)
    throw error
  }
  return module
}

/** Imports one module by its full dotted name (its parents first), as `importlib.import_module` does. */
export function importModule(it: Interpreter, name: string, span: SourceSpan): Value {
  const known = it.importer.modules.get(name)
  // a library nnsize does not read stays one placeholder, but each import names its own file and line in the error
  if (known) return known.kind === 'placeholder' && known.reason.type === 'import' ? { ...known, reason: { ...known.reason, span } } : known
  const dot = name.lastIndexOf('.')
  const parent = dot < 0 ? undefined : importModule(it, name.slice(0, dot), span)
  if (parent && parent.kind === 'placeholder') return placeholderChild(it, parent, name)
  const found = it.importer.locate(name)
  let module: Value
  if (found && found.path !== undefined) module = runModule(it, name, found.path, found.isPackage)
  else if (found) {
    module = { kind: 'pymodule', name, file: undefined, globals: new Map([['__name__', str(name)], ['__package__', str(name)]]) }
    it.importer.modules.set(name, module)
  } else {
    // Inside a `try` that catches a failed import, a top-level module the program cannot have fails as it would on a
    // machine without it, so that the program's fallback runs.
    if (parent === undefined && it.importFallbacks > 0 && !standardLibrary.has(name) && libraryModule(name) === undefined) {
      throw new PyError('import', 'ModuleNotFoundError', `No module named ${quoted(name)}: it is neither a file of the program nor a library nnsize models, so this import fails as it would where the module is not installed, and the program's \`except\` runs.`, span)
    }
    const library = name === 'sys' ? sysNamespace(it.importer) : parent && parent.kind === 'namespace' ? (Object.hasOwn(parent.members, name.slice(dot + 1)) ? parent.members[name.slice(dot + 1)] : undefined) ?? libraryModule(name) : libraryModule(name)
    module = library === undefined ? { kind: 'placeholder', name, reason: { type: 'import', module: name, span } } : library.kind === 'namespace' && partialLibraries.has(name) ? partialModule(library, name, span) : library
    it.importer.modules.set(name, module)
  }
  if (parent && parent.kind === 'pymodule') parent.globals.set(name.slice(dot + 1), module)
  return module
}

/** A partly modelled library module (see `partialLibraries`): the names it does not list are placeholders named as written (`np.prod`). */
function partialModule(module: NamespaceValue, written: string, span: SourceSpan): NamespaceValue {
  return { ...module, fallback: (name) => ({ kind: 'placeholder', name: `${written}.${name}`, reason: { type: 'import', module: module.name, span } }) }
}

function placeholderChild(it: Interpreter, parent: Extract<Value, { kind: 'placeholder' }>, name: string): Value {
  const module: Value = { kind: 'placeholder', name, reason: parent.reason }
  it.importer.modules.set(name, module)
  return module
}

/** `import a.b.c` (binds `a`) and `import a.b.c as d` (binds the module `a.b.c`). */
export function importModules(it: Interpreter, stmt: Import, frame: Frame): void {
  for (const alias of stmt.names) {
    const span = it.span(alias, frame)
    const module = importModule(it, alias.name, span)
    // `import numpy as np`: messages name what the program wrote (`np.prod`).
    if (alias.asname) storeName(it, alias.asname, module.kind === 'placeholder' ? { ...module, name: alias.asname } : module.kind === 'namespace' && partialLibraries.has(module.name) ? partialModule(module, alias.asname, span) : module, frame, alias)
    else {
      const top = alias.name.split('.')[0]!
      storeName(it, top, it.importer.modules.get(top) ?? module, frame, alias)
    }
  }
}

/**
 * Why a relative import in a file at the top of the files (or in source text) has no package, and the neutral fact of
 * what would work: the file given with its package folder, which each app offers its own way (a folder opened, given
 * or dropped instead of loose files).
 */
function noParentPackage(file: string | undefined, root: string): string {
  if (file === undefined) return 'Attempted relative import with no known parent package: this text is not a file inside a package. A relative import needs the file\'s package folder: give the files with the folder that holds them.'
  const below = root === '' ? file : file.slice(root.length + 1)
  const where = root === '' ? 'at the top of the files' : `at the top of the import root \`${root}\``
  return `Attempted relative import with no known parent package: \`${file}\` is ${where}, not inside a package folder. A relative import needs the file's package folder: give the files with the folder that holds them, so that its path${root === '' ? '' : ' below the import root'} reads \`<package>/${below}\`.`
}

/** The package a relative import starts from: the importing module's package, `level - 1` levels up. */
function resolveRelative(it: Interpreter, stmt: ImportFrom, frame: Frame): string {
  const base = stmt.module ?? ''
  if (stmt.level === 0) return base
  const pkgValue = frame.globals.get('__package__')
  const pkg = pkgValue?.kind === 'str' ? pkgValue.value : ''
  const span = it.span(stmt, frame)
  if (pkg === '') throw new PyError('import', 'ImportError', noParentPackage(span.file, it.importer.root), span)
  const parts = pkg.split('.')
  if (stmt.level - 1 >= parts.length) throw new PyError('import', 'ImportError', 'Attempted relative import beyond the top-level package.', span)
  const anchor = parts.slice(0, parts.length - (stmt.level - 1)).join('.')
  return base === '' ? anchor : `${anchor}.${base}`
}

/** `from module import a, b as c` and `from module import *` (honouring `__all__`). */
export function importFrom(it: Interpreter, stmt: ImportFrom, frame: Frame): void {
  const span = it.span(stmt, frame)
  const name = resolveRelative(it, stmt, frame)
  if (name === '__future__') return
  const module = importModule(it, name, span)
  for (const alias of stmt.names) {
    const aliasSpan = it.span(alias, frame)
    if (alias.name === '*') {
      starImport(it, module, frame, aliasSpan)
      continue
    }
    let value = module.kind === 'placeholder' ? undefined : it.findattr(module, alias.name, aliasSpan)
    if (value === undefined && (module.kind === 'pymodule' || module.kind === 'namespace')) {
      // A submodule not imported yet (`from models import resnet`).
      const sub = `${name}.${alias.name}`
      if (module.kind === 'namespace' || it.importer.locate(sub)) value = importModule(it, sub, aliasSpan)
    }
    if (value === undefined && module.kind === 'placeholder') value = { kind: 'placeholder', name: `${module.name}.${alias.name}`, reason: module.reason }
    if (value === undefined) {
      throw new PyError('import', 'ImportError', `Cannot import name ${quoted(alias.name)} from ${quoted(name)}${module.kind === 'pymodule' && module.file ? ` (${module.file})` : ''}.`, aliasSpan)
    }
    storeName(it, alias.asname ?? alias.name, value, frame, alias)
  }
}

function starImport(it: Interpreter, module: Value, frame: Frame, span: SourceSpan): void {
  switch (module.kind) {
    case 'pymodule': {
      const all = module.globals.get('__all__')
      if (all && (all.kind === 'list' || all.kind === 'tuple')) {
        for (const item of all.items) {
          if (item.kind !== 'str') continue
          const v = module.globals.get(item.value) ?? (it.importer.locate(`${module.name}.${item.value}`) ? importModule(it, `${module.name}.${item.value}`, span) : undefined)
          if (v === undefined) throw new PyError('unknown-attribute', 'AttributeError', `Module \`${module.name}\` has no attribute \`${item.value}\` named in its \`__all__\`.`, span)
          storeName(it, item.value, v, frame, span)
        }
        return
      }
      for (const [k, v] of module.globals) if (!k.startsWith('_')) storeName(it, k, v, frame, span)
      return
    }
    case 'namespace':
      for (const k of Object.keys(module.members)) if (!k.startsWith('_')) storeName(it, k, module.members[k]!, frame, span)
      return
    case 'placeholder':
      // Names from a module nnsize does not read cannot be listed; a name the program then uses is unknown.
      return
    default:
      void dictGetString
      throw new NnsizeError('import', `\`from ${module.kind} import *\` is not supported.`, { span })
  }
}
