import { bench, describe } from 'vitest'
import { analyze } from '../src/index.js'
import { inputShapesOf, readCases } from '../test/conformance/reference.js'

const cases = readCases('layers.jsonl')

function sequentialOf(layers: number): string {
  return `nn.Sequential(${Array.from({ length: layers }, (_, i) => (i % 2 === 0 ? 'nn.Linear(64, 64)' : 'nn.ReLU()')).join(', ')})`
}
const seq10k = sequentialOf(10_000)
const largeInput = { iterations: 40, warmupIterations: 5 }
const seq20k = sequentialOf(20_000)

/** A ResNet-50-sized plain CNN: 53 conv + 53 BatchNorm + 49 ReLU layers and a head, ~160 modules. */
const resnetSized = (() => {
  const layers: string[] = ['nn.Conv2d(3, 64, 7, stride=2, padding=3)', 'nn.BatchNorm2d(64)', 'nn.ReLU()']
  let channels = 64
  for (const [width, blocks] of [[256, 3], [512, 4], [1024, 6], [2048, 3]] as const) {
    for (let b = 0; b < blocks; b++) {
      const mid = width / 4
      layers.push(`nn.Conv2d(${channels}, ${mid}, 1)`, `nn.BatchNorm2d(${mid})`, 'nn.ReLU()')
      layers.push(`nn.Conv2d(${mid}, ${mid}, 3, padding=1)`, `nn.BatchNorm2d(${mid})`, 'nn.ReLU()')
      layers.push(`nn.Conv2d(${mid}, ${width}, 1)`, `nn.BatchNorm2d(${width})`, 'nn.ReLU()')
      channels = width
    }
  }
  layers.push('nn.AdaptiveAvgPool2d(1)', 'nn.Flatten()', `nn.Linear(${channels}, 1000)`)
  return `nn.Sequential(${layers.join(', ')})`
})()

describe('engine', () => {
  bench(`all ${cases.length} layers.jsonl cases (parameters, and forward where an input is given)`, () => {
    for (const c of cases) {
      const input = inputShapesOf(c)
      analyze(c.expr, input ? { input, device: 'cpu' } : {})
    }
  })
  // enough runs after a warm-up for a steady figure: the default time budget gives these only about ten samples
  bench('nn.Sequential of 10,000 layers: parameters', () => {
    analyze(seq10k)
  }, largeInput)
  bench('nn.Sequential of 20,000 layers: parameters', () => {
    analyze(seq20k)
  }, largeInput)
  bench('ResNet-50-sized Sequential: shapes, MACs and activations', () => {
    analyze(resnetSized, { input: '1,3,224,224' })
  })
})
