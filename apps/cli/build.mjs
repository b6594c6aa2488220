// Bundles the CLI, commander and @nnsize/core (from source) into one minified ESM file: dist/nnsize.js.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))

// commander loads node:child_process (and with it net, dgram, streams) for executable
// subcommands, which nnsize does not have; an empty module keeps that off the start-up path.
const noChildProcess = {
  name: 'no-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, () => ({ path: 'child_process', namespace: 'nnsize-stub' }))
    b.onLoad({ filter: /.*/, namespace: 'nnsize-stub' }, () => ({ contents: 'module.exports = {}', loader: 'js' }))
  },
}

const outfile = fileURLToPath(new URL('./dist/nnsize.js', import.meta.url))

await build({
  entryPoints: [fileURLToPath(new URL('./src/main.ts', import.meta.url))],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  alias: { '@nnsize/core': fileURLToPath(new URL('../../packages/core/src/index.ts', import.meta.url)) },
  define: { NNSIZE_VERSION: JSON.stringify(pkg.version) },
  // commander is CommonJS and requires node:events and friends
  banner: { js: "import{createRequire as __nnsizeRequire}from'node:module';const require=__nnsizeRequire(import.meta.url);" },
  plugins: [noChildProcess],
  logLevel: 'warning',
})

// Pure ASCII source loads as a one-byte string: escape what esbuild leaves in regular expressions (`×`, `│`).
const code = readFileSync(outfile, 'utf8')
const ascii = code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
if (ascii !== code) writeFileSync(outfile, ascii)
