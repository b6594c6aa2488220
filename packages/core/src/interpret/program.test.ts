import { describe, expect, it } from 'vitest'
import { analyze, buildModule } from '../analyze.js'
import { analysisToJSON } from '../format/json.js'
import { failure, files } from '../../test/interpret.js'
import { keptTreeEntry } from '../python/kept-tree.js'
import { parse, parseExpression } from '../python/parse.js'

const errorOf = (source: string) => failure(() => analyze(source))

describe('expressions (what nnsize read before model files, unchanged)', () => {
  it('resolves nn.X, torch.nn.X and bare X to the same layer', () => {
    for (const source of ['nn.Linear(3, 4)', 'torch.nn.Linear(3, 4)', 'Linear(3, 4)']) expect(analyze(source).params.total).toBe(16n)
  })

  it('shares one module repeated with [m] * n and counts it once', () => {
    const r = analyze('nn.Sequential(*[nn.Linear(10, 10)] * 3)')
    expect(r.params.total).toBe(110n)
    expect(r.tensors.map((t) => t.name)).toEqual(['0.weight', '0.bias'])
  })

  it('makes n separate modules with a comprehension', () => {
    const r = analyze('nn.Sequential(*[nn.Linear(10, 10) for _ in range(3)])')
    expect(r.params.total).toBe(330n)
    expect(r.tensors.map((t) => t.name)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '2.weight', '2.bias'])
  })

  it('keeps object identity across assignments', () => {
    const r = analyze('block = nn.Linear(4, 4)\nnn.Sequential(block, nn.ReLU(), block)')
    expect(r.params.total).toBe(20n)
    expect(r.modules.map((m) => m.path)).toEqual(['', '0', '1'])
  })

  it('freezes with requires_grad_(False), also through a shared module', () => {
    const r = analyze('b = nn.Linear(4, 4)\nnn.Sequential(b.requires_grad_(False), nn.Linear(4, 2))')
    expect([r.params.total, r.params.trainable, r.params.frozen]).toEqual([30n, 10n, 20n])
    expect(r.tensors.filter((t) => !t.trainable).map((t) => t.name)).toEqual(['0.weight', '0.bias'])
  })

  it('casts parameters with .half(), .to(torch.bfloat16) and dtype=', () => {
    expect(analyze('nn.Linear(4, 4).half()').params.bytes).toBe(40n)
    expect(analyze('nn.Linear(4, 4).to(torch.bfloat16)').params.bytes).toBe(40n)
    expect(analyze('nn.Linear(4, 4, dtype=torch.float64)').params.bytes).toBe(160n)
  })

  it('evaluates integer arithmetic exactly, with Python floor division', () => {
    expect(analyze('nn.Linear(2 ** 3 * 4, 7 // 2 + -1 % 3)').tensors[0]!.shape).toEqual([5, 32])
  })

  it('unpacks *args and **kwargs', () => {
    expect(analyze('args = [3, 4]\nnn.Linear(*args, **{"bias": False})').params.total).toBe(12n)
  })

  it('indexes Sequential, ModuleList and attributes of modules', () => {
    expect(analyze('m = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 4))\nm[-1]').params.total).toBe(16n)
    expect(analyze('m = nn.ModuleDict({"a": nn.Linear(2, 3)})\nm.a').params.total).toBe(9n)
  })

  it('names children from an OrderedDict', () => {
    const r = analyze('nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3)), ("act", nn.ReLU())]))')
    expect(r.tensors.map((t) => t.name)).toEqual(['fc.weight', 'fc.bias'])
  })

  it('suggests the layer for a misspelt name, pointing at it', () => {
    const e = errorOf('nn.Conv2D(1, 2, 3)')
    expect(e.code).toBe('unknown-attribute')
    expect(e.message).toBe('`nn` has no attribute `Conv2D`. Did you mean `Conv2d`?')
    expect(e.suggestions[0]).toBe('Conv2d')
    expect(e.span).toEqual({ start: 3, end: 9 })
  })

  it('suggests the keyword for a misspelt argument', () => {
    const e = errorOf('nn.Conv2d(1, 2, kernal_size=3)')
    expect(e.code).toBe('unknown-argument')
    expect(e.message).toContain('Did you mean `kernel_size`?')
    expect(e.span).toEqual({ start: 16, end: 29 })
  })

  it('refuses names it does not know instead of running them', () => {
    const e = errorOf('os.system("rm -rf /")')
    expect(e.code).toBe('unknown-name')
    expect(e.message).toContain('`os` is not defined')
  })

  it('refuses library functions it does not model, and introspection of objects', () => {
    // Before, `torch.load` was an unknown attribute; now it is a library function nnsize says it does not support.
    const load = errorOf('torch.load("x")')
    expect(load.code).toBe('unsupported')
    expect(load.message).toBe('`torch.load` is not supported yet.')
    expect(errorOf('nn.Linear(2, 3).__class__.__subclasses__()').code).toBe('unknown-attribute')
    expect(errorOf('eval("nn.ReLU()")').code).toBe('unsupported')
  })

  it('refuses open() naming the file, and says how to size a model whose sizes come from data', () => {
    const e = errorOf("with open('input.txt', 'r', encoding='utf-8') as f:\n    text = f.read()\nnn.Embedding(len(set(text)), 32)")
    expect(e.code).toBe('unsupported')
    expect(e.message).toMatch(/^`open\('input\.txt'\)` is not supported: nnsize never reads files.*a file that only defines it.*`--model`/)
    expect(e.span?.start).toBe(5)
  })

  it('requires the result to be a module', () => {
    const e = errorOf('x = 3\nx')
    expect(e.code).toBe('type')
    expect(e.message).toContain('must end with a module')
    expect(errorOf('nn.Linear').message).toContain('Call it')
  })

  it('bounds list repetition and the arguments of one call', () => {
    expect(errorOf('nn.Sequential(*[nn.ReLU()] * 10 ** 9)').code).toBe('limit')
    expect(errorOf('nn.Sequential(*[nn.ReLU() for _ in range(10 ** 9)])').message).toBe('The model has more than 100,000 modules, the limit.')
  })

  it('bounds huge powers before computing them', () => {
    expect(errorOf('nn.Linear(10 ** 100000, 1)').code).toBe('int-too-large')
  })

  it('reports division by zero', () => {
    expect(errorOf('nn.Linear(1 // 0, 1)').message).toContain('division by zero')
  })

  it('keeps comprehension variables local', () => {
    expect(errorOf('[nn.Linear(i + 1, 1) for i in range(2)]\nnn.Linear(i, 1)').code).toBe('unknown-name')
  })

  it('builds module trees without analysis', () => {
    expect(buildModule('nn.ModuleList([nn.ReLU(), nn.ReLU()])').children.size).toBe(2)
  })

  it('calls a bare torchvision builder with its defaults', () => {
    expect(analyze('resnet18').module).toBe('ResNet')
  })

  it('reads JavaScript object names as ordinary Python names', () => {
    expect(analyze('constructor = nn.ReLU()\n__proto__ = [constructor]\ntoString = {"valueOf": 1}\nnn.Sequential(*__proto__)').module).toBe('Sequential')
    expect(analyze('hasOwnProperty = 3\nnn.Linear(hasOwnProperty, 2)').params.total).toBe(8n)
  })

  it('runs a whole model file pasted as one text, building its one class that needs no arguments', () => {
    const source = ['import torch.nn as nn', 'class Net(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.fc = nn.Linear(4, 2)', "if __name__ == '__main__':", '    raise SystemExit(train())'].join('\n')
    const r = analyze(source)
    expect(r.module).toBe('Net')
    expect(r.params.total).toBe(10n)
  })
})

describe('programs of files', () => {
  const resnet = [
    'import torch.nn as nn',
    'from .blocks import Block',
    'class Net(nn.Module):',
    '    def __init__(self, width=4, depth=2):',
    '        super(Net, self).__init__()',
    '        self.blocks = nn.Sequential(*[Block(width) for _ in range(depth)])',
    'def small():',
    '    return Net(2, 1)',
  ].join('\n')
  const blocks = ['import torch.nn as nn', '__all__ = ["Block"]', 'class Block(nn.Module):', '    def __init__(self, n):', '        super().__init__()', '        self.fc = nn.Linear(n, n)', 'class Hidden(nn.Module):', '    pass'].join('\n')

  it('imports relative modules within the main file’s package and evaluates the entry in its namespace', () => {
    const r = files({ 'models/resnet.py': resnet, 'models/blocks.py': blocks }, 'models/resnet.py', 'small()')
    expect(r.module).toBe('Net')
    expect(r.tensors.map((t) => t.name)).toEqual(['blocks.0.fc.weight', 'blocks.0.fc.bias'])
    expect(r.program?.main).toBe('models/resnet.py')
  })

  it('takes the fallback of a try that catches a failed import of a module the program cannot have; elsewhere binds a placeholder', () => {
    const text = [
      'import torch.nn as nn',
      'try:',
      '    import os, sys',
      '    from kernels.fused import FusedNorm',
      'except:',
      '    FusedNorm = None',
      '    print("no fused kernels")',
      'try:',
      '    from apex.normalization import FusedLayerNorm as Norm',
      'except (ImportError, AttributeError):',
      '    Norm = nn.LayerNorm',
      'try:',
      '    import wandb',
      'except ValueError:',
      '    pass',
      'model = nn.Sequential(Norm(4), nn.Identity() if FusedNorm is None else FusedNorm(4))',
    ].join('\n')
    const r = files({ 'model.py': text }, 'model.py')
    expect(r.notes).toEqual(['no fused kernels'])
    expect(r.tensors.map((t) => t.name)).toEqual(['0.weight', '0.bias'])
    // `except ValueError` does not catch a failed import: `wandb` stays a placeholder, an error only when used.
    expect(failure(() => files({ 'model.py': 'import torch.nn as nn\ntry:\n    import wandb\nexcept ValueError:\n    pass\nmodel = nn.Linear(wandb.width, 2)' }, 'model.py')).message).toContain('`wandb.width`')
  })

  it('builds the one module class that needs no arguments when there is no entry', () => {
    const r = files({ 'models/resnet.py': resnet, 'models/blocks.py': blocks }, 'models/resnet.py')
    expect(r.module).toBe('Net')
    expect(r.params.total).toBe(40n)
  })

  it('honours __all__ in a star import, and packages by their folders', () => {
    const main = 'from models.blocks import *\nimport models.blocks as b\nassert b.Block is Block\nmodel = Block(3)'
    const r = files({ 'main.py': main, 'models/blocks.py': blocks }, 'main.py')
    expect(r.params.total).toBe(12n)
    const e = failure(() => files({ 'main.py': 'from models.blocks import *\nHidden()', 'models/blocks.py': blocks }, 'main.py', 'Hidden()'))
    expect(e.code).toBe('unknown-name')
  })

  it('resolves imports from the root, as python -c "import main" from that folder', () => {
    const main = 'from train import make\nnet = make()'
    const train = 'import torch.nn as nn\ndef make():\n    return nn.Linear(2, 2)'
    expect(files({ 'app/main.py': main, 'app/train.py': train }, 'app/main.py', undefined, 'app').params.total).toBe(6n)
    // From the top, `train` is not a module: Python fails the same way, and so the import is a placeholder that fails when used.
    expect(failure(() => files({ 'app/main.py': main, 'app/train.py': train }, 'app/main.py')).code).toBe('unsupported')
  })

  it('lists the candidates when several classes could be built, and gives an entry example', () => {
    const two = 'import torch.nn as nn\nclass A(nn.Module):\n    pass\nclass B(nn.Module):\n    def __init__(self, n=2):\n        super().__init__()'
    const e = failure(() => files({ 'm.py': two }, 'm.py'))
    expect(e.message).toBe('`entry` must name the model to build: `m.py` defines several nn.Module classes that can be built without arguments (`A`, `B`); e.g. `A()`.')
    expect(e.field).toBe('entry')
    expect(e.reason).toBe(e.message.slice('`entry` '.length))
    const needs = failure(() => files({ 'm.py': 'import torch.nn as nn\nclass A(nn.Module):\n    def __init__(self, n):\n        super().__init__()' }, 'm.py'))
    expect(needs.message).toBe('`entry` must name the model to build: `m.py` defines `A`, which needs constructor arguments; e.g. `A(...)`.')
    // source text has no entry: it is told to end with the model
    const text = failure(() => analyze(two))
    expect(text.message).toBe('The input defines several nn.Module classes that can be built without arguments (`A`, `B`): end it with the model to build, e.g. `model = A()`.')
    expect(text.field).toBeUndefined()
  })

  it('points errors at the file, line and column they come from', () => {
    const e = failure(() => files({ 'models/net.py': 'import torch.nn as nn\ndef f():\n    return nn.Linear(3)', 'main.py': 'from models.net import f\nm = f()' }, 'main.py'))
    expect(e.code).toBe('missing-argument')
    expect(e.span?.file).toBe('models/net.py')
    const syntax = failure(() => files({ 'main.py': 'import helper\nm = helper.make()', 'helper.py': 'def make(:\n    pass' }, 'main.py'))
    expect(syntax.code).toBe('syntax')
    expect(syntax.span?.file).toBe('helper.py')
    const entry = failure(() => files({ 'main.py': 'import torch.nn as nn' }, 'main.py', 'nn.Linear(2'))
    expect(entry.span?.file).toBe('<entry>')
  })

  it('skips what only runs as a script, and unknown imports until construction uses them', () => {
    const script = [
      'import argparse, numpy as np',
      'import torch.nn as nn',
      'parser = argparse.ArgumentParser()',
      "parser.add_argument('--lr', type=float, default=0.1)",
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(2, 2)',
      "if __name__ == '__main__':",
      '    args = parser.parse_args()',
      '    np.random.seed(args.seed)',
    ].join('\n')
    expect(files({ 'main.py': script }, 'main.py').params.total).toBe(6n)
    const uses = failure(() => files({ 'main.py': 'import numpy as np\nimport torch.nn as nn\nm = nn.Linear(np.unique((2, 3)).size, 1)' }, 'main.py'))
    expect(uses.code).toBe('unsupported')
    expect(uses.message).toContain('`np.unique().size` comes from `numpy`, which nnsize does not read')
    expect(uses.span?.file).toBe('main.py')
  })

  it("a class nnsize knows is none of an unread library's: `type(x) == ListConfig` is false, as `isinstance` is", () => {
    // latent-diffusion's UNetModel (`from omegaconf.listconfig import ListConfig`); PyTorch with omegaconf: 36 parameters.
    const source = [
      'import torch.nn as nn',
      'class Net(nn.Module):',
      '    def __init__(self, context_dim=8):',
      '        super().__init__()',
      '        from omegaconf.listconfig import ListConfig',
      '        if type(context_dim) == ListConfig or isinstance(context_dim, ListConfig):',
      '            context_dim = list(context_dim)',
      '        assert type(context_dim) != ListConfig',
      '        self.fc = nn.Linear(context_dim, 4)',
    ].join('\n')
    expect(files({ 'net.py': source }, 'net.py', 'Net()').params.total).toBe(36n)
    // Against anything but a class, a placeholder's value is unknown: an error that names its library.
    expect(failure(() => files({ 'main.py': 'import omegaconf\nassert omegaconf.OmegaConf == 3' }, 'main.py')).message).toBe(
      '`omegaconf.OmegaConf` comes from `omegaconf`, which nnsize does not read (imported in main.py); the model uses it here.',
    )
  })

  it('an unread library imported in two files names, in its error, the file whose import the model uses', () => {
    // meta-llama's model.py imports fairscale after generation.py did; PyTorch needs fairscale for either.
    const program = {
      'pkg/__init__.py': 'from .helpers import helper\nfrom .model import Net\n',
      'pkg/helpers.py': 'from unknownlib.parallel import get_rank\n\ndef helper():\n    return get_rank()\n',
      'pkg/model.py': 'import torch.nn as nn\nimport unknownlib.parallel as par\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 16 // par.get_world_size())\n',
    }
    const error = failure(() => files(program, 'pkg/model.py', 'Net()'))
    expect(error.message).toBe('`par.get_world_size()` comes from `unknownlib`, which nnsize does not read (imported in pkg/model.py); the model uses it here.')
    expect(error.span?.file).toBe('pkg/model.py')
  })

  it('a value of an unread library handed to a layer in forward is its own error, and the note says so', () => {
    // a third-party module called before a Dropout (x-transformers' torch_einops_utils); the counts still stand
    const source = [
      'import torch.nn as nn',
      'from some_unknown_lib.nn import Identity',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.norm = Identity()',
      '        self.drop = nn.Dropout(0.1)',
      '        self.fc = nn.Linear(8, 8)',
      '    def forward(self, x):',
      '        x = self.norm(x)',
      '        x = self.drop(x)',
      '        return self.fc(x)',
    ].join('\n')
    const analysis = analyze({ files: { 'net.py': source }, main: 'net.py', entry: 'Net()' }, { input: [[2, 8]] })
    expect(analysis.params.total).toBe(72n)
    expect(analysis.forwardNote?.message).toBe('`some_unknown_lib.nn.Identity()()` comes from `some_unknown_lib`, which nnsize does not read (imported in net.py); the model uses it here.')
    expect(analysis.forwardNote?.line).toBe(11)
    // JSON carries the notes the text report shows: the module not counted, and why the forward was not traced
    expect(analysisToJSON(analysis).notes).toEqual([
      '`Net.norm` is set to what `some_unknown_lib.nn.Identity()` returns, from `some_unknown_lib`, which nnsize does not read: if that is a module, its parameters and buffers are not counted.',
      `The forward pass was not traced (net.py:11:13): ${analysis.forwardNote?.message}`,
    ])
    expect(analysisToJSON(files({ 'net.py': 'import torch.nn as nn\nmodel = nn.Linear(2, 3)\n' }, 'net.py')).notes).toBeUndefined()
  })

  it("a decorator from an unread library returns what it decorates, with a note (lucidrains' `@beartype`, fvcore's `@REGISTRY.register()`)", () => {
    // PyTorch with beartype and fvcore installed: 36 parameters, and `build` is the function it decorates.
    const source = [
      'import torch.nn as nn',
      'from beartype import beartype',
      'from fvcore.common.registry import Registry',
      "MODELS = Registry('models')",
      'class Net(nn.Module):',
      '    @beartype',
      '    def __init__(self, dim: int = 8):',
      '        super().__init__()',
      '        self.fc = nn.Linear(dim, 4)',
      '@MODELS.register()',
      '@beartype',
      'def build(dim=8):',
      '    return Net(dim)',
    ].join('\n')
    const a = files({ 'net.py': source }, 'net.py', 'build()')
    expect(a.params.total).toBe(36n)
    expect(a.notes).toContain('`@beartype` comes from `beartype`, which nnsize does not read: it is taken to return what it decorates (`__init__` in net.py).')
    expect(a.notes).toContain('`@MODELS.register()` comes from `fvcore`, which nnsize does not read: it is taken to return what it decorates (`build` in net.py).')
    expect(a.notes?.filter((n) => n.startsWith('`@beartype`'))).toHaveLength(1)
  })

  it('a module attribute set to what an unmodelled call returns is noted: its parameters would be missing', () => {
    const source = ['import torch.nn as nn', 'from xformers.components import Attention', 'class Net(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.fc = nn.Linear(2, 2)', "        self.attn = Attention(dim=2)", '        self.name = "net"'].join('\n')
    const a = files({ 'net.py': source }, 'net.py', 'Net()')
    expect(a.params.total).toBe(6n)
    expect(a.notes).toEqual(['`Net.attn` is set to what `xformers.components.Attention()` returns, from `xformers`, which nnsize does not read: if that is a module, its parameters and buffers are not counted.'])
    const skip = files({ 'net.py': 'import torch\nimport torch.nn as nn\nclass W(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = torch.nn.utils.skip_init(nn.Linear, 4, 8)\n        self.out = nn.Linear(2, 2)' }, 'net.py', 'W()')
    expect(skip.params.total).toBe(6n)
    expect(skip.notes).toEqual(['`W.fc` is set to what `torch.nn.utils.skip_init()` returns, which nnsize does not model yet: if that is a module, its parameters and buffers are not counted.'])
    // a name of a library nnsize models in part (timm's `Block`, which PyTorch counts 3,232 parameters of here)
    const block = files({ 'net.py': 'import torch.nn as nn\nfrom timm.models.vision_transformer import Block\nclass W(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.b = Block(16, 2)' }, 'net.py', 'W()')
    expect(block.notes).toEqual(['`W.b` is set to what `timm.models.vision_transformer.Block()` returns, which nnsize does not model yet: if that is a module, its parameters and buffers are not counted.'])
  })

  it('torchvision.__version__ is the release nnsize models (DETR gates on it with packaging.version)', () => {
    // torchvision 0.28.0+cu130 beside PyTorch 2.13.
    const source = ['import torchvision', 'import torch.nn as nn', 'from packaging import version', "assert version.parse(torchvision.__version__) >= version.parse('0.7')", "assert torchvision.__version__.startswith('0.28.')", 'm = nn.Linear(2, 2)'].join('\n')
    expect(files({ 'main.py': source }, 'main.py').params.total).toBe(6n)
  })

  it('never reads outside the given files: a relative import of a missing file is an error', () => {
    const e = failure(() => files({ 'pkg/a.py': 'from .missing import x' }, 'pkg/a.py', 'x'))
    expect(e.code).toBe('unsupported')
    const beyond = failure(() => files({ 'a.py': 'from . import b' }, 'a.py', 'b'))
    expect(beyond.code).toBe('import')
  })

  it('says what a relative import in a loose file needs, in words for any app: the file with its package folder', () => {
    const loose = failure(() => files({ 'unet_model.py': 'from .unet_parts import Block', 'unet_parts.py': '' }, 'unet_model.py'))
    expect(loose.code).toBe('import')
    expect(loose.message).toBe(
      'Attempted relative import with no known parent package: `unet_model.py` is at the top of the files, not inside a package folder. A relative import needs the file\'s package folder: give the files with the folder that holds them, so that its path reads `<package>/unet_model.py`.',
    )
    expect(loose.span).toEqual({ start: 0, end: 29, file: 'unet_model.py' })
    const rooted = failure(() => files({ 'src/unet_model.py': 'from . import parts' }, 'src/unet_model.py', undefined, 'src'))
    expect(rooted.message).toContain('`src/unet_model.py` is at the top of the import root `src`, not inside a package folder.')
    expect(rooted.message).toContain('so that its path below the import root reads `<package>/unet_model.py`.')
    // with the folder, the same files build: Python would import them so too
    expect(files({ 'unet/unet_model.py': 'from .unet_parts import Block\nmodel = Block(2, 3)', 'unet/unet_parts.py': 'import torch.nn as nn\nBlock = nn.Linear' }, 'unet/unet_model.py').params.total).toBe(9n)
    const text = failure(() => analyze('from . import parts'))
    expect(text.message).toBe("Attempted relative import with no known parent package: this text is not a file inside a package. A relative import needs the file's package folder: give the files with the folder that holds them.")
    expect(text.message).not.toMatch(/root|--|“/)
  })
})

describe('sys.modules', () => {
  it('is the running module at sys.modules[__name__], whose functions setattr replaces', () => {
    const zoo = [
      'import sys',
      'from functools import partial',
      'import torch.nn as nn',
      'def _net(width, classes):',
      '    return nn.Linear(width, classes)',
      'def net_small(*args, **kwargs) -> nn.Module: pass',
      'this = sys.modules[__name__]',
      'for name, width in zip(["small", "large"], [4, 8]):',
      '    setattr(this, f"net_{name}", partial(_net, width=width, classes=10))',
      'assert sys.maxsize == 2 ** 63 - 1 and sys.version_info >= (3, 8)',
      "assert sys.getdefaultencoding() == 'utf-8' and sys.getfilesystemencoding() == 'utf-8' and sys.platform == 'linux' and sys.byteorder == 'little'",
    ].join('\n')
    const r = files({ 'zoo/nets.py': zoo, 'zoo/__init__.py': 'from .nets import net_small, net_large\n' }, 'zoo/nets.py', 'net_large()')
    expect(r.params.total).toBe(90n)
  })
})

describe("a program's reader: files read on demand, as Python reads them", () => {
  const disk: Record<string, string> = {
    'unet/__init__.py': 'from .model import UNet\n',
    'unet/model.py': 'import torch.nn as nn\nfrom .parts import DoubleConv\nfrom layers.extra import Head\n\n\nclass UNet(nn.Module):\n    def __init__(self, c):\n        super().__init__()\n        self.inc = DoubleConv(c, 8)\n        self.head = Head(8)\n',
    'unet/parts.py': 'import torch.nn as nn\n\n\nclass DoubleConv(nn.Sequential):\n    def __init__(self, a, b):\n        super().__init__(nn.Conv2d(a, b, 3), nn.Conv2d(b, b, 3))\n',
    'unet/unused.py': 'this is not Python at all (\n',
    'layers/extra.py': 'import torch.nn as nn\n\n\nclass Head(nn.Module):\n    def __init__(self, c):\n        super().__init__()\n        self.out = nn.Conv2d(c, 1, 1)\n',
  }

  it('reads only the files the imports name, asks once for each missing one, and reports what it read', () => {
    const asked: string[] = []
    const readFile = (path: string): string | undefined => {
      asked.push(path)
      return disk[path]
    }
    const isFolder = (path: string): boolean => Object.keys(disk).some((p) => p.startsWith(`${path}/`))
    const r = analyze({ files: { 'unet/__init__.py': disk['unet/__init__.py']! }, main: 'unet/__init__.py', entry: 'UNet(3)', readFile, isFolder })
    // Conv2d(3, 8, 3) + Conv2d(8, 8, 3) + Conv2d(8, 1, 1)
    expect(r.params.total).toBe(224n + 584n + 9n)
    expect(r.filesRead).toEqual(['unet/__init__.py', 'unet/model.py', 'unet/parts.py', 'layers/extra.py'])
    expect(Object.keys(r.program!.files).sort()).toEqual(['layers/extra.py', 'unet/__init__.py', 'unet/model.py', 'unet/parts.py'])
    expect(r.program).not.toHaveProperty('readFile')
    // never the file nobody imports; `torch` is looked for among the program's files first, as Python does, once
    expect(asked).not.toContain('unet/unused.py')
    expect(asked.filter((p) => p === 'torch.py')).toEqual(['torch.py'])
  })
})

describe('syntax trees kept between runs (an app\'s cache, as `__pycache__`)', () => {
  /** A store over a map, counting what is read and written. */
  function memoryStore(entries = new Map<string, string>()) {
    const writes: string[] = []
    const keptTrees = {
      read: (path: string) => entries.get(path),
      write: (path: string, entry: () => string) => {
        writes.push(path)
        entries.set(path, entry())
      },
    }
    return { keptTrees, entries, writes }
  }
  const model = 'import torch.nn as nn\nfrom .parts import Block\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = Block(4)\n        self.b = nn.Linear(4, 2)\n'
  const parts = 'import torch.nn as nn\n\n\ndef Block(n):\n    return nn.Linear(n, n)\n'
  const program = (store: ReturnType<typeof memoryStore>, text = model) => analyze({ files: { 'net/model.py': text, 'net/parts.py': parts, 'net/__init__.py': '' }, main: 'net/model.py', entry: 'Net()', keptTrees: store.keptTrees })

  it('keeps the tree of each file parsed, and the next run on the same text uses it, with the same answer', () => {
    const store = memoryStore()
    const first = program(store)
    expect(first.params.total).toBe(20n + 10n)
    expect(store.writes).toEqual(['net/__init__.py', 'net/model.py', 'net/parts.py', '<entry>'])
    const again = memoryStore(store.entries)
    const second = program(again)
    expect(again.writes).toEqual([])
    expect(second.tensors.map((t) => [t.name, t.shape])).toEqual(first.tensors.map((t) => [t.name, t.shape]))
    expect(second.program).not.toHaveProperty('keptTrees')
  })

  it('uses a kept tree only for the exact text it was made from: an edited file is parsed again and kept anew', () => {
    const store = memoryStore()
    program(store)
    const edited = model.replace('nn.Linear(4, 2)', 'nn.Linear(4, 3)')
    const again = memoryStore(store.entries)
    expect(program(again, edited).params.total).toBe(20n + 15n)
    expect(again.writes).toEqual(['net/model.py'])
  })

  it('keeps the entry expression too, and parses a new one', () => {
    const store = memoryStore()
    const build = (entry: string) => analyze({ files: { 'm.py': 'import torch.nn as nn\n\n\ndef net(n):\n    return nn.Linear(n, n)\n' }, main: 'm.py', entry, keptTrees: store.keptTrees })
    expect(build('net(3)').params.total).toBe(12n)
    store.writes.length = 0
    expect(build('net(3)').params.total).toBe(12n)
    expect(store.writes).toEqual([])
    expect(build('net(4)').params.total).toBe(20n)
    expect(store.writes).toEqual(['<entry>'])
    // the kept entry answers for its own text only (this one claims `net(3)` but holds `net(5)`, to show it is used)
    store.entries.set('<entry>', keptTreeEntry('net(3)', parseExpression('net(5)')))
    expect(build('net(3)').params.total).toBe(30n)
    store.entries.set('<entry>', keptTreeEntry('net(3)', parseExpression('net(5)')))
    expect(build('net(4)').params.total).toBe(20n)
  })

  it('answers from the kept tree, not from a parse, when one is given for the text', () => {
    // an entry that claims the file's text but holds another tree shows which one the run used
    const other = model.replace('nn.Linear(4, 2)', 'nn.Linear(4, 7)')
    const entries = new Map([['net/model.py', keptTreeEntry(model, parse(other))]])
    expect(program(memoryStore(entries)).params.total).toBe(20n + 35n)
  })
})
