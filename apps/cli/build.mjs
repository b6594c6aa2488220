// Bundles the CLI, commander and @nnsize/core (from source) into minified ES modules under dist/: the entry
// dist/nnsize.js, and chunks loaded on demand (the core's analysis on the first real question, the memory planner
// and the explain/verify/compare formatters only when asked for), so that --help and a plain question start fast.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
const outdir = fileURLToPath(new URL('./dist', import.meta.url))

// commander loads node:child_process (and with it net, dgram, streams) for executable
// subcommands, which nnsize does not have; an empty module keeps that off the start-up path.
const noChildProcess = {
  name: 'no-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, () => ({ path: 'child_process', namespace: 'nnsize-stub' }))
    b.onLoad({ filter: /.*/, namespace: 'nnsize-stub' }, () => ({ contents: 'module.exports = {}', loader: 'js' }))
  },
}

const banner = "import{createRequire as __nnsizeRequire}from'node:module';const require=__nnsizeRequire(import.meta.url);"

rmSync(outdir, { recursive: true, force: true })
await build({
  entryPoints: { nnsize: fileURLToPath(new URL('./src/main.ts', import.meta.url)) },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  alias: { '@nnsize/core': fileURLToPath(new URL('../../packages/core/src/index.ts', import.meta.url)) },
  define: { NNSIZE_VERSION: JSON.stringify(pkg.version) },
  // commander is CommonJS and requires node:events and friends
  banner: { js: banner },
  plugins: [noChildProcess],
  logLevel: 'warning',
})

for (const entry of readdirSync(outdir, { recursive: true })) {
  const file = join(outdir, String(entry))
  if (!file.endsWith('.js')) continue
  let code = readFileSync(file, 'utf8')
  const original = code
  // only the chunk with commander's `require` calls needs the require banner
  if (code.startsWith(banner) && !/\brequire\b/.test(code.slice(banner.length))) code = code.slice(banner.length).replace(/^\n/, '')
  // Pure ASCII source loads as a one-byte string: escape what esbuild leaves in regular expressions (`×`, `│`).
  code = code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  if (code !== original) writeFileSync(file, code)
}
