// Start-up benchmark: wall time of the command on an expression, a model file, a package folder and a config.json,
// against bare `node -e 0` and, when /usr/bin/python3 has PyTorch, against the same question asked in Python.
//
//   node bench/startup.mjs [runs] [--instructions] [--keep-environment]   (default 21 runs each; builds dist/ first when missing)
//   node bench/startup.mjs --first-questions [runs]   the model file straight after the first question, in a new cache
//                                                     folder: three runs, then `runs` (default 30) timed against
//                                                     `node -e 0`, as `hyperfine -w 3` would, while the server warms up
//
// Every command runs without the environment variables that make each Node process do work of its own before any
// script (NODE_EXTRA_CA_CERTS, NODE_OPTIONS), unless --keep-environment is given: NODE_EXTRA_CA_CERTS has Node read and parse
// a whole certificate bundle at start (Debian's ca-certificates.crt: about 37 ms and 416 M instructions a process on
// the bench machine, more than `node -e 0` takes without it). The same cost added to both sides of a ratio pulls it
// towards 1: with it, the GPT-2 model file measured 1.51× `node -e 0`; without it, 2.4×. The report names any it removed.
//
// Runs are interleaved (node, nnsize, node, nnsize, …) so that load on the machine hits every command alike; the
// report gives the minimum, the median and the interquartile range of each, and each ratio to `node -e 0` of the same
// rounds (minimum to minimum, median to median). Where bash is found, each run is followed by one that measures the
// command's CPU time (user + system, from bash's `times`), which a machine busy with other work disturbs less than
// the wall time. With --instructions, and where valgrind is installed, each command is also run once under
// valgrind's cachegrind, which counts the instructions the whole process executes, all its threads together: a
// figure that, unlike time, hardly moves with the load on the machine (within about 1%), so that a change's effect
// on the start can be told from noise.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 21)
const countInstructions = process.argv.includes('--instructions')
const root = fileURLToPath(new URL('..', import.meta.url))
const bin = fileURLToPath(new URL('../bin/nnsize.cjs', import.meta.url))
if (!existsSync(fileURLToPath(new URL('../dist/cli.cjs', import.meta.url)))) execFileSync(process.execPath, ['build.mjs'], { cwd: root, stdio: 'inherit' })

// The inputs, in a folder of their own: the GPT-2 model file of the core's tests (a config dataclass, attention, MLP
// and block classes, a 12-layer loop), the same file as a package folder, and GPT-2's Hugging Face config.json.
const work = mkdtempSync(join(tmpdir(), 'nnsize-startup-'))
process.on('exit', () => rmSync(work, { recursive: true, force: true }))
const gpt2 = readFileSync(new URL('../../../packages/core/test/fixtures/models/gpt2.py', import.meta.url), 'utf8')
writeFileSync(join(work, 'gpt2.py'), gpt2)
mkdirSync(join(work, 'gpt2pkg'))
writeFileSync(join(work, 'gpt2pkg', 'model.py'), gpt2)
writeFileSync(join(work, 'gpt2pkg', '__init__.py'), 'from .model import GPT, GPTConfig\n\nmodel = GPT(GPTConfig())\n')
const config = { architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 12, n_head: 12, torch_dtype: 'float32' }
writeFileSync(join(work, 'config.json'), JSON.stringify(config, null, 2))

// a code cache of its own, so that other builds of nnsize on the machine neither use nor replace it
const cache = join(work, 'cache')

/** Variables that make every Node process do work of its own at start, whatever it runs; see the top of this file. */
const startupVariables = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS']
const keepEnvironment = process.argv.includes('--keep-environment')
const removed = keepEnvironment ? [] : startupVariables.filter((name) => process.env[name] !== undefined)
const baseEnvironment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !removed.includes(name)))
/** The environment `command` runs in: the bench's own, less {@link removed}, with the code cache and the command's own variables. */
const environmentOf = (command, more = {}) => ({ ...baseEnvironment, NNSIZE_COMPILE_CACHE: cache, ...more, ...command.env })

const python = '/usr/bin/python3'
const pythonCode = 'import torch; m = torch.nn.Conv2d(128, 256, 3); print(sum(p.numel() for p in m.parameters()))'
const hasTorch = existsSync(python) && spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0

const nnsize = (args, more = {}) => ({ file: process.execPath, args: [bin, ...args], ...more })
// Answered by the background server (NNSIZE_SERVER=only fails when it does not answer), and answered by the command
// itself (NNSIZE_SERVER=0), as the first question after an idle spell is
const served = { NNSIZE_SERVER: 'only' }
const here = { NNSIZE_SERVER: '0' }
const commands = [
  { name: 'node -e 0', file: process.execPath, args: ['-e', '0'] },
  { name: 'nnsize "Conv2d(128, 256, 3)"', ...nnsize(['Conv2d(128, 256, 3)']), env: served, expect: '295,168' },
  { name: 'nnsize gpt2.py --model "GPT(GPTConfig())"', ...nnsize(['gpt2.py', '--model', 'GPT(GPTConfig())']), env: served, expect: '124,439,808' },
  { name: 'nnsize gpt2pkg/ (a package folder)', ...nnsize(['gpt2pkg/']), env: served, expect: '124,439,808' },
  { name: 'nnsize config.json (GPT-2)', ...nnsize(['config.json']), env: served, expect: '124,439,808' },
  { name: 'Conv2d, without the server', ...nnsize(['Conv2d(128, 256, 3)']), env: here, expect: '295,168' },
  { name: 'gpt2.py, without the server', ...nnsize(['gpt2.py', '--model', 'GPT(GPTConfig())']), env: here, expect: '124,439,808' },
  { name: 'config.json, without the server', ...nnsize(['config.json']), env: here, expect: '124,439,808' },
  // the first run after an install or upgrade, before bin/nnsize.cjs has a code cache to read
  { name: 'Conv2d, without server and code cache', ...nnsize(['Conv2d(128, 256, 3)']), env: { ...here, NNSIZE_DISABLE_COMPILE_CACHE: '1' }, expect: '295,168' },
  ...(hasTorch ? [{ name: 'python3 + torch (Conv2d)', file: python, args: ['-c', pythonCode], expect: '295168', runs: Math.min(runs, 7) }] : []),
]

const bash = ['/bin/bash', '/usr/bin/bash'].find((path) => existsSync(path))
const output = join(work, 'output.txt')

/** The CPU time (user + system) of one run of `command`, in ms, from bash's `times` for its children. */
function cpuTime(command) {
  const script = '"$@" > "$NNSIZE_BENCH_OUTPUT" 2>&1; status=$?; times; exit $status'
  const result = spawnSync(bash, ['-c', script, 'bench', command.file, ...command.args], { cwd: work, encoding: 'utf8', env: environmentOf(command, { NNSIZE_BENCH_OUTPUT: output }) })
  if (result.status !== 0 || (command.expect && !readFileSync(output, 'utf8').includes(command.expect))) throw new Error(`${command.name} failed: ${readFileSync(output, 'utf8')}`)
  const children = result.stdout.trim().split('\n').at(-1).match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/)
  return (Number(children[1]) * 60 + Number(children[2]) + Number(children[3]) * 60 + Number(children[4])) * 1000
}

function time(command) {
  const start = process.hrtime.bigint()
  const result = spawnSync(command.file, command.args, { cwd: work, encoding: 'utf8', env: environmentOf(command) })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0 || (command.expect && !result.stdout.includes(command.expect))) {
    throw new Error(`${command.name} failed: ${result.stderr || result.stdout}`)
  }
  return ms
}

const quantile = (sorted, q) => {
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

if (process.argv.includes('--first-questions')) {
  // a cache folder of its own, new: the first question is answered by the command, which starts the server
  const fresh = { NNSIZE_COMPILE_CACHE: join(work, 'first-questions') }
  const node = { ...commands[0], env: fresh }
  const model = { ...nnsize(['gpt2.py', '--model', 'GPT(GPTConfig())']), name: 'model file', env: fresh, expect: '124,439,808' }
  for (let i = 0; i < 3; i++) time(model)
  const timed = { node: [], model: [] }
  const count = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 30)
  for (let i = 0; i < count; i++) {
    timed.node.push(time(node))
    timed.model.push(time(model))
  }
  const median = (values) => quantile([...values].sort((a, b) => a - b), 0.5)
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length
  console.log(`node ${process.version}: the model file straight after the first question, ${count} interleaved runs, wall time`)
  console.log(`node -e 0      median ${median(timed.node).toFixed(1)} ms  mean ${mean(timed.node).toFixed(1)} ms`)
  console.log(`the model file median ${median(timed.model).toFixed(1)} ms  mean ${mean(timed.model).toFixed(1)} ms  (${(median(timed.model) / median(timed.node)).toFixed(2)}× median, ${(mean(timed.model) / mean(timed.node)).toFixed(2)}× mean)`)
  console.log(`its first ten   ${timed.model.slice(0, 10).map((ms) => ms.toFixed(0)).join(' ')} ms`)
  process.exit(0)
}

const samples = new Map(commands.map((c) => [c.name, []]))
const cpuSamples = new Map(commands.map((c) => [c.name, []]))
// warm the file cache and write the code cache; then start the server, as a question the command answers itself does
// (once the build's files are a few seconds old: the launcher trusts no server with files changed just now), and wait
// until it answers
for (const c of commands) if (c.env !== served) time(c)
const asked = (env) => spawnSync(process.execPath, [bin, 'Conv2d(1, 1, 1)'], { cwd: work, env: environmentOf({ env }) }).status === 0
for (let waited = 0; !asked(served); waited += 250) {
  if (waited > 30_000) throw new Error('the server did not start')
  asked({})
  execFileSync('sleep', ['0.25'])
}
for (const c of commands) if (c.env === served) time(c)
for (let i = 0; i < runs; i++) {
  for (const c of commands) {
    if (i >= (c.runs ?? runs)) continue
    samples.get(c.name).push(time(c))
    if (bash) cpuSamples.get(c.name).push(cpuTime(c))
  }
}

const statsOf = (all) =>
  new Map([...all].map(([name, values]) => {
    const sorted = [...values].sort((a, b) => a - b)
    return [name, { min: sorted[0], median: quantile(sorted, 0.5), q1: quantile(sorted, 0.25), q3: quantile(sorted, 0.75), n: sorted.length }]
  }))
const report = (title, all) => {
  const stats = statsOf(all)
  const base = stats.get('node -e 0')
  console.log(`${title}: minimum, median (interquartile range), and median and minimum against node -e 0`)
  for (const [name, s] of stats) {
    const cells = [name.padEnd(42), `${s.min.toFixed(1).padStart(8)} ms`, `${s.median.toFixed(1).padStart(8)} ms`, `(${s.q1.toFixed(1)}–${s.q3.toFixed(1)})`.padEnd(16)]
    console.log(`${cells.join(' ')} ${(s.median / base.median).toFixed(2)}× median  ${(s.min / base.min).toFixed(2)}× min${s.n < runs ? `  [${s.n} runs]` : ''}`)
  }
}
if (removed.length > 0) console.log(`run without ${removed.join(' and ')}, which this environment sets (--keep-environment keeps them)`)
report(`node ${process.version}, ${runs} interleaved runs, wall time`, samples)
if (bash) report('CPU time (user + system) of the command itself (not of the server it asks)', cpuSamples)

/** The instructions one run of `command` executes, all threads together, counted by valgrind (its code cache warm). */
function instructions(command) {
  const log = join(work, 'cachegrind.log')
  const result = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', `--log-file=${log}`, command.file, ...command.args], { cwd: work, encoding: 'utf8', env: environmentOf(command) })
  if (result.status !== 0 || (command.expect && !result.stdout.includes(command.expect))) throw new Error(`${command.name} failed under valgrind: ${result.stderr || result.stdout}`)
  const refs = /I\s+refs:\s+([\d,]+)/.exec(readFileSync(log, 'utf8'))
  if (!refs) throw new Error(`valgrind gave no instruction count for ${command.name}`)
  return Number(refs[1].replaceAll(',', ''))
}

if (countInstructions) {
  if (spawnSync('valgrind', ['--version'], { stdio: 'ignore' }).status !== 0) console.log('valgrind not found: instruction counts skipped')
  else {
    console.log('Instructions executed (valgrind cachegrind, one run each, all threads), and against node -e 0')
    const counted = commands.filter((c) => c.file === process.execPath).map((c) => [c.name, instructions(c)])
    const base = counted[0][1]
    for (const [name, count] of counted) console.log(`${name.padEnd(42)} ${(count / 1e6).toFixed(1).padStart(8)} M  ${(count / base).toFixed(2)}×`)
  }
}
if (!hasTorch) console.log('python3 with torch not found: Python comparison skipped')
