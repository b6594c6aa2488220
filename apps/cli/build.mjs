// Bundles the CLI into minified CommonJS files under dist/, which bin/nnsize.cjs runs through its code cache:
//   dist/cli.cjs      src/cli.ts: the command line and commander (all that --help, --version and usage errors need),
//                     and the background server that answers the command for other processes (bin/server.cjs)
//   dist/core.cjs     src/engine.ts: @nnsize/core's entry points (bundled from its source): the analysis, the request
//                     parser and the present layer, with the reports, loaded on the first real question
//   dist/zoo.cjs      the model collections: torchvision and timm
//   dist/hf.cjs       the Hugging Face families and the catalogue of checkpoints
//   dist/weights.cjs  the weight-file readers
//   dist/plan.cjs     the memory and speed planners, with the optimizers and the GPU table
//   dist/libs.cjs     libraries few model files import: numpy's arrays, torch.nn.utils' weight normalisations,
//                     torch.linalg, torch.distributions, and the names of PyTorch that nnsize does not model
// The last five are required by dist/core.cjs on first use (below).
// CommonJS rather than ES modules because Node starts its ES-module loader (and the streams it pulls in) only for
// ES modules, and because V8's code cache can be used from node:vm for scripts but not for modules on Node 20.
import { createHash } from 'node:crypto'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
const outdir = fileURLToPath(new URL('./dist', import.meta.url))
const source = (path) => fileURLToPath(new URL(path, import.meta.url))

/** Points program.ts's `import('./engine.js')` at the core bundle, required on first use. */
const coreBundle = {
  name: 'core-bundle',
  setup(b) {
    b.onResolve({ filter: /^\.\/engine\.js$/ }, () => ({ path: 'core', namespace: 'core-bundle' }))
    b.onLoad({ filter: /.*/, namespace: 'core-bundle' }, () => ({ contents: "module.exports = require('./core.cjs')", loader: 'js' }))
    b.onResolve({ filter: /^\.\/core\.cjs$/ }, () => ({ path: './core.cjs', external: true }))
  },
}

/**
 * `import('node:tty')` and the like become a `require` on first use: a bundle that bin/nnsize.cjs runs through
 * node:vm has no ES-module loader behind it. commander's `child_process` (for executable subcommands, which nnsize
 * does not have) is an empty module, which keeps net, dgram and streams off the start-up path.
 */
const nodeBuiltins = {
  name: 'node-builtins',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, () => ({ path: 'child_process', namespace: 'node-stub' }))
    b.onLoad({ filter: /.*/, namespace: 'node-stub' }, () => ({ contents: 'module.exports = {}', loader: 'js' }))
    b.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, namespace: 'node-lazy' } : undefined))
    b.onLoad({ filter: /.*/, namespace: 'node-lazy' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)})`, loader: 'js' }))
  },
}

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  // @nnsize/core and its subpaths (@nnsize/core/present, …) from the core's source: one folder per entry point
  alias: { '@nnsize/core': source('../../packages/core/src') },
  define: { NNSIZE_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
}

// ---------------------------------------------------------------------------------------------
// The core in parts: dist/core.cjs holds what every question needs; the model collections (torchvision and timm:
// dist/zoo.cjs), the Hugging Face families and catalogue (dist/hf.cjs), the weight-file readers (dist/weights.cjs)
// and the memory and speed planners (dist/plan.cjs) are bundles of their own, required on first use. Each core module is in exactly one bundle. A
// module that imports a module of another bundle gets a stand-in whose export names are read through its prototype,
// which requires that bundle on the first read of one of them, so a part loads only when a question reaches into it (a torchvision builder,
// a catalogue name or a config.json, a file's first bytes). Nothing may read a part's exports while its importer
// loads: the stand-in then throws, and the launcher tests load each kind of question.

const coreSrc = source('../../packages/core/src/')
const libsModules = new Set(['interpret/modules/numpy.ts', 'interpret/modules/numpy-array.ts', 'interpret/modules/nn-utils.ts', 'forward/ops/weight-norm.ts', 'interpret/modules/linalg.ts', 'interpret/modules/distributions.ts', 'interpret/modules/torch-names.ts', 'interpret/modules/torch-names-data.ts'])
/** The core modules of each lazily loaded bundle, by path relative to packages/core/src. */
const parts = {
  hf: (rel) => rel.startsWith('zoo/hf/') && rel !== 'zoo/hf/json.ts',
  zoo: (rel) => rel.startsWith('zoo/') && !rel.startsWith('zoo/hf/'),
  // telling a weight file from text (its first bytes, its name) needs no reader: detect.ts and paths.ts stay in the core
  weights: (rel) => rel.startsWith('weights/') && rel !== 'weights/detect.ts' && rel !== 'weights/paths.ts',
  // the memory and speed planners, with their optimizers and GPU table: memory/basis.ts names the lines every report lists
  plan: (rel) => (rel.startsWith('memory/') || rel.startsWith('speed/')) && rel !== 'memory/basis.ts',
  // libraries few model files import: numpy's arrays, torch.nn.utils' weight normalisations, torch.linalg and
  // torch.distributions; and PyTorch's names nnsize does not model, read only to word an error
  libs: (rel) => libsModules.has(rel),
}
/** The bundle a source file belongs to: a part's name, or `core`. */
const bundleOf = (path) => {
  if (!path.startsWith(coreSrc)) return 'core'
  const rel = path.slice(coreSrc.length).replaceAll('\\', '/')
  return Object.keys(parts).find((name) => parts[name](rel)) ?? 'core'
}
const relOf = (path) => path.slice(coreSrc.length).replaceAll('\\', '/')

// 1. The module graph of everything dist/core.cjs answers, to find the modules imported across bundles.
const graph = await build({ ...common, entryPoints: [source('./src/engine.ts')], format: 'esm', write: false, metafile: true, outdir, plugins: [nodeBuiltins] })
const absolute = (input) => join(process.cwd(), input)
/** Modules imported from another bundle, by the bundle that holds them. */
const crossing = new Map(['core', ...Object.keys(parts)].map((name) => [name, new Set()]))
for (const [input, info] of Object.entries(graph.metafile.inputs)) {
  for (const imported of info.imports) {
    if (imported.external || imported.path.startsWith('<') || imported.kind === 'require-call') continue
    const from = bundleOf(absolute(input))
    const to = bundleOf(absolute(imported.path))
    if (from !== to) crossing.get(to).add(absolute(imported.path))
  }
}

// 2. The export names of each module imported across bundles.
const crossed = [...crossing.values()].flatMap((set) => [...set])
const exportsOf = new Map()
{
  const names = await build({ ...common, entryPoints: crossed, format: 'esm', splitting: true, write: false, metafile: true, outdir: join(outdir, 'names'), plugins: [nodeBuiltins] })
  for (const output of Object.values(names.metafile.outputs)) if (output.entryPoint) exportsOf.set(absolute(output.entryPoint), output.exports)
}
const keyOf = (path) => relOf(path).replace(/\.ts$/, '')

/** In bundle `name`, an import of another bundle's module becomes a stand-in that requires that bundle on first use. */
const bundleParts = (name) => ({
  name: 'bundle-parts',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (/^\.\/[a-z]+\.cjs$/.test(args.path)) return { path: args.path, external: true }
      if (args.pluginData?.resolving || args.kind === 'entry-point') return undefined
      const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { resolving: true } })
      if (resolved.errors.length > 0 || resolved.external || resolved.namespace !== 'file') return resolved
      const owner = bundleOf(resolved.path)
      if (owner === name) return resolved
      if (!crossing.get(owner).has(resolved.path)) throw new Error(`${relOf(resolved.path)} is imported across bundles but was not found in the module graph`)
      return { path: resolved.path, namespace: 'part-stub', pluginData: { owner } }
    })
    b.onLoad({ filter: /.*/, namespace: 'part-stub' }, (args) => {
      const names = exportsOf.get(args.path)
      const contents = [
        `let m; const load = () => (m ??= (require('./${args.pluginData.owner}.cjs').sharedModules ?? cycle())[${JSON.stringify(keyOf(args.path))}]());`,
        `const cycle = () => { throw new Error('dist/${args.pluginData.owner}.cjs was read while it was still being set up: ${keyOf(args.path)} must not be used when its importer loads'); };`,
        // the exports are read through the prototype, which loads the part on the first read of one of its names: the
        // importer's copy of a CommonJS module's exports (esbuild's __toESM makes an object of the same prototype and
        // copies the own properties) then copies nothing, however many names the module has
        `const names = ${JSON.stringify(names)};`,
        `const exported = new Proxy(Object.create(null), { get: (_, k) => (typeof k === 'string' && names.includes(k) ? load()[k] : undefined) });`,
        `module.exports = Object.create(exported, { __esModule: { value: true } });`,
      ].join('\n')
      return { contents, loader: 'js', resolveDir: outdir }
    })
  },
})

/**
 * The entry of bundle `name`: its own entry's exports (the core's engine) and the modules other bundles import from it.
 * Each shared module is a function that makes an object of getters over its exports (live, as an import's are) when
 * another bundle first reads it, rather than a namespace object set up for every module whenever the bundle loads.
 */
const entryOf = (name, own) => {
  const shared = [...crossing.get(name)]
  const lines = shared.map((path, i) => `import { ${exportsOf.get(path).map((n, j) => `${n} as m${i}_${j}`).join(', ')} } from ${JSON.stringify(path)}`)
  if (own) lines.push(`export * from ${JSON.stringify(own)}`)
  const getters = (path, i) => exportsOf.get(path).map((n, j) => `get ${n}() { return m${i}_${j} }`).join(', ')
  lines.push(`export const sharedModules = { ${shared.map((path, i) => `${JSON.stringify(keyOf(path))}: () => ({ ${getters(path, i)} })`).join(', ')} }`)
  return { contents: lines.join('\n'), resolveDir: source('./src'), loader: 'ts' }
}

rmSync(outdir, { recursive: true, force: true })
const bundles = await Promise.all([
  build({ ...common, entryPoints: [source('./src/cli.ts')], outfile: join(outdir, 'cli.cjs'), plugins: [coreBundle, nodeBuiltins], metafile: true }),
  ...['core', ...Object.keys(parts)].map((name) =>
    build({ ...common, stdin: entryOf(name, name === 'core' ? source('./src/engine.ts') : undefined), outfile: join(outdir, `${name}.cjs`), plugins: [bundleParts(name), nodeBuiltins], metafile: true }),
  ),
])

// every core module in exactly one part of the core: two copies would be two NnsizeError classes, two registries
// (the command line bundle has its own copy of the few it needs before the core loads: its options and their errors)
const seen = new Map()
const names = ['core', ...Object.keys(parts)]
for (const [index, { metafile }] of bundles.slice(1).entries()) {
  for (const input of Object.keys(metafile.inputs)) {
    if (!absolute(input).startsWith(coreSrc)) continue
    if (seen.has(input)) throw new Error(`${input} is in two parts of the core (${names[seen.get(input)]} and ${names[index]})`)
    seen.set(input, index)
  }
}

for (const name of ['cli.cjs', 'core.cjs', ...Object.keys(parts).map((part) => `${part}.cjs`)]) {
  const file = join(outdir, name)
  const code = readFileSync(file, 'utf8')
  // node:vm runs the bundles without an ES-module loader: a dynamic import() left in them would fail at run time
  if (/\bimport\(/.test(code)) throw new Error(`${name} still contains a dynamic import()`)
  // Pure ASCII source reads as a one-byte string: escape what esbuild leaves in regular expressions (`×`, `│`).
  const ascii = code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  // the first line names the version (bin/nnsize.cjs names its cache files by it) and the hash of the text, which
  // tells builds apart; the launcher keys its code cache by its own SHA-256 of the whole file, checked at every start
  const hash = createHash('sha256').update(ascii).digest('hex').slice(0, 16)
  writeFileSync(file, `// nnsize ${pkg.version} ${hash}\n${ascii}`)
}
