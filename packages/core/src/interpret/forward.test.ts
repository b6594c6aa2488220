import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { analysisToJSON, analyze } from '../index.js'
import { python } from '../../test/interpret.js'

/** Small model files measured with PyTorch 2.13 (CPU, training mode) by test/fixtures/forward/generate.py (`cases.json`)
 * and generate_ops.py (`ops-cases.json`: einsum, attention masks, exponents, in-place arithmetic). */
interface MeasuredCase {
  source: string
  input: string
  call: string | null
  output_shapes: number[][]
  output_structure: string
  saved_activation_bytes: number
  saved_activation_bytes_incl_input: number
}

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/forward')

for (const file of ['cases.json', 'ops-cases.json']) {
  const measured = JSON.parse(readFileSync(resolve(fixtures, file), 'utf8')) as { cases: Record<string, MeasuredCase> }
  describe(`users' forward on symbolic tensors matches PyTorch 2.13 (CPU kernels): ${file}`, () => {
    for (const [name, c] of Object.entries(measured.cases)) {
      it(name, () => {
        const forward = analyze(c.source, { input: c.input, device: 'cpu', ...(c.call ? { call: c.call } : {}) }).forward!
        expect(forward, 'forward traced').toBeDefined()
        expect(forward.outputShapes, 'output shapes').toEqual(c.output_shapes)
        expect(forward.outputStructure, 'output structure').toBe(c.output_structure)
        expect(Number(forward.savedBytes), 'saved activation bytes').toBe(c.saved_activation_bytes)
        expect(Number(forward.savedBytesWithInput), 'saved activation bytes incl. input').toBe(c.saved_activation_bytes_incl_input)
      })
    }
  })
}

const prelude = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n'

function classModel(forward: string, init = 'self.fc = nn.Linear(4, 4)'): string {
  return `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        ${init}\n\n    def forward(self, x):\n${forward
    .split('\n')
    .map((line) => `        ${line}`)
    .join('\n')}\n`
}

describe('a model written as a class gives the figures of the same layers in nn.Sequential', () => {
  it('convolutions, batch norm, pooling and a classifier', () => {
    const cls = `${prelude}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        return self.fc(torch.flatten(x, 1))
`
    const seq = 'nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * 4 * 4, 10))'
    const a = analyze(cls, { input: '2,3,8,8', device: 'cpu' }).forward!
    const b = analyze(seq, { input: '2,3,8,8', device: 'cpu' }).forward!
    expect(a.outputShape).toEqual([2, 10])
    expect(a.savedBytes).toBe(b.savedBytes)
    expect(a.savedBytesWithInput).toBe(b.savedBytesWithInput)
    expect(a.macs).toBe(b.macs)
  })
})

describe('forward errors', () => {
  it('a value-dependent `.item()` stops the forward with a note at its line; the counts stand', () => {
    const result = analyze(classModel('y = self.fc(x)\nif y.sum().item() > 0:\n    return y\nreturn -y'), { input: '2,4' })
    expect(result.params.total).toBe(20n)
    expect(result.forward).toBeUndefined()
    expect(result.forwardNote?.line).toBe(11)
    expect(result.forwardNote?.message).toContain('.item()')
    expect(result.notes?.at(-1)).toMatch(/^The forward pass was not traced \(line 11:\d+\): /)
  })

  it('returning what a library call nnsize does not model gives (`torch.fft.rfft`) is a note naming the call; the counts stand', () => {
    const result = analyze(classModel('return torch.fft.rfft(self.fc(x))'), { input: '2,4' })
    expect(result.params.total).toBe(20n)
    expect(result.forward).toBeUndefined()
    expect(result.forwardNote).toMatchObject({ code: 'unsupported', line: 10 })
    expect(result.forwardNote?.message).toBe('`torch.fft.rfft` is not supported yet.')
  })

  it('a boolean mask is refused: the number of elements it selects depends on the values', () => {
    const result = analyze(classModel('y = self.fc(x)\nreturn y[y > 0]'), { input: '2,4' })
    expect(result.params.total).toBe(20n)
    expect(result.forwardNote?.code).toBe('unsupported')
    expect(result.forwardNote?.line).toBe(11)
  })

  it('a shape mismatch is an error, not a note', () => {
    expect(() => analyze(classModel('return self.fc(x.view(-1, 3))'), { input: '2,4' })).toThrow(/invalid for input of size 8/)
  })

  it("a call expression sees the main file's names, with `m` and `x` first", () => {
    const net = `${prelude}x = 3\n\ndef weights():\n    return torch.ones(4)\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n\n    def forward(self, x, w):\n        return self.fc(x) * w\n`
    expect(analyze(net, { input: '2,4', call: 'm(x[0], torch.ones(3, 1, 1))' }).forward?.outputShape).toEqual([3, 2, 4])
    const file = analyze({ files: { 'net.py': net }, main: 'net.py', entry: 'Net()' }, { input: '2,4', call: 'm(x[0], weights())' }).forward!
    expect(file.outputShape).toEqual([2, 4])
    expect(() => analyze({ files: { 'net.py': net }, main: 'net.py', entry: 'Net()' }, { input: '2,4', call: 'm(x[0], ones(4))' })).toThrow(/`ones` is not defined/)
  })

  it('a call expression needs a model defined by a Python class', () => {
    expect(() => analyze('nn.Linear(4, 4)', { input: '2,4', call: 'm(x[0])' })).toThrow(/needs a model defined by a Python class/)
  })

  it("a call expression runs a method of a class with no forward (CleanRL's agents); without one the input is refused", () => {
    const agent = `${prelude}class Agent(nn.Module):
    def __init__(self, obs=11, act=3):
        super().__init__()
        self.critic = nn.Sequential(nn.Linear(obs, 64), nn.Tanh(), nn.Linear(64, 1))
        self.actor = nn.Sequential(nn.Linear(obs, 64), nn.Tanh(), nn.Linear(64, act))

    def get_action_and_value(self, x):
        return self.actor(x), self.critic(x)

model = Agent()
`
    // Measured with PyTorch 2.13 (CPU, input (2, 11) requiring grad): outputs (2, 3) and (2, 1); 1,024 bytes saved
    // (the two Tanh outputs), 6,656 FLOPs.
    const forward = analyze(agent, { input: '2,11', device: 'cpu', call: 'm.get_action_and_value(x[0])' }).forward!
    expect(forward.outputShapes).toEqual([[2, 3], [2, 1]])
    expect(forward.savedBytes).toBe(1024n)
    expect(forward.flopCounter.total).toBe(6656n)
    expect(() => analyze(agent, { input: '2,11' })).toThrow(/`Agent` has no forward pass: it cannot take an input. A call expression can run one of its methods/)
  })
})

describe('a GPT-2 model file (test/fixtures/models/gpt2.py) with 1024 tokens', () => {
  it('gives the output and the saved activations PyTorch 2.13 measures on CPU', () => {
    const gpt2 = readFileSync(resolve(fixtures, '../models/gpt2.py'), 'utf8')
    const forward = analyze({ files: { 'gpt2.py': gpt2 }, main: 'gpt2.py', entry: 'GPT(GPTConfig())' }, { input: '1,1024:int64', device: 'cpu' }).forward!
    expect(forward.outputStructure).toBe('(T, None)')
    expect(forward.outputShapes).toEqual([[1, 1, 50257]])
    // Measured with saved-tensor hooks (method of ../shared/reference/README.md), torch 2.13.0+cpu.
    expect(forward.savedBytes).toBe(607931400n)
    expect(forward.savedBytesWithInput).toBe(607939592n)
  })
})

describe('JSON output of a forward pass', () => {
  it('has the output shapes and structure of a tuple, and the forward note of an unsupported forward', () => {
    const tuple = analyzeJSON(classModel('y = self.fc(x)\nreturn y, None, (y.sum(), y[0])'))
    expect(tuple.outputShape).toEqual([2, 4])
    expect(tuple.outputShapes).toEqual([[2, 4], [], [4]])
    expect(tuple.outputStructure).toBe('(T, None, (T, T))')
    const stopped = analyzeJSON(classModel('return self.fc(x).tolist()'))
    expect(stopped.forwardNote).toMatchObject({ code: 'unsupported', line: 10 })
    expect(stopped.params).toMatchObject({ total: 20 })
  })
})

function analyzeJSON(source: string): ReturnType<typeof analysisToJSON> {
  return analysisToJSON(analyze(source, { input: '2,4' }))
}

describe('bad calls in forward are NnsizeErrors naming what is wrong', () => {
  const cases: Array<[string, RegExp]> = [
    ['F.pad(x, (1,))', /`F\.pad` got padding of length 1: its length must be divisible by 2\./],
    ['F.conv2d(x, x)', /takes a weight of 4 dimensions/],
    ['x[..., ...]', /a single ellipsis/],
    ['F.softmax(x)', /needs `dim`/],
    ['F.linear(x)', /needs a tensor `weight`/],
    ['x.masked_fill(3, 0)', /needs a mask tensor/],
  ]
  for (const [line, message] of cases) {
    it(line, () => {
      expect(() => analyze(classModel(`x = self.fc(x)\nreturn ${line}`), { input: '2,4' })).toThrow(message)
    })
  }
})

describe('calls between modules made from Python classes keep their Python arguments and results', () => {
  const source = `${prelude}class Root(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(8, 4, 1)

    def forward(self, xs, scale=1.0):
        return F.relu(self.conv(torch.cat(xs, 1))) * scale, len(xs)

class Dense(nn.Sequential):
    def __init__(self):
        super().__init__()
        self.add_module('conv', nn.Conv2d(4, 4, 3, padding=1))
        self.add_module('act', nn.Tanh())

    def forward(self, x):
        return torch.cat([x, super().forward(x)], 1)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = Dense()
        self.root = Root()

    def forward(self, x):
        y, n = self.root([x, self.dense(x)[:, 4:]], scale=0.5)
        return y, n
Net()`

  it('a list and a number reach forward as written; super().forward of an nn.Sequential subclass runs its layers', () => {
    const forward = analyze(source, { input: '2,4,5,5', device: 'cpu' }).forward!
    // Measured with PyTorch 2.13 (CPU, training mode): output (tensor (2, 4, 5, 5), 2); saved-tensor hooks 3200 / 4000
    // bytes; FlopCounterMode 17,600 FLOPs, all aten.convolution.
    expect(forward.outputStructure).toBe('(T, int)')
    expect(forward.outputShapes).toEqual([[2, 4, 5, 5]])
    expect(forward.savedBytes).toBe(3200n)
    expect(forward.savedBytesWithInput).toBe(4000n)
    expect(forward.flopCounter.total).toBe(17600n)
    expect(forward.modules.map((m) => m.path)).toEqual(expect.arrayContaining(['dense.conv', 'dense.act', 'root.conv']))
  })

  it('super().forward of a subclass of nn.Linear runs the linear layer on the subclass’s own weight', () => {
    const source = `${prelude}class Net(nn.Linear):\n    def forward(self, x):\n        return super().forward(x).relu() * 2\nNet(4, 3)`
    const forward = analyze(source, { input: '2,4', device: 'cpu' }).forward!
    // Measured with PyTorch 2.13 (CPU, training mode): output (2, 3); relu keeps its output (24 bytes), addmm the input (32).
    expect(forward.outputShape).toEqual([2, 3])
    expect(forward.savedBytes).toBe(24n)
    expect(forward.savedBytesWithInput).toBe(56n)
  })

  it('calling nn.Sequential.forward on a module outside its own forward is refused', () => {
    const outside = source.replace('y, n = self.root(', 'nn.Sequential.forward(self.dense, x)\n        y, n = self.root(')
    expect(analyze(outside, { input: '2,4,5,5' }).forwardNote?.message).toMatch(/outside its own `forward`/)
  })
})

describe('modules made in forward, and tuples nn.Sequential passes between modules made from Python classes', () => {
  it('a module without tensors made and called in forward runs as a function would', () => {
    const source = `${prelude}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        x = nn.ZeroPad2d((1, 0, 1, 0))(x)
        return nn.ReLU(inplace=True)(self.conv(x))
Net()`
    const forward = analyze(source, { input: '2,3,8,8', device: 'cpu' }).forward!
    // Measured with PyTorch 2.13 (CPU, training mode): output (2, 4, 7, 7); 3,512 bytes saved (the padded input the
    // convolution keeps, the ReLU's output); FlopCounterMode 21,168 FLOPs.
    expect(forward.outputShape).toEqual([2, 4, 7, 7])
    expect(forward.savedBytes).toBe(3512n)
    expect(forward.flopCounter.total).toBe(21168n)
    expect(forward.modules.map((m) => m.path)).toEqual(['', 'conv'])
    const withWeights = analyze(source.replace('nn.ReLU(inplace=True)(self.conv(x))', 'nn.Conv2d(4, 4, 1)(self.conv(x))'), { input: '2,3,8,8' })
    expect(withWeights.forwardNote?.message).toContain('has parameters or buffers of its own')
  })

  it('a slice of an nn.Sequential runs the submodules it holds in turn, each counted where it is a submodule', () => {
    const source = `${prelude}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Conv2d(4, 6, 1))
        self.head = nn.Linear(6, 5)

    def forward(self, x):
        first, rest = self.layers[0], self.layers[1:]
        h = rest(first(x) * 2)
        h = self.layers[3:](self.layers[:3](x)) + h
        h = self.layers[4:](h)
        return self.head(h.mean((2, 3)))
Net()`
    const forward = analyze(source, { input: '2,3,8,8', device: 'cpu' }).forward!
    // Measured with PyTorch 2.13 (CPU, training mode): output (2, 5); 8,304 / 9,840 bytes saved; 67,704 FLOPs.
    expect(forward.outputShape).toEqual([2, 5])
    expect(forward.savedBytes).toBe(8304n)
    expect(forward.savedBytesWithInput).toBe(9840n)
    expect(forward.flopCounter.total).toBe(67704n)
    expect(forward.modules.map((m) => [m.path, m.macs])).toEqual([['', 35644n], ['layers.0', 27648n], ['layers.1', 1024n], ['layers.2', 0n], ['layers.3', 6144n], ['head', 60n]])
    // A slice of a Sequential made in forward around a module with weights is still no submodule.
    expect(analyze(source.replace('self.layers[4:](h)', 'nn.Sequential(nn.Linear(8, 8))(h)'), { input: '2,3,8,8' }).forwardNote?.message).toContain('has parameters or buffers of its own')
  })

  it('nn.Sequential passes a tuple returned by one module to the next whole', () => {
    const source = `${prelude}class Split(nn.Module):
    def forward(self, x):
        return x[:, :2], x[:, 2:]

class Join(nn.Module):
    def forward(self, xs):
        a, b = xs
        return torch.cat([a * 2, b.sigmoid()], 1)
nn.Sequential(nn.Conv2d(3, 4, 1), Split(), Join())`
    const forward = analyze(source, { input: '2,3,8,8', device: 'cpu' }).forward!
    // Measured with PyTorch 2.13 (CPU, training mode): output (2, 4, 8, 8); 1,024 / 2,560 bytes saved; 3,072 FLOPs.
    expect(forward.outputShape).toEqual([2, 4, 8, 8])
    expect(forward.savedBytes).toBe(1024n)
    expect(forward.savedBytesWithInput).toBe(2560n)
    expect(forward.flopCounter.total).toBe(3072n)
    // A built-in layer after the tuple still fails, as in PyTorch.
    expect(() => analyze(source.replace('Split(), Join()', 'Split(), nn.ReLU()'), { input: '2,3,8,8' })).toThrow('passes the 2 outputs of `1` (a tuple) to `2` (ReLU)')
  })

  it('nn.Sequential called with a tuple hands it whole to its first module, also inside a nested first nn.Sequential', () => {
    const source = `${prelude}class Cell(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1)

    def forward(self, x):
        x, prev = x
        if prev is None:
            prev = x
        return self.conv(x) + prev, x

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.cells = nn.Sequential(nn.Sequential(Cell(4), Cell(4)), Cell(4))

    def forward(self, x):
        x, prev = self.cells((x, None))
        return torch.cat([x, prev.sigmoid()], 1)

class Pair(nn.Module):
    def __init__(self):
        super().__init__()
        self.cells = nn.Sequential(Cell(4), Cell(4))

    def forward(self, x):
        return self.cells((x, x.tanh()))
`
    // Measured with PyTorch 2.13 (CPU, training mode, input (2, 4, 5, 5)): `Net` gives (2, 8, 5, 5), 2,400 / 3,200 bytes
    // saved, 4,800 FLOPs; `Pair` gives two (2, 4, 5, 5) tensors, 1,600 / 2,400 bytes saved, 3,200 FLOPs.
    const net = analyze(`${source}Net()`, { input: '2,4,5,5', device: 'cpu' }).forward!
    expect(net.outputShape).toEqual([2, 8, 5, 5])
    expect([net.savedBytes, net.savedBytesWithInput, net.flopCounter.total]).toEqual([2400n, 3200n, 4800n])
    const pair = analyze(`${source}Pair()`, { input: '2,4,5,5', device: 'cpu' }).forward!
    expect(pair.outputStructure).toBe('(T, T)')
    expect(pair.outputShapes).toEqual([
      [2, 4, 5, 5],
      [2, 4, 5, 5],
    ])
    expect([pair.savedBytes, pair.savedBytesWithInput, pair.flopCounter.total]).toEqual([1600n, 2400n, 3200n])
  })
})

describe('grad mode in forward: torch.no_grad(), set_grad_enabled, enable_grad, inference_mode', () => {
  // Measured with PyTorch 2.13 (CPU, training mode, input (2, 8) requiring grad), with saved_tensors_hooks, each storage
  // once, parameters left out: what runs with grad off saves nothing and makes tensors that do not require grad.
  const linears = "import torch\nimport torch.nn as nn\n\n\nclass {name}(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = nn.Linear(8, 8)\n        self.b = nn.Linear(8, 4)\n\n    def forward(self, x):\n{body}\n\n\nmodel = {name}()\n"
  const cases: Array<[string, string, number, number]> = [
    // `a` and its ReLU run without grad: only `b`'s input is saved (for `b.weight`'s gradient); x is not
    ['no_grad', '        with torch.no_grad():\n            y = torch.relu(self.a(x))\n        return self.b(y)', 64, 64],
    // set_grad_enabled(False) as a call takes effect at once; True again before the sigmoid (it saves its output, `b` the same storage)
    ['set_grad_enabled', '        torch.set_grad_enabled(False)\n        y = torch.relu(self.a(x))\n        torch.set_grad_enabled(True)\n        return self.b(torch.sigmoid(y))', 64, 64],
  ]
  for (const [name, body, saved, withInput] of cases) {
    it(name, () => {
      const source = linears.replaceAll('{name}', 'Net').replace('{body}', body)
      const forward = analyze({ files: { 'net.py': source }, main: 'net.py' }, { input: '2,8', device: 'cpu' }).forward!
      expect([Number(forward.savedBytes), Number(forward.savedBytesWithInput)]).toEqual([saved, withInput])
    })
  }

  it('nests: enable_grad inside no_grad, and inference_mode(mode=False) leaves grad on', () => {
    const source = [
      'import torch',
      'import torch.nn as nn',
      '',
      '',
      'class P(nn.Module):',
      '    def __init__(s):',
      '        super().__init__(); s.a = nn.Linear(8, 8); s.b = nn.Linear(8, 8); s.c = nn.Linear(8, 4)',
      '',
      '    def forward(s, x):',
      '        with torch.inference_mode(mode=False):',
      '            x = torch.tanh(x)',
      '        with torch.no_grad():',
      '            y = s.a(x)',
      '            with torch.enable_grad():',
      '                z = torch.sigmoid(s.b(x))',
      '        return s.c(y * z)',
      '',
      '',
      'model = P()',
      '',
    ].join('\n')
    const forward = analyze({ files: { 'p.py': source }, main: 'p.py' }, { input: '2,8', device: 'cpu' }).forward!
    // PyTorch 2.13: 256 bytes, the input not among them
    expect([Number(forward.savedBytes), Number(forward.savedBytesWithInput)]).toEqual([256, 256])
  })
})

describe('an nn.Sequential returns what its last module returned', () => {
  // HRNet's stages (VainF/DeepLabV3Plus-Pytorch) take and give lists of tensors through nn.Sequential.
  const source = (last: string, use: string): string =>
    `${prelude}class Branches(nn.Module):\n    def __init__(self, c):\n        super().__init__()\n        self.convs = nn.ModuleList([nn.Conv2d(c, c, 3, padding=1) for _ in range(2)])\n\n    def forward(self, xs):\n        return [conv(x) for conv, x in zip(self.convs, xs)]\n\nclass One(nn.Module):\n    def __init__(self, c):\n        super().__init__()\n        self.conv = nn.Conv2d(c, c, 3, padding=1)\n\n    def forward(self, x):\n        return [self.conv(x)]\n\nclass Unwrap(nn.Module):\n    def forward(self, xs):\n        return xs[0]\n\nclass M(nn.Module):\n    def __init__(self, c=4):\n        super().__init__()\n        self.stage = nn.Sequential(Branches(c), Branches(c))\n        self.one = nn.Sequential(nn.Identity(), ${last})\n\n    def forward(self, x):\n        b = self.stage([x, x])\n        b.append(x)\n        y = self.one(x)\n        return torch.cat(b + [${use}], 1)\n`

  it('a list stays a list, also of one tensor (measured with PyTorch 2.13 on x of (2, 4, 8, 8), CPU)', () => {
    const f = analyze({ files: { 'm.py': source('One(c)', 'y[0]') }, main: 'm.py', entry: 'M()' }, { input: '2,4,8,8', device: 'cpu' }).forward!
    expect(f.outputShape).toEqual([2, 16, 8, 8])
  })

  it('a tensor a later module unwraps is that tensor', () => {
    const f = analyze({ files: { 'm.py': source('One(c), Unwrap()', 'y') }, main: 'm.py', entry: 'M()' }, { input: '2,4,8,8', device: 'cpu' }).forward!
    expect(f.outputShape).toEqual([2, 16, 8, 8])
  })
})

describe('a built-in layer called with its tensor parameters named', () => {
  const net = (call: string): string =>
    `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.attn = nn.MultiheadAttention(32, 4)\n        self.fc = nn.Linear(32, 8)\n\n    def forward(self, tgt, memory):\n        return self.fc(input=${call}[0])\n`

  it("binds them as PyTorch does (DETR's `self.multihead_attn(query=…, key=memory, value=memory)`; measured with PyTorch 2.13, CPU)", () => {
    const input = '10,2,32;16,2,32'
    const positional = analyze(net('self.attn(tgt, memory, memory)'), { input, device: 'cpu' }).forward!
    for (const call of ['self.attn(query=tgt, key=memory, value=memory)', 'self.attn(tgt, key=memory, value=memory)', 'self.attn(tgt, value=memory, key=memory)']) {
      const f = analyze(net(call), { input, device: 'cpu' }).forward!
      expect(f.outputShape).toEqual([10, 2, 8])
      expect(f.macs).toBe(positional.macs)
      expect(f.savedBytes).toBe(positional.savedBytes)
    }
  })

  it('refuses a parameter given twice, or one named after a missing one, with PyTorch\'s sense', () => {
    expect(() => analyze(net('self.attn(tgt, memory, query=memory)'), { input: '10,2,32;16,2,32' })).toThrow("got multiple values for argument 'query'")
    expect(() => analyze(net('self.attn(tgt, value=memory)'), { input: '10,2,32;16,2,32' })).toThrow("missing 1 required positional argument: 'key'")
  })
})

describe("a submodule called through a lambda another submodule is given (annotated-transformer's SublayerConnection)", () => {
  const source = `${prelude}class Residual(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.norm = nn.LayerNorm(d)

    def forward(self, x, sublayer):
        return x + sublayer(self.norm(x))

class Block(nn.Module):
    def __init__(self, d=16):
        super().__init__()
        self.attn = nn.Linear(d, d)
        self.res = Residual(d)
        self.register_buffer('pe', torch.randn(1, 32, d))

    def forward(self, x):
        x = x + self.pe[:, : x.size(1)].requires_grad_(False)
        return self.res(x, lambda y: self.attn(y))
`

  it('runs under its own path, its work counted in the modules running, as PyTorch 2.13 measures (x of (2, 8, 16), CPU)', () => {
    const f = analyze({ files: { 'b.py': source }, main: 'b.py', entry: 'Block()' }, { input: '2,8,16', device: 'cpu' }).forward!
    expect(f.outputShape).toEqual([2, 8, 16])
    expect(f.savedBytes).toBe(2176n)
    expect(f.macs).toBe(4352n)
    const macs = Object.fromEntries(f.modules.map((m) => [m.path, m.macs]))
    expect(macs).toEqual({ '': 4352n, attn: 4096n, res: 4352n, 'res.norm': 256n })
  })

  it('requires_grad_ in forward: a buffer\'s view stays as it is; a result of ops cannot stop requiring grad', () => {
    const stop = source.replace("self.pe[:, : x.size(1)].requires_grad_(False)", 'self.attn(x).requires_grad_(False)')
    expect(() => analyze({ files: { 'b.py': stop }, main: 'b.py', entry: 'Block()' }, { input: '2,8,16', device: 'cpu' })).toThrow('you can only change requires_grad flags of leaf variables')
  })
})

describe('a buffer the forward pass registers (PaLM-pytorch caches its causal mask on the first call)', () => {
  const source = `${prelude}class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.register_buffer("mask", None, persistent=False)

    def forward(self, x):
        n = x.shape[1]
        if self.mask is None or self.mask.shape[-1] < n:
            self.register_buffer("mask", torch.ones(n, n, dtype=torch.bool).triu(1), persistent=False)
            self.register_buffer("cache", torch.zeros(n), persistent=False)
        return self.fc(x).masked_fill(self.mask[:n, :1], 0.0)
`

  it('is not counted, as `model.buffers()` after construction has none, and a note names it', () => {
    const a = analyze({ files: { 'm.py': source }, main: 'm.py', entry: 'M()' }, { input: '2,16,8', device: 'cpu' })
    expect(a.forward?.outputShape).toEqual([2, 16, 8])
    expect(a.buffers.total).toBe(0n)
    expect(a.tensors.map((t) => t.name)).toEqual(['fc.weight', 'fc.bias'])
    expect(a.notes).toContain('The forward pass registers the buffer `mask` (16, 16) (bool): not counted, as the model as built has none there.')
    expect(a.notes).toContain('The forward pass registers the buffer `cache` (16) (float32): not counted, as the model as built has none there.')
    // Without an input, the same counts.
    expect(analyze({ files: { 'm.py': source }, main: 'm.py', entry: 'M()' }).buffers.total).toBe(0n)
  })
})

describe('a forward that returns a tensor made from constants (tabnet\'s `torch.ones(embedded_x.shape)`)', () => {
  it('returns it as a tensor of the trace, also from a submodule (measured with PyTorch 2.13 on x of (2, 8), CPU)', () => {
    const root = analyze(`${prelude}class Net(nn.Module):\n    def __init__(self, d=8):\n        super().__init__()\n        self.fc = nn.Linear(d, d)\n\n    def forward(self, x):\n        return self.fc(x), torch.ones(x.shape)\n`, { input: '2,8', device: 'cpu' }).forward!
    expect(root.outputShapes).toEqual([[2, 8], [2, 8]])
    expect(root.savedBytesWithInput).toBe(64n)
    const sub = analyze(
      `${prelude}class Mask(nn.Module):\n    def forward(self, x):\n        groups = torch.bernoulli(0.2 * torch.ones((x.shape[0], x.shape[1])))\n        return torch.mul(1 - groups, x), groups\n\nclass Net(nn.Module):\n    def __init__(self, d=8):\n        super().__init__()\n        self.masker = Mask()\n        self.fc = nn.Linear(d, d)\n\n    def forward(self, x):\n        masked, groups = self.masker(x)\n        return self.fc(masked) * (1 - groups), groups\n\nNet()\n`,
      { input: '2,8', device: 'cpu' },
    ).forward!
    expect(sub.outputShapes).toEqual([[2, 8], [2, 8]])
    expect(sub.savedBytes).toBe(192n)
  })
})

describe('nn.Transformer with its masks by position (pytorch/examples language_translation)', () => {
  it('binds them as PyTorch does, and makes the causal mask with generate_square_subsequent_mask', () => {
    // Measured with PyTorch 2.13 (CPU) on src (8, 2, 32) and tgt (6, 2, 32).
    const source = `${prelude}class T(nn.Module):\n    def __init__(self, d=32):\n        super().__init__()\n        self.transformer = nn.Transformer(d_model=d, nhead=4, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=64)\n\n    def forward(self, src, tgt):\n        S, T_ = src.shape[0], tgt.shape[0]\n        src_mask = torch.zeros(S, S).bool()\n        tgt_mask = nn.Transformer.generate_square_subsequent_mask(T_)\n        pad_s = torch.zeros(src.shape[1], S).bool()\n        pad_t = torch.zeros(tgt.shape[1], T_).bool()\n        return self.transformer(src, tgt, src_mask, tgt_mask, None, pad_s, pad_t, pad_s)\n\nT()\n`
    const f = analyze(source, { input: '8,2,32;6,2,32', device: 'cpu' }).forward!
    expect(f.outputShape).toEqual([6, 2, 32])
    expect(f.savedBytes).toBe(95360n)
    python("m = nn.Transformer.generate_square_subsequent_mask(4)\nassert m.shape == (4, 4) and m.dtype == torch.float32\nassert nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64).dtype == torch.float64")
    const many = source.replace('pad_t, pad_s)', 'pad_t, pad_s, None, None, None, None)')
    expect(() => analyze(many, { input: '8,2,32;6,2,32', device: 'cpu' })).toThrow('`Transformer.forward()` takes 11 positional arguments but 12 were given.')
  })
})

describe('torch.utils.checkpoint in forward', () => {
  const source = (call: string): string =>
    `${prelude}from torch.utils.checkpoint import checkpoint\n\n@torch.jit.script\ndef fused_gelu(x):\n    return x * 0.5 * (1.0 + torch.erf(x / 1.41421))\n\nclass Block(nn.Module):\n    def __init__(self, d):\n        super().__init__()\n        self.fc = nn.Linear(d, d)\n\n    def forward(self, x):\n        return fused_gelu(self.fc(x))\n\nclass Net(nn.Module):\n    def __init__(self, d=16):\n        super().__init__()\n        self.blocks = nn.ModuleList([Block(d) for _ in range(2)])\n\n    def forward(self, x):\n        with torch.autocast(device_type='cpu', enabled=False):\n            for b in self.blocks:\n                x = ${call}\n        return x\n\nNet()\n`

  it('keeps the checkpointed function\'s arguments instead of what it saves (measured with PyTorch 2.13 on x of (2, 16), CPU)', () => {
    const saved = (call: string): [bigint, bigint] => {
      const f = analyze(source(call), { input: '2,16', device: 'cpu' }).forward!
      return [f.savedBytes, f.savedBytesWithInput]
    }
    expect(saved('b(x)')).toEqual([896n, 1024n])
    expect(saved('checkpoint(b, x, use_reentrant=False)')).toEqual([128n, 256n])
    expect(saved('checkpoint(b, x, use_reentrant=True)')).toEqual([128n, 256n])
    expect(analyze(source('checkpoint(b, x, use_reentrant=False)'), { input: '2,16', device: 'cpu' }).forward?.outputShape).toEqual([2, 16])
  })
})
