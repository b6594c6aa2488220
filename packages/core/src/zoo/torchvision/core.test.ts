import { describe, expect, it } from 'vitest'
import { int } from '../../bind/args.js'
import { traceForward } from '../../forward/trace.js'
import type { LayerDefinition } from '../../layers/define-layer.js'
import { constructLayer } from '../../model/construct.js'
import { namedModules, namedTensors } from '../../model/module.js'
import type { ModuleNode } from '../../model/module.js'
import {
  block,
  defineBlock,
  defineModel,
  defineSequentialBlock,
  givenArgs,
  keyword,
  makeDivisible,
  moduleList,
  nn,
  optionalBool,
  roundHalfEven,
  runChild,
  runChildren,
  sequential,
  sequentialNamed,
} from './core.js'
import { relu } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { linear } from '../../layers/linear.js'
import { batchNorm2d } from '../../layers/norm.js'

/** Builds a model definition with defaults for every argument, as `probe()` would. */
function construct(def: LayerDefinition, args: Record<string, unknown> = {}): ModuleNode {
  const full: Record<string, unknown> = {}
  for (const s of def.signature) full[s.name] = s.name in args ? args[s.name] : s.default
  return constructLayer(def, full, { modules: 0 })
}

const Scaled = defineBlock<{ channels: number }>({
  name: 'Scaled',
  build(a, m) {
    m.param('gamma', [a.channels, 1, 1])
    m.buffer('steps', [], { dtype: 'int64' })
    m.child('conv', nn(m, conv2d, { in_channels: a.channels, out_channels: a.channels, kernel_size: 3, padding: 1, bias: false }))
  },
  forward: (self, inputs, ctx) => runChild(self, 'conv', inputs[0]!, ctx),
})

const Stack = defineSequentialBlock<{ channels: number }>('Stack', (a, m) => {
  m.child('a', nn(m, batchNorm2d, { num_features: a.channels, eps: 0.001 }))
  m.child('b', nn(m, relu, { inplace: true }))
})

const probe = defineModel<{ width: number }>({
  name: 'probe',
  className: 'Probe',
  signature: [int('width', { default: 4 })],
  build(a, m) {
    m.child('stem', sequential(m, [nn(m, conv2d, { in_channels: 3, out_channels: a.width, kernel_size: [3, 3], stride: 2 }), block(m, Stack, { channels: a.width })]))
    m.child('body', sequentialNamed(m, [['scaled', block(m, Scaled, { channels: a.width })]]))
    m.child('heads', moduleList(m, [nn(m, linear, { in_features: a.width, out_features: 2 })]))
  },
  forward(self, inputs, ctx) {
    return runChildren({ ...self, children: new Map([...self.children].filter(([name]) => name !== 'heads')) }, inputs, ctx)
  },
})

describe('nn', () => {
  it('builds a torch.nn layer from Python-like arguments through its own signature', () => {
    const root = construct(probe)
    const conv = root.children.get('stem')!.children.get('0')!
    expect(conv.type).toBe('Conv2d')
    expect(conv.params.get('weight')!.shape).toEqual([4, 3, 3, 3])
    expect(root.children.get('stem')!.children.get('1')!.children.get('a')!.args['eps']).toBe(0.001)
  })
})

describe('sequential', () => {
  it('makes an nn.Sequential with children 0, 1, …', () => {
    const stem = construct(probe).children.get('stem')!
    expect([stem.type, ...stem.children.keys()]).toEqual(['Sequential', '0', '1'])
  })
})

describe('sequentialNamed', () => {
  it('makes an nn.Sequential of an OrderedDict', () => {
    expect([...construct(probe).children.get('body')!.children.keys()]).toEqual(['scaled'])
  })
})

describe('moduleList', () => {
  it('makes an nn.ModuleList', () => {
    const heads = construct(probe).children.get('heads')!
    expect([heads.type, ...heads.children.keys()]).toEqual(['ModuleList', '0'])
  })
})

describe('block', () => {
  it('registers a block\'s own parameters and buffers before its children\'s, as named_parameters lists them', () => {
    const root = construct(probe, { width: 8 })
    expect(namedTensors(root, 'parameter').map(([name]) => name)).toEqual(['stem.0.weight', 'stem.0.bias', 'stem.1.a.weight', 'stem.1.a.bias', 'body.scaled.gamma', 'body.scaled.conv.weight', 'heads.0.weight', 'heads.0.bias'])
    expect(namedTensors(root, 'buffer').map(([name, t]) => `${name} ${t.dtype}`)).toContain('body.scaled.steps int64')
  })
})

describe('defineBlock', () => {
  it('gives the block its class name and forward', () => {
    const types = namedModules(construct(probe)).map(([path, m]) => `${path}:${m.type}`)
    expect(types).toContain('body.scaled:Scaled')
    expect(types).toContain('stem.1:Stack')
  })
})

describe('defineSequentialBlock', () => {
  it('runs the children in order', () => {
    const result = traceForward(construct(probe), [{ shape: [2, 3, 9, 9], dtype: 'float32' }], 'cpu')
    expect(result.outputs[0]!.shape).toEqual([2, 4, 4, 4])
    expect(result.modules.map((s) => s.path)).toEqual(['', 'stem', 'stem.0', 'stem.1', 'stem.1.a', 'stem.1.b', 'body', 'body.scaled', 'body.scaled.conv'])
  })
})

describe('runChildren', () => {
  it('passes the output of each child to the next', () => {
    const result = traceForward(construct(probe), [{ shape: [1, 3, 5, 5], dtype: 'float32' }], 'cpu')
    expect(result.modules.find((s) => s.path === 'body')!.inputShapes).toEqual([[1, 4, 2, 2]])
  })
})

describe('runChild', () => {
  it('runs one named child under its dotted path', () => {
    const result = traceForward(construct(probe), [{ shape: [1, 3, 5, 5], dtype: 'float32' }], 'cpu')
    expect(result.modules.find((s) => s.path === 'body.scaled.conv')!.outputShape).toEqual([1, 4, 2, 2])
  })
})

describe('defineModel', () => {
  it('takes weights and progress positionally, the rest keyword-only, and names its class', () => {
    expect(probe.signature.map((s) => `${s.name}${s.keywordOnly ? '*' : ''}`)).toEqual(['weights', 'progress', 'width*', 'pretrained*'])
    expect(construct(probe).type).toBe('Probe')
  })
  it('refuses weights where torchvision has none', () => {
    expect(() => construct(probe, { weights: 'DEFAULT' })).toThrow(/`probe` has no pretrained weights in torchvision/)
    expect(() => construct(probe, { pretrained: true })).toThrow(/`probe` has no pretrained weights in torchvision/)
  })
  it('records which arguments were given', () => {
    const root = construct(probe, { width: 6 })
    expect([...givenArgs(root.args)]).toEqual(['width'])
    expect(root.args['weights']).toBeNull()
  })
})

describe('keyword', () => {
  it('marks a spec keyword-only', () => {
    expect(keyword(int('num_classes', { default: 1000 })).keywordOnly).toBe(true)
  })
})

describe('optionalBool', () => {
  it('takes None, True or False', () => {
    const spec = optionalBool('init_weights')
    const span = { start: 0, end: 0 }
    expect([spec.default, spec.coerce({ kind: 'none' }, span, 'init_weights'), spec.coerce({ kind: 'bool', value: true }, span, 'init_weights')]).toEqual([null, null, true])
    expect(() => spec.coerce({ kind: 'str', value: 'yes' }, span, 'init_weights')).toThrow(/`init_weights` must be `True` or `False`/)
  })
})

describe('makeDivisible', () => {
  it('rounds to the nearest multiple, never below the divisor or 90% of the value', () => {
    expect([makeDivisible(16, 8), makeDivisible(32 * 0.5, 8), makeDivisible(1280 * 1.4, 8), makeDivisible(3.2, 8), makeDivisible(10, 8), makeDivisible(100, 8, 64)]).toEqual([16, 16, 1792, 8, 16, 104])
  })
})

describe('roundHalfEven', () => {
  it('rounds halves to the even neighbour, as Python\'s round does', () => {
    expect([0.5, 1.5, 2.5, 3.5, 1.4, 1.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 1, 2])
  })
})
