// The first parse in a fresh process: what `nnsize model.py` pays, when most of the tokenizer and parser still run
// in V8's interpreter. Times the first `parse()` of the GPT-2 model file (performance.now around it, after the
// import) in fresh `node` processes and reports the minimum and the median; with --instructions, and where valgrind
// is installed, also counts the instructions of one process that parses against one that only imports (V8 run with
// --predictable, which compiles on the main thread, so that the count repeats to within about 0.1%).
//
//   pnpm build && node bench/cold-parse.mjs [runs] [--instructions]     (default 30 runs)
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 30)
const parseModule = new URL('../dist/python/parse.js', import.meta.url).href
const model = fileURLToPath(new URL('../test/fixtures/models/gpt2.py', import.meta.url))

/** The script of one fresh process: import, read, then time the first parse (or the same without the parse). */
const child = (timed) => `
import { readFileSync } from 'node:fs'
const { parse } = await import(${JSON.stringify(parseModule)})
const text = readFileSync(${JSON.stringify(model)}, 'utf8')
const t0 = performance.now()
${timed ? 'parse(text)' : ''}
console.log(performance.now() - t0)
`

const times = []
for (let k = 0; k < runs; k++) {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', child(true)], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(result.stderr)
  times.push(Number(result.stdout.trim()))
}
times.sort((a, b) => a - b)
console.log(`node ${process.version}; first parse() of gpt2.py in ${runs} fresh processes: min ${times[0].toFixed(2)} ms, median ${times[Math.floor(runs / 2)].toFixed(2)} ms`)

const valgrind = ['/usr/bin/valgrind', '/usr/local/bin/valgrind'].find((path) => existsSync(path))
if (process.argv.includes('--instructions') && valgrind) {
  const count = (timed) => {
    const args = ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', process.execPath, '--predictable', '--hash-seed=1', '--random-seed=1', '--input-type=module', '-e', child(timed)]
    const result = spawnSync(valgrind, args, { encoding: 'utf8' })
    const refs = result.stderr.match(/I\s+refs:\s+([\d,]+)/)
    if (!refs) throw new Error(result.stderr)
    return Number(refs[1].replaceAll(',', ''))
  }
  const parsing = count(true) - count(false)
  console.log(`instructions of the first parse (a process that parses minus one that only imports): ${(parsing / 1e6).toFixed(1)} M`)
}
