// Bundles the CLI into two minified CommonJS files under dist/, which bin/nnsize.cjs runs through its code cache:
//   dist/cli.cjs   the command line and commander (all that --help, --version and usage errors need)
//   dist/core.cjs  src/engine.ts: @nnsize/core's entry points (bundled from its source): the analysis, the request
//                  parser, the memory planner and the present layer, with the reports, loaded on the first real question
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

rmSync(outdir, { recursive: true, force: true })
await Promise.all([
  build({ ...common, entryPoints: [source('./src/main.ts')], outfile: join(outdir, 'cli.cjs'), plugins: [coreBundle, nodeBuiltins] }),
  build({ ...common, entryPoints: [source('./src/engine.ts')], outfile: join(outdir, 'core.cjs'), plugins: [nodeBuiltins] }),
])

for (const name of ['cli.cjs', 'core.cjs']) {
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
