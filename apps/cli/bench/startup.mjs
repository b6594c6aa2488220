// Start-up benchmark: wall time of `nnsize "Conv2d(128, 256, 3)"` against bare `node -e 0`
// and, when /usr/bin/python3 has PyTorch, against the same question asked in Python.
//
//   node bench/startup.mjs [runs]      (default 21 runs each; builds dist/ first when missing)
//
// Runs are interleaved (node, nnsize, node, nnsize, …) so that load on the machine hits both alike;
// the report gives the median and the interquartile range of each.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const runs = Number(process.argv[2] ?? 21)
const root = fileURLToPath(new URL('..', import.meta.url))
const bin = fileURLToPath(new URL('../bin/nnsize.cjs', import.meta.url))
if (!existsSync(fileURLToPath(new URL('../dist/cli.cjs', import.meta.url)))) execFileSync(process.execPath, ['build.mjs'], { cwd: root, stdio: 'inherit' })

const python = '/usr/bin/python3'
const pythonCode = 'import torch; m = torch.nn.Conv2d(128, 256, 3); print(sum(p.numel() for p in m.parameters()))'
const hasTorch = existsSync(python) && spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0

const commands = [
  { name: 'node -e 0', file: process.execPath, args: ['-e', '0'] },
  { name: 'nnsize "Conv2d(128, 256, 3)"', file: process.execPath, args: [bin, 'Conv2d(128, 256, 3)'], expect: '295,168' },
  // the first run after an install or upgrade, before bin/nnsize.cjs has a code cache to read
  { name: 'nnsize, without its code cache', file: process.execPath, args: [bin, 'Conv2d(128, 256, 3)'], env: { NNSIZE_DISABLE_COMPILE_CACHE: '1' }, expect: '295,168' },
  ...(hasTorch ? [{ name: 'python3 + torch (same question)', file: python, args: ['-c', pythonCode], expect: '295168', runs: Math.min(runs, 7) }] : []),
]

function time(command) {
  const start = process.hrtime.bigint()
  const result = spawnSync(command.file, command.args, { encoding: 'utf8', env: { ...process.env, ...command.env } })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0 || (command.expect && !result.stdout.includes(command.expect))) {
    throw new Error(`${command.name} failed: ${result.stderr || result.stdout}`)
  }
  return ms
}

const samples = new Map(commands.map((c) => [c.name, []]))
for (const c of commands) time(c) // warm the file cache
for (let i = 0; i < runs; i++) {
  for (const c of commands) if (i < (c.runs ?? runs)) samples.get(c.name).push(time(c))
}

const quantile = (sorted, q) => {
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}
const stats = new Map([...samples].map(([name, values]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return [name, { median: quantile(sorted, 0.5), q1: quantile(sorted, 0.25), q3: quantile(sorted, 0.75), n: sorted.length }]
}))
const base = stats.get('node -e 0').median
console.log(`node ${process.version}, ${runs} runs, median (interquartile range)`)
for (const [name, s] of stats) {
  const ratio = s.median / base
  console.log(`${name.padEnd(34)} ${s.median.toFixed(1).padStart(8)} ms  (${s.q1.toFixed(1)}–${s.q3.toFixed(1)})  ${ratio.toFixed(2)}× node${s.n < runs ? `  [${s.n} runs]` : ''}`)
}
if (!hasTorch) console.log('python3 with torch not found: Python comparison skipped')
