import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { planMemory } from '../memory/plan.js'
import { verifySnippet } from './verify.js'

describe('verifySnippet', () => {
  it('builds the same module and checks counts, bytes, names and shapes', () => {
    const py = verifySnippet(analyze('nn.Conv2d(128, 256, 3)'))
    expect(py).toContain('from torch.nn import *\n')
    expect(py).toContain('\nmodel = nn.Conv2d(128, 256, 3)\n')
    expect(py).toContain('check("parameters", sum(p.numel() for p in model.parameters()), 295_168)')
    expect(py).toContain('check("parameter bytes", sum(p.numel() * p.element_size() for p in model.parameters()), 1_180_672)')
    expect(py).toContain('    ("weight", (256, 128, 3, 3), "float32"),\n    ("bias", (256,), "float32"),\n]')
    expect(py).not.toContain('torchvision')
    expect(py.endsWith('print("all checks passed")\n')).toBe(true)
  })
  it('says that a forward pass nnsize did not trace was not checked', () => {
    const py = verifySnippet(
      analyze('import torch\nimport torch.nn as nn\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n    def forward(self, x):\n        return torch.fft.rfft(self.fc(x))\nm = M()\n', { input: '2,4' }),
    )
    expect(py).toContain('print("forward pass not checked: nnsize did not trace it')
    expect(py).toContain('rfft')
    expect(py.endsWith('print("all checks passed (parameters and buffers only)")\n')).toBe(true)
    expect(py).not.toContain('output shape')
  })
  it('keeps earlier statements and assigns the last expression to model', () => {
    const py = verifySnippet(analyze('block = nn.Linear(4, 4)\nnn.Sequential(block, block)'))
    expect(py).toContain('\nblock = nn.Linear(4, 4)\nmodel = nn.Sequential(block, block)\n')
    expect(py).toContain('check("parameters", sum(p.numel() for p in model.parameters()), 20)')
  })
  it('checks the output shape and activation bytes with an input', () => {
    const py = verifySnippet(analyze('nn.Sequential(nn.Linear(10, 20), nn.ReLU())', { input: '4,10', device: 'cpu' }))
    expect(py).toContain('device = "cpu"')
    expect(py).toContain('x0 = torch.randn((4, 10), dtype=torch.float32, device=device, requires_grad=True)')
    expect(py).toContain('check("output shape", tuple(out.shape), (4, 20))')
    expect(py).toContain('check("activation bytes saved for backward", activation_bytes, 320)')
  })
  it('makes integer and bool inputs as zeros of their dtype, and a `:nograd` input without requires_grad', () => {
    const py = verifySnippet(analyze('nn.Embedding(10, 4)', { input: '2,3:int32', device: 'cpu' }))
    expect(py).toContain('x0 = torch.zeros((2, 3), dtype=torch.int32, device=device)\n')
    const loss = verifySnippet(analyze('nn.KLDivLoss()', { input: '2,3; 2,3:nograd', device: 'cpu' }))
    expect(loss).toContain('x0 = torch.randn((2, 3), dtype=torch.float32, device=device, requires_grad=True)\n')
    expect(loss).toContain('x1 = torch.randn((2, 3), dtype=torch.float32, device=device)\n')
  })
  it("leaves each module in the mode the model's code left it, keeps saved tensors alive, and checks a forward that returns None", () => {
    const py = verifySnippet(analyze('nn.Sequential(nn.Linear(10, 20), nn.Dropout()).eval()', { input: '4,10', device: 'cpu' }))
    // on the CPU the model stays where it was built; the CUDA profile moves it to the device
    expect(py).not.toContain('model.to(device)')
    expect(verifySnippet(analyze('nn.Sequential(nn.Linear(10, 20), nn.Dropout()).eval()', { input: '4,10', device: 'cuda' }))).toContain('model = model.to(device)\n')
    expect(py).not.toContain('.train()')
    expect(py).toContain('    kept.append(t)\n')
    const none = verifySnippet(analyze('class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n    def forward(self, x):\n        y = self.fc(x)\nM()', { input: '2,4', device: 'cpu' }))
    expect(none).toContain('check("output tensor", out, None)')
  })

  it('checks the optimizer state after one step for torch.optim optimizers', () => {
    const a = analyze('nn.Linear(10, 20)')
    const py = verifySnippet(a, planMemory(a, { optimizer: 'SGD(lr=0.1, momentum=0.9)' }))
    expect(py).toContain('optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)\n')
    // a submodule's parameters are given as the optimizer was
    const sub = analyze('nn.Sequential(nn.Linear(10, 20), nn.Linear(20, 4))', { input: '4,10', device: 'cpu' })
    expect(verifySnippet(sub, planMemory(sub, { optimizer: 'SGD(model[1].parameters(), lr=0.1, momentum=0.9)' }))).toContain('optimizer = torch.optim.SGD(model[1].parameters(), lr=0.1, momentum=0.9)\n')
    expect(py).toContain('check("optimizer state bytes", state_bytes, 880)\n')
    expect(verifySnippet(a, planMemory(a, { optimizer: 'AdamW8bit' }))).not.toContain('optimizer.step()')
    expect(verifySnippet(a, planMemory(a, { optimizer: 'Adam', precision: 'bf16-mixed' }))).not.toContain('optimizer.step()')
  })
  it('lists buffers in order', () => {
    const py = verifySnippet(analyze('nn.BatchNorm1d(4)'))
    expect(py).toContain('expected_buffers = [\n    ("running_mean", (4,), "float32"),\n    ("running_var", (4,), "float32"),\n    ("num_batches_tracked", (), "int64"),\n]')
  })
  it('leaves the buffer list out when there are no buffers', () => {
    const py = verifySnippet(analyze('nn.Linear(1, 1)'))
    expect(py).not.toContain('expected_buffers')
  })

  it('prints the program from nnsize’s own syntax tree, never the source text', () => {
    // Read as CPython reads it: one triple-quoted string, then `+ str(1)`. The script holds that tree, re-printed.
    const source = 'x = """a" # """ + str(1)\nnn.ReLU()'
    const py = verifySnippet(analyze(source))
    expect(py).toContain("\nx = 'a\" # ' + str(1)\nmodel = nn.ReLU()\n")
    expect(py).not.toContain('"""')
  })
  it('calls a bare torchvision builder and imports torchvision only when the program names it', () => {
    const py = verifySnippet(analyze('resnet18'))
    expect(py).toContain('import torchvision\nfrom torchvision.models.detection import *\n')
    expect(py).toContain('from torchvision.models import *\n')
    expect(py).toContain('\nmodel = resnet18()\n')
    expect(verifySnippet(analyze('nn.ReLU()'))).not.toContain('torchvision')
  })
  it('builds a program of files from a temporary folder, importing the main module from the root', () => {
    const files = { 'app/main.py': 'import torch.nn as nn\nfrom blocks import make\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.body = make()  # a comment\n', 'app/blocks.py': 'import torch.nn as nn\ndef make():\n    return nn.Linear(2, 2)\n' }
    const py = verifySnippet(analyze({ files, main: 'app/main.py', root: 'app' }))
    expect(py).toContain('    "app/blocks.py": "import torch.nn as nn\\ndef make():\\n    return nn.Linear(2, 2)\\n",\n')
    expect(py).not.toContain('a comment')
    expect(py).toContain('main = importlib.import_module("main")\nglobals().update(vars(main))\nmodel = Net()\n')
    expect(py).not.toContain('eval(')
  })
  it('builds a catalogue model or a config with transformers on the meta device, checking what a checkpoint holds', () => {
    const py = verifySnippet(analyze('llama-3.2-1b'))
    expect(py).toContain('with torch.device("meta"):\n    model = getattr(transformers, "LlamaForCausalLM")(config)\n')
    expect(py).toContain('if n in model.state_dict()')
    const config = { architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 64, intermediate_size: 128, num_attention_heads: 4, num_hidden_layers: 2, vocab_size: 100, torch_dtype: 'bfloat16' }
    expect(verifySnippet(analyze(config))).toContain('torch.set_default_dtype(getattr(torch, "bfloat16"))\nwith torch.device("meta"):')
    expect(py).not.toContain('saved_tensors_hooks')
    // `initializer_factor: 1.0` reaches the script as `1`; transformers 5's config classes refuse an int for a float field.
    expect(verifySnippet(analyze('t5-base'))).toContain('        if type(config.get(field.name)) is int and "float" in kind and "int" not in kind:\n            config[field.name] = float(config[field.name])\n')
  })
  it('runs on a machine without CUDA: the CUDA profile’s activation bytes are checked only where CUDA is', () => {
    const py = verifySnippet(analyze('nn.Sequential(nn.Linear(10, 20), nn.ReLU())', { input: '4,10' }))
    expect(py).toContain('device = "cuda" if torch.cuda.is_available() else "cpu"\n')
    expect(py).toContain('if device == "cuda":\n    check("activation bytes saved for backward"')
  })
  it('names the PyTorch release whose figures it checks, and notes another one at run time', () => {
    const py = verifySnippet(analyze('nn.LSTM(4, 8)', { input: '3,2,4', device: 'cpu' }))
    expect(py).toContain("# forward pass: activation bytes follow PyTorch 2.13's CPU kernels")
    expect(py).toContain('modelled = "2.13"')
    expect(py).toContain('check("activation bytes saved for backward", activation_bytes, 29_120)')
    const old = verifySnippet(analyze('nn.LSTM(4, 8)', { input: '3,2,4', device: 'cpu', torch: '1.13' }))
    expect(old).toContain('modelled = "1.13"')
    expect(old).toContain('check("activation bytes saved for backward", activation_bytes, 1344)')
  })
  it('passes an LSTM its initial state as one (h_0, c_0) tuple', () => {
    expect(verifySnippet(analyze('nn.LSTM(4, 8)', { input: '3,2,4; 1,2,8; 1,2,8', device: 'cpu' }))).toContain('    out = model(x0, (x1, x2))')
  })
  it('calls the model as the `call` option says, printed from nnsize’s syntax tree, among the main module’s names', () => {
    const file = 'import torch\nimport torch.nn as nn\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 8)\n    def init_state(self, bsz):\n        return torch.zeros(bsz, 8)\n    def forward(self, x, state):\n        y = self.fc(x) * state\n        return {"y": (None, y), "x": x}\n'
    const py = verifySnippet(analyze({ files: { 'main.py': file }, main: 'main.py', entry: 'M()' }, { input: '2,8', call: 'm( x[0] ,m.init_state( 2 ) )', device: 'cpu' }))
    expect(py).toContain(
      'globals().update(vars(main))\n# the forward call nnsize traced (its `call` option): `m` is the model, `x` the list of inputs, among the main module\'s names\n' +
        'def forward_call(m, x):\n    return m(x[0], m.init_state(2))\nforward_call = type(forward_call)(forward_call.__code__, vars(main))\nmodel = M()\n',
    )
    expect(py).toContain('    out = forward_call(model, [x0])\nout = first_tensor(out)\n')
    expect(py).toContain('inputs = {storage(t)[0] for t in [x0]}\n')
    // PyTorch 2.13 on CPU: `* state` saves init_state's zeros (64 bytes), which are not an input; with x0, 128.
    expect(py).toContain('check("output shape", tuple(out.shape), (2, 8))')
    expect(py).toContain('check("activation bytes saved for backward", activation_bytes, 64)')
    expect(py).toContain('check("activation bytes saved for backward, input included", activation_bytes_with_input, 128)')
  })
  it('takes the names a call sees in a single text before the script adds its own', () => {
    const source = 'class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 8)\n    def forward(self, x, scale):\n        return self.fc(x) * scale\ndevice = 2\nM()'
    const py = verifySnippet(analyze(source, { input: '2,8', call: 'm(x[0], device)', device: 'cpu' }))
    expect(py).toContain('\ndevice = 2\n# the forward call nnsize traced')
    expect(py).toContain('    return m(x[0], device)\nforward_call = type(forward_call)(forward_call.__code__, dict(globals()))\nmodel = M()\n')
  })
  it('calls the model with its inputs when there is no call', () => {
    const py = verifySnippet(analyze('nn.Linear(8, 4)', { input: '2,8', device: 'cpu' }))
    expect(py).toContain('    out = model(x0)\nout = first_tensor(out)\n')
    expect(py).not.toContain('forward_call')
  })
  it('runs the first pass of lazy modules through the call', () => {
    const source = 'class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.LazyLinear(4)\n    def forward(self, x, flat):\n        return self.fc(x.flatten(1) if flat else x)\nM()'
    const py = verifySnippet(analyze(source, { input: '2,3,2', call: 'm(x[0], flat=True)', device: 'cpu' }))
    expect(py).toContain('with torch.no_grad():\n    forward_call(model, [torch.zeros((2, 3, 2), dtype=torch.float32)])\n')
    expect(py).toContain('    ("fc.weight", (4, 6), "float32"),')
  })
  it('downloads no pretrained weights: a weights enum hands load_state_dict an empty marker it skips', () => {
    const py = verifySnippet(analyze('torchvision.models.detection.fasterrcnn_mobilenet_v3_large_fpn()'))
    expect(py).toContain('torchvision.models.WeightsEnum.get_state_dict = lambda self, *args, **kwargs: _NotDownloaded()')
    expect(py.indexOf('_NotDownloaded()')).toBeLessThan(py.indexOf('model = '))
    expect(verifySnippet(analyze('nn.ReLU()'))).not.toContain('_NotDownloaded')
  })
  it('lists 100,000 tensors without overflowing the call stack', () => {
    const py = verifySnippet(analyze('nn.Sequential(*[nn.Linear(1, 1) for _ in range(50000)])'))
    expect(py).toContain('    ("49999.bias", (1,), "float32"),')
  })
  it('runs one forward pass before counting a model with lazy modules', () => {
    const py = verifySnippet(analyze('nn.Sequential(nn.LazyLinear(4), nn.ReLU())', { input: '2,3', device: 'cpu' }))
    const materialise = py.indexOf('with torch.no_grad():\n    model(torch.zeros((2, 3), dtype=torch.float32))')
    expect(materialise).toBeGreaterThan(0)
    expect(materialise).toBeLessThan(py.indexOf('check("parameters"'))
    expect(verifySnippet(analyze('nn.Linear(2, 3)', { input: '2,2', device: 'cpu' }))).not.toContain('torch.no_grad')
  })
})
