// How the cost of a generated `nn.Sequential` grows with its length: min and median time of `analyze()` and the
// median per layer, for 5,000 to 40,000 layers (Linear(64, 64) and ReLU alternating), in one process.
//
//   pnpm build && node bench/scaling.mjs [lengths]     (default 5000,10000,20000,40000)
//
// Linear growth shows as a flat "per layer" column; a step between two lengths is the garbage collector moving
// the live syntax and module trees out of the young generation once they outgrow it.
import { analyze } from '../dist/index.js'

const lengths = (process.argv[2] ?? '5000,10000,20000,40000').split(',').map(Number)
const sequentialOf = (layers) => `nn.Sequential(${Array.from({ length: layers }, (_, i) => (i % 2 === 0 ? 'nn.Linear(64, 64)' : 'nn.ReLU()')).join(', ')})`

console.log(`node ${process.version}; times in ms after 3 warm-up runs each`)
console.log('layers      runs      min   median   median per layer')
for (const layers of lengths) {
  const source = sequentialOf(layers)
  const expected = BigInt(layers / 2) * 4160n
  for (let i = 0; i < 3; i++) analyze(source)
  const runs = Math.max(9, Math.round(250_000 / layers))
  const times = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    const { params } = analyze(source)
    times.push(performance.now() - start)
    if (params.total !== expected) throw new Error(`${layers} layers: ${params.total} parameters, expected ${expected}`)
  }
  times.sort((a, b) => a - b)
  const median = times[Math.floor(times.length / 2)]
  console.log(`${String(layers).padStart(6)} ${String(runs).padStart(9)} ${times[0].toFixed(1).padStart(8)} ${median.toFixed(1).padStart(8)} ${`${((median * 1000) / layers).toFixed(2)} µs`.padStart(18)}`)
}
