import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { analyze, decodeShareState } from '@nnsize/core'
import type { ShareState } from '@nnsize/core'
import { nnsize } from './helpers.js'

/** `code.jsonl`: real model files from public repositories, measured with PyTorch 2.13 on CPU. */
const reference = resolve(process.env['NNSIZE_REFERENCE_DIR'] ?? resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/reference'))

interface CodeCase {
  id: string
  files: Record<string, string>
  main: string
  import_root: string
  entry: string
  forward_call?: string
  input_shape?: number[]
  input_shapes?: number[][]
  input_dtype?: string
  input_requires_grad?: boolean[]
  params: number
  trainable_params: number
  buffers: number
  output_shape?: number[]
  output_shapes?: number[][]
  output_structure?: string
  saved_activation_bytes?: number
  saved_activation_bytes_incl_input?: number
}

const cases: CodeCase[] = readFileSync(join(reference, 'code.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as CodeCase)

const dir = mkdtempSync(join(tmpdir(), 'nnsize-python-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Writes a case's files under a folder of its own and returns that folder. */
function writeCase(c: CodeCase): string {
  const top = join(dir, c.id.replace(/[^\w-]+/g, '_'))
  for (const [path, text] of Object.entries(c.files)) {
    mkdirSync(dirname(join(top, path)), { recursive: true })
    writeFileSync(join(top, path), text)
  }
  return top
}

/** `--input` for a case: shapes separated by `;`, each with its dtype when not float32. */
function inputFlag(c: CodeCase): string {
  const shapes = c.input_shapes ?? [c.input_shape!]
  // An input made without grad (`torch.randn(...)` beside `requires_grad=True` ones) is `:nograd`.
  return shapes.map((s, i) => `${s.join(',')}${c.input_dtype ? `:${c.input_dtype}` : ''}${c.input_requires_grad?.[i] === false ? ':nograd' : ''}`).join(';')
}

const json = async (args: string[], cwd: string): Promise<Record<string, any>> => {
  const r = await nnsize([...args, '--json'], { cwd })
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout)
}

describe('nnsize on model files (code.jsonl)', () => {
  // Each case as its authors' repository holds it: the command runs where `python -c "import <module>"` ran, with
  // the case's entry as --model and its forward call as --call; an input made without grad is `:nograd`.
  it.each(cases.map((c) => [c.id, c] as const))('%s: counts, output shapes and saved bytes as PyTorch measures them', async (_id, c) => {
    const cwd = join(writeCase(c), c.import_root)
    const main = relative(cwd, join(writeCase(c), c.main))
    const args = [main, '--model', c.entry, '--device', 'cpu']
    if (c.input_shape || c.input_shapes) args.push('--input', inputFlag(c))
    if (c.forward_call) args.push('--call', c.forward_call)
    const out = await json(args, cwd)
    expect(out['params'].total).toBe(c.params)
    expect(out['params'].trainable).toBe(c.trainable_params)
    expect(out['buffers'].total).toBe(c.buffers)
    expect(out['forwardNote']).toBeUndefined()
    expect(out['outputShape']).toEqual(c.output_shape)
    if (c.output_shapes) {
      expect(out['outputShapes']).toEqual(c.output_shapes)
      expect(out['outputStructure']).toBe(c.output_structure)
    }
    expect(out['activations'].savedBytes).toBe(c.saved_activation_bytes)
    expect(out['activations'].savedBytesWithInput).toBe(c.saved_activation_bytes_incl_input)
  })

  const byId = (id: string): CodeCase => cases.find((c) => c.id === id)!

  it('imports from --root: a file that imports its neighbour, run from the top of the repository', async () => {
    const c = byId('examples/mnist_hogwild/Net')
    const top = writeCase(c)
    const out = await json([c.main, '--root', c.import_root, '--model', c.entry, '-i', inputFlag(c), '--device', 'cpu'], top)
    expect(out['params'].total).toBe(21_840)
    expect(out['activations'].savedBytes).toBe(50_000)
    // the same file from the top: `train` is then no module Python finds; it is not needed to build `Net`, so the counts stand
    expect((await json([c.main, '--model', c.entry], top))['params'].total).toBe(21_840)
  })

  it('reads a folder as a package: its __init__.py is the main module, relative imports resolve within it', async () => {
    const c = byId('pytorch-cifar/ResNet18')
    const top = writeCase(c)
    writeFileSync(join(top, 'models/__init__.py'), 'from .resnet import *\nfrom .vgg import VGG\n')
    writeFileSync(join(top, 'models/vgg.py'), byId('pytorch-cifar/VGG16').files['models/vgg.py']!)
    const out = await json(['models/', '-m', 'ResNet18()', '-i', '1,3,32,32', '--device', 'cpu'], top)
    expect(out['params'].total).toBe(11_173_962)
    expect(out['outputShape']).toEqual([1, 10])
    expect(out['activations'].savedBytes).toBe(4_726_272)
    expect((await json(['models', '--model', "VGG('VGG16')"], top))['params'].total).toBe(14_728_266)
  })

  it('reads the files the imports name as Python does, not the whole tree: a dataset folder beside the model is never walked', async () => {
    const project = join(dir, 'project')
    mkdirSync(join(project, 'data/images'), { recursive: true })
    mkdirSync(join(project, 'nets'), { recursive: true })
    // more .py files than nnsize reads for a model, and a file that is not Python, none of which the model imports
    for (let i = 0; i < 2100; i++) writeFileSync(join(project, `data/images/sample_${i}.py`), '')
    writeFileSync(join(project, 'data/broken.py'), 'this is not Python (\n')
    writeFileSync(join(project, 'nets/__init__.py'), '')
    writeFileSync(join(project, 'nets/parts.py'), 'import torch.nn as nn\n\n\nclass Block(nn.Sequential):\n    def __init__(self, n):\n        super().__init__(nn.Linear(n, n), nn.ReLU())\n')
    writeFileSync(join(project, 'train.py'), 'import torch.nn as nn\nfrom nets.parts import Block\n\nmodel = nn.Sequential(Block(8), nn.Linear(8, 2))\n')
    const out = await json(['train.py'], project)
    expect(out['params'].total).toBe(72 + 18)
    // the files it read, and no others, are what a link carries
    const r = await nnsize(['train.py', '--share'], { cwd: project })
    const state = decodeShareState(new URL(r.stdout.trim()).hash.slice(1)) as ShareState
    expect(Object.keys(state.files ?? {})).toEqual(['nets/__init__.py', 'nets/parts.py'])
  })

  it('reads no file through a link to a folder, nor in caches or installed packages', async () => {
    const project = join(dir, 'skipped')
    for (const folder of ['node_modules/extra', '__pycache__', 'real']) mkdirSync(join(project, folder), { recursive: true })
    const head = 'import torch.nn as nn\nHead = nn.Linear\n'
    writeFileSync(join(project, 'node_modules/extra/__init__.py'), head)
    writeFileSync(join(project, '__pycache__/helpers.py'), head)
    writeFileSync(join(project, 'real/__init__.py'), head)
    symlinkSync(join(project, 'real'), join(project, 'linked'))
    for (const module of ['node_modules.extra', '__pycache__.helpers', 'linked']) {
      writeFileSync(join(project, 'net.py'), `import torch.nn as nn\nimport ${module} as h\n\nmodel = nn.Sequential(h.Head(2, 2))\n`)
      const r = await nnsize(['net.py'], { cwd: project })
      expect(r.code, module).toBe(1)
      expect(r.stderr, module).toContain(`comes from \`${module.split('.')[0]}\`, which nnsize does not read`)
    }
    writeFileSync(join(project, 'net.py'), 'import torch.nn as nn\nimport real as h\n\nmodel = nn.Sequential(h.Head(2, 2))\n')
    expect((await json(['net.py'], project))['params'].total).toBe(6)
    // the folder named on the command line is read even when it is a link, as a file named there is
    writeFileSync(join(project, 'real/parts.py'), 'import torch.nn as nn\nHead = nn.Linear\n')
    writeFileSync(join(project, 'real/__init__.py'), 'from .parts import Head\n')
    expect((await json(['linked/', '--model', 'Head(2, 3)'], project))['params'].total).toBe(9)
  })

  it('stops with a clear error when the imports name more files than nnsize reads for a model', async () => {
    const project = join(dir, 'many')
    mkdirSync(project, { recursive: true })
    const lines = ['import torch.nn as nn']
    for (let i = 0; i <= 2000; i++) {
      writeFileSync(join(project, `m${i}.py`), '')
      lines.push(`import m${i}`)
    }
    writeFileSync(join(project, 'net.py'), `${lines.join('\n')}\nmodel = nn.Linear(2, 2)\n`)
    const r = await nnsize(['net.py'], { cwd: project })
    expect(r.code).toBe(1)
    expect(r.stderr).toBe("nnsize: '.' holds more than 2,000 .py files, more than nnsize reads for a model: give the model's own folder with --root DIR\n")
  })

  it('says which classes could be built, with a --model example, and names the file that has no package to import', async () => {
    const c = byId('pytorch-cifar/ResNet18')
    const top = writeCase(c)
    const r = await nnsize(['resnet.py'], { cwd: join(top, 'models') })
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('error[type]: `--model` must name the model to build: `resnet.py` defines `BasicBlock`, `Bottleneck`, `ResNet`, which need constructor arguments; e.g. `BasicBlock(...)`.\n')
    const two = join(dir, 'two')
    mkdirSync(two, { recursive: true })
    writeFileSync(join(two, 'nets.py'), 'import torch.nn as nn\nclass A(nn.Module):\n    pass\nclass B(nn.Module):\n    def __init__(self, n=2):\n        super().__init__()\n        self.l = nn.Linear(n, n)\n')
    const several = await nnsize(['nets.py'], { cwd: two })
    expect(several.stderr).toBe('error[type]: `--model` must name the model to build: `nets.py` defines several nn.Module classes that can be built without arguments (`A`, `B`); e.g. `A()`.\n')
    expect((await json(['nets.py', '-m', 'B(5)'], two))['params'].total).toBe(30)
    const preact = writeCase(byId('pytorch-cifar/PreActResNet18'))
    writeFileSync(join(preact, 'models/lenet.py'), byId('pytorch-cifar/LeNet').files['models/lenet.py']!)
    const folder = await nnsize([join(relative(dir, preact), 'models'), '-m', 'PreActResNet18()'], { cwd: dir })
    expect(folder.code).toBe(1)
    expect(folder.stderr).toBe(`nnsize: '${join(relative(dir, preact), 'models')}' has no __init__.py to import: give the file that defines the model, e.g. nnsize ${relative(dir, preact)}/models/preact_resnet.py --model "PreActResNet18()"\n`)
  })

  it('points errors at file:line:column of the file, --model or --call they come from', async () => {
    const folder = join(dir, 'errors')
    mkdirSync(join(folder, 'nets'), { recursive: true })
    writeFileSync(join(folder, 'nets/__init__.py'), '')
    writeFileSync(join(folder, 'nets/blocks.py'), 'import torch.nn as nn\n\ndef block(n):\n    return nn.Linear(n)\n')
    writeFileSync(join(folder, 'nets/net.py'), 'import torch.nn as nn\nfrom .blocks import block\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.b = block(4)\n')
    const r = await nnsize(['nets/net.py'], { cwd: folder })
    expect(r.code).toBe(1)
    expect(r.stderr.split('\n').slice(1, 5)).toEqual([' --> nets/blocks.py:4:23', '  |', '4 |     return nn.Linear(n)', '  |                       ^'])
    const entry = await nnsize(['nets/net.py', '--model', 'Nett()'], { cwd: folder })
    expect(entry.stderr).toContain(' --> --model:1:1\n')
    writeFileSync(join(folder, 'nets/ok.py'), 'import torch.nn as nn\n\nclass Ok(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.l = nn.Linear(4, 8)\n\n    def forward(self, x):\n        return self.l(x)\n')
    const call = await nnsize(['nets/ok.py', '-i', '2,4', '--call', 'm(x[0]'], { cwd: folder })
    expect(call.stderr).toContain(' --> --call:1:2\n')
  })

  it('counts the parameters and shows the note when forward stops at something unsupported (exit 0)', async () => {
    const folder = join(dir, 'note')
    mkdirSync(folder, { recursive: true })
    writeFileSync(join(folder, 'net.py'), 'import torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.l = nn.Linear(4, 8)\n\n    def forward(self, x):\n        return self.l(x).sum().item()\n\nmodel = Net()\n')
    const r = await nnsize(['net.py', '-i', '2,4'], { cwd: folder })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Parameters        40')
    expect(r.stdout).toContain('note: The forward pass was not traced (net.py:9:16)')
    const out = await json(['net.py', '-i', '2,4'], folder)
    expect(out['forwardNote']).toMatchObject({ code: 'unsupported', file: 'net.py', line: 9, column: 16 })
    expect(out['outputShape']).toBeUndefined()
  })

  it('verifies, compares, explains and plans memory for a model file', async () => {
    const c = byId('pytorch-cifar/VGG11')
    const cwd = join(writeCase(c), 'models')
    const verify = await nnsize(['vgg.py', '-m', "VGG('VGG11')", '--verify'], { cwd })
    expect(verify.code).toBe(0)
    expect(verify.stdout).toContain('main = importlib.import_module("vgg")')
    expect(verify.stdout).toContain('check("parameters", sum(p.numel() for p in model.parameters()), 9_231_114)')
    const compare = await json(['vgg.py', '-m', "VGG('VGG11')", '--compare', `--model "VGG('VGG16')"`], cwd)
    expect(compare['a'].params.total).toBe(9_231_114)
    expect(compare['b'].params.total).toBe(14_728_266)
    const explain = await nnsize(['vgg.py', '-m', "VGG('VGG11')", '--explain'], { cwd })
    expect(explain.stdout).toContain('9,231,114')
    const plan = await json(['vgg.py', '-m', "VGG('VGG11')", '--optimizer', 'AdamW', '--precision', 'fp32'], cwd)
    // AdamW in fp32: gradients of 4 bytes, two moments of 4 bytes on the GPU, and a 4-byte step per parameter tensor
    // (34) that PyTorch keeps on the CPU for CUDA parameters
    expect(plan['memory'].memory.gradients.bytes).toBe(9_231_114 * 4)
    expect(plan['memory'].memory.optimizerState.bytes).toBe(2 * 9_231_114 * 4)
    expect(plan['memory'].memory.optimizerState.formula).toContain('on the CPU: step 34 × 4 B = 136 B')
    const notFile = await nnsize(['Linear(2, 3)', '--model', 'Net()'])
    expect(notFile.code).toBe(2)
    expect(notFile.stderr).toContain('--model builds a model from a Python file or folder')
  })
})

describe('--share for model files and folders', () => {
  /** The state a printed link carries, read with the core's decoder, as the playground reads it. */
  const linkState = (stdout: string): ShareState => {
    expect(stdout.startsWith('https://nnsize.github.io/nnsize/#')).toBe(true)
    expect(stdout.endsWith('\n')).toBe(true)
    return decodeShareState(stdout.slice(stdout.indexOf('#'), -1))
  }

  /** The program a link opens in the playground: its main file and the others, and the model to build. */
  const programOf = (state: ShareState) => ({ files: { ...state.files, [state.main!]: state.source }, main: state.main!, ...(state.entry === undefined ? {} : { entry: String(state.entry) }) })

  /** A copy of a reference case's files under a folder of this test's own, with more files beside them. */
  function folderWith(name: string, c: CodeCase, more: Record<string, string> = {}): string {
    const top = join(dir, name)
    for (const [path, text] of Object.entries({ ...c.files, ...more })) {
      mkdirSync(dirname(join(top, path)), { recursive: true })
      writeFileSync(join(top, path), text)
    }
    return top
  }

  const byId = (id: string): CodeCase => cases.find((c) => c.id === id)!

  it('carries a folder\'s files that the model imports, with paths below the root, the entry and the options', async () => {
    const resnet = byId('pytorch-cifar/ResNet18')
    const vgg = byId('pytorch-cifar/VGG16').files['models/vgg.py']!
    const init = 'from .resnet import *\nfrom .vgg import VGG\n'
    const top = folderWith('share-folder', resnet, { 'models/__init__.py': init, 'models/vgg.py': vgg, 'models/unused.py': 'not ( python\n', 'train.py': 'import models\n' })
    const r = await nnsize(['models/', '-m', 'ResNet18()', '-i', '1,3,32,32', '--batch', '8', '--share'], { cwd: top })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const state = linkState(r.stdout)
    // the files the analysis read, in the order it read them; not `train.py` or `models/unused.py`, which it never imports
    expect(state.main).toBe('models/__init__.py')
    expect(state.source).toBe(init)
    expect(state.files).toEqual({ 'models/resnet.py': resnet.files['models/resnet.py'], 'models/vgg.py': vgg })
    expect(state).toMatchObject({ entry: 'ResNet18()', input: '1,3,32,32', mode: 'training', batch: '8' })
    // what the page builds from the link: the counts PyTorch measured
    expect(analyze(programOf(state)).params.total).toBe(11_173_962n)
  })

  it('carries one model file alone when it imports nothing of its folder, and paths below --root', async () => {
    const vgg = byId('pytorch-cifar/VGG11')
    const top = folderWith('share-file', vgg, { 'models/big.py': `# ${'x'.repeat(200_000)}\n`, 'models/other.py': 'import torch\n' })
    const one = await nnsize(['vgg.py', '-m', "VGG('VGG11')", '--share'], { cwd: join(top, 'models') })
    expect(one.stderr).toBe('')
    const state = linkState(one.stdout)
    expect(state).toEqual({ source: vgg.files['models/vgg.py'], main: 'vgg.py', entry: "VGG('VGG11')" })
    expect(analyze(programOf(state)).params.total).toBe(9_231_114n)
    const hogwild = byId('examples/mnist_hogwild/Net')
    const repo = folderWith('share-root', hogwild)
    const rooted = linkState((await nnsize([hogwild.main, '--root', hogwild.import_root, '--model', hogwild.entry, '--share'], { cwd: repo })).stdout)
    // `main.py` imports `train` beside it: both, by their paths below the root, as the page imports them
    expect(rooted.main).toBe('main.py')
    expect(Object.keys(rooted.files ?? {})).toEqual(['train.py'])
    expect(analyze(programOf(rooted)).params.total).toBe(21_840n)
  })

  it('says when the files read are too large for a link, with the core\'s sentence, and never carries --call', async () => {
    const top = join(dir, 'share-large')
    mkdirSync(join(top, 'net'), { recursive: true })
    writeFileSync(join(top, 'net/__init__.py'), '')
    writeFileSync(join(top, 'net/model.py'), 'import torch.nn as nn\nfrom .parts import width\nmodel = nn.Linear(width, 2)\n')
    writeFileSync(join(top, 'net/parts.py'), `# ${'x'.repeat(100_000)}\nwidth = 4\n`)
    const r = await nnsize(['net/model.py', '--share'], { cwd: top })
    expect(r.stdout).toBe('')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^error\[limit\]: These 3 files are too large to share as a link: it would be 100,\d{3} characters long; links hold 100,000\. Nothing was uploaded\.\n$/)
    const call = await nnsize(['net/model.py', '-i', '1,4', '--call', 'm(x[0])', '--share'], { cwd: top })
    expect(call).toEqual({ code: 2, stdout: '', stderr: 'nnsize: --share cannot carry --call: the playground calls the model as m(*x)\n' })
  })

  it('says what a relative import in a file run without its package folder needs, without an option of the library', async () => {
    const top = join(dir, 'share-relative', 'unet')
    mkdirSync(top, { recursive: true })
    writeFileSync(join(top, 'unet_parts.py'), 'import torch.nn as nn\nBlock = nn.Linear\n')
    writeFileSync(join(top, 'unet_model.py'), 'import torch.nn as nn\nfrom .unet_parts import Block\nmodel = Block(2, 3)\n')
    const inside = await nnsize(['unet_model.py'], { cwd: top })
    expect(inside.code).toBe(1)
    expect(inside.stderr.split('\n')[0]).toBe(
      "error[import]: Attempted relative import with no known parent package: `unet_model.py` is at the top of the files, not inside a package folder. A relative import needs the file's package folder: give the files with the folder that holds them, so that its path reads `<package>/unet_model.py`.",
    )
    expect(inside.stderr).not.toContain('`root`')
    // from the folder above, or with it as the root, the path reads `unet/unet_model.py`
    expect((await json(['unet/unet_model.py'], dirname(top)))['params'].total).toBe(9)
    expect((await json(['unet_model.py', '--root', '..'], top))['params'].total).toBe(9)
  })
})
