#!/usr/bin/env node
// Prints the gzip size of the JavaScript the page loads before it can answer, and fails above the budget.
// Usage: node scripts/size.mjs [--build]  (builds first with --build or when dist/ is missing)
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

/** Initial JavaScript budget, gzip bytes. */
export const budgetBytes = 100 * 1024

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')

if (process.argv.includes('--build') || !existsSync(join(dist, 'index.html'))) {
  execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' })
}

const html = readFileSync(join(dist, 'index.html'), 'utf8')
/** Scripts and module preloads named in the page: everything fetched before the first answer. */
const initial = new Set()
for (const match of html.matchAll(/<script[^>]*\bsrc="([^"]+)"|<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) {
  initial.add((match[1] ?? match[2]).replace(/^\.?\//, '').replace(/^.*?assets\//, 'assets/'))
}
if (initial.size === 0) {
  console.error('No script found in dist/index.html.')
  process.exit(1)
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`
let total = 0
const rows = []
for (const file of [...initial].sort()) {
  const bytes = readFileSync(join(dist, file))
  const gzip = gzipSync(bytes, { level: 9 }).length
  total += gzip
  rows.push([file, kb(bytes.length), kb(gzip)])
}
const later = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js') && !initial.has(`assets/${f}`))
for (const file of later) {
  const bytes = readFileSync(join(dist, 'assets', file))
  rows.push([`assets/${file} (loaded later)`, kb(bytes.length), kb(gzipSync(bytes, { level: 9 }).length)])
}
const css = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.css'))
for (const file of css) {
  const bytes = readFileSync(join(dist, 'assets', file))
  rows.push([`assets/${file} (stylesheet)`, kb(bytes.length), kb(gzipSync(bytes, { level: 9 }).length)])
}

const width = Math.max(...rows.map((r) => r[0].length))
console.log(`${'file'.padEnd(width)}  ${'raw'.padStart(9)}  ${'gzip'.padStart(9)}`)
for (const [file, raw, gzip] of rows) console.log(`${file.padEnd(width)}  ${raw.padStart(9)}  ${gzip.padStart(9)}`)
console.log(`\nInitial JavaScript: ${kb(total)} gzip (${total} bytes); budget ${kb(budgetBytes)}.`)
if (total > budgetBytes) {
  console.error(`Over budget by ${kb(total - budgetBytes)}.`)
  process.exit(1)
}
