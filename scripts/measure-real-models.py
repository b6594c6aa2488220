"""Measures the real model files of packages/core/test/fixtures/real with PyTorch, as ../shared/reference/CODE.md
measures code.jsonl, and prints one JSON line per case (packages/core/test/fixtures/real/cases.jsonl):

    python scripts/measure-real-models.py > packages/core/test/fixtures/real/cases.jsonl

Each case imports `module` with `<fixture folder>/<import_root>` first on `sys.path` (as
`python -c "import <module>"` run from that folder would), evaluates `entry` in the module's namespace, and
measures the model: counts, names and shapes (`named_parameters()` / `named_buffers()` order), the output of one
training-mode forward call `m(*inputs)`, the bytes autograd saves for backward (every tensor handed to the pack
hook of `torch.autograd.graph.saved_tensors_hooks`, grouped by storage, each storage once at its full size;
parameters and buffers never, inputs only in `_incl_input`), and the FLOPs of a second call as
`torch.utils.flop_counter.FlopCounterMode` counts them. Seeds, inputs and conventions are CODE.md's.
Tests never run this script: they read its output.
"""
import importlib
import json
import os
import random
import sys

import numpy
import torch
import torch.nn as nn
from torch.utils.flop_counter import FlopCounterMode

torch.set_num_threads(1)
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'packages', 'core', 'test', 'fixtures', 'real')

REPOS = {
    'kuangliu-pytorch-cifar': {'repo': 'kuangliu/pytorch-cifar', 'commit': '49b7aa97b0c12fe0d4054e670403a16b6b834ddd', 'license': 'MIT'},
    'akamaster-pytorch_resnet_cifar10': {'repo': 'akamaster/pytorch_resnet_cifar10', 'commit': 'd5489e8995e81e91ce6b1d69dcc98ad579b0b153', 'license': 'BSD-2-Clause'},
    'chenyaofo-pytorch-cifar-models': {'repo': 'chenyaofo/pytorch-cifar-models', 'commit': '786c16252c0fc58ee9adac063f8337cc4a7a497a', 'license': 'BSD-3-Clause'},
    'huyvnphan-PyTorch_CIFAR10': {'repo': 'huyvnphan/PyTorch_CIFAR10', 'commit': '641cac24371b17052b9bb6e56af1c83b5e97cd7f', 'license': 'MIT'},
    'AntixK-PyTorch-VAE': {'repo': 'AntixK/PyTorch-VAE', 'commit': 'a6896b944c918dd7030e7d795a8c13e5c6345ec7', 'license': 'Apache-2.0'},
    'bearpaw-pytorch-classification': {'repo': 'bearpaw/pytorch-classification', 'commit': '24f1c456f48c78133088c4eefd182ca9e6199b03', 'license': 'MIT'},
    'xternalz-WideResNet-pytorch': {'repo': 'xternalz/WideResNet-pytorch', 'commit': '1171f93d5a9ae28eb5e603e5e7545f488d0df6ab', 'license': 'MIT'},
    '4uiiurz1-pytorch-nested-unet': {'repo': '4uiiurz1/pytorch-nested-unet', 'commit': '557ea02f0b5d45ec171aae2282d2cd21562a633e', 'license': 'MIT'},
    'jvanvugt-pytorch-unet': {'repo': 'jvanvugt/pytorch-unet', 'commit': '7e577223d048ace32c35c3f1e18f36cc9a8d1971', 'license': 'MIT'},
    'd-li14-mobilenetv3.pytorch': {'repo': 'd-li14/mobilenetv3.pytorch', 'commit': '3e6938cedcbbc5ee5bc50780ea18e644702d85fc', 'license': 'MIT'},
}

CIFAR = [2, 3, 32, 32]


def case(dir, main, entry, input_shape=None, **extra):
    return {'dir': dir, 'main': main, 'entry': entry, 'input_shape': input_shape, **extra}


def kuangliu(file, entry, **extra):
    return case('kuangliu-pytorch-cifar', f'models/{file}.py', entry, CIFAR, **extra)


CASES = [
    kuangliu('dla', 'DLA()'),
    kuangliu('dla_simple', 'SimpleDLA()'),
    kuangliu('dpn', 'DPN26()'),
    kuangliu('dpn', 'DPN92()'),
    kuangliu('efficientnet', 'EfficientNetB0()'),
    kuangliu('regnet', 'RegNetX_200MF()'),
    kuangliu('regnet', 'RegNetX_400MF()'),
    kuangliu('regnet', 'RegNetY_400MF()'),
    kuangliu('pnasnet', 'PNASNetA()'),
    kuangliu('pnasnet', 'PNASNetB()'),
    kuangliu('shufflenet', 'ShuffleNetG2()'),
    kuangliu('shufflenet', 'ShuffleNetG3()'),
    kuangliu('shufflenetv2', 'ShuffleNetV2(1)'),
    kuangliu('shufflenetv2', 'ShuffleNetV2(0.5)'),
    kuangliu('mobilenet', 'MobileNet()'),
    kuangliu('densenet', 'DenseNet121()'),
    kuangliu('densenet', 'densenet_cifar()'),
    kuangliu('senet', 'SENet18()'),
    kuangliu('preact_resnet', 'PreActResNet50()'),
    kuangliu('resnext', 'ResNeXt29_2x64d()'),
    kuangliu('resnet', 'ResNet50()'),
    kuangliu('googlenet', 'GoogLeNet()'),
    kuangliu('vgg', "VGG('VGG11')"),
    case('akamaster-pytorch_resnet_cifar10', 'resnet.py', 'resnet20()', CIFAR),
    case('akamaster-pytorch_resnet_cifar10', 'resnet.py', 'resnet56()', CIFAR),
    case('akamaster-pytorch_resnet_cifar10', 'resnet.py', 'resnet1202()', None),
    case('chenyaofo-pytorch-cifar-models', 'pytorch_cifar_models/resnet.py', 'cifar10_resnet20()', CIFAR),
    case('chenyaofo-pytorch-cifar-models', 'pytorch_cifar_models/resnet.py', 'cifar100_resnet56()', CIFAR),
    case('chenyaofo-pytorch-cifar-models', 'pytorch_cifar_models/vgg.py', 'cifar10_vgg11_bn()', CIFAR),
    case('chenyaofo-pytorch-cifar-models', 'pytorch_cifar_models/mobilenetv2.py', 'cifar10_mobilenetv2_x0_5()', CIFAR),
    case('chenyaofo-pytorch-cifar-models', 'pytorch_cifar_models/shufflenetv2.py', 'cifar10_shufflenetv2_x1_0()', CIFAR),
    case('chenyaofo-pytorch-cifar-models', 'pytorch_cifar_models/repvgg.py', 'cifar10_repvgg_a0()', CIFAR),
    case('huyvnphan-PyTorch_CIFAR10', 'cifar10_models/resnet.py', 'resnet18()', CIFAR),
    case('huyvnphan-PyTorch_CIFAR10', 'cifar10_models/resnet.py', 'resnet50()', CIFAR),
    case('huyvnphan-PyTorch_CIFAR10', 'cifar10_models/vgg.py', 'vgg11_bn()', CIFAR),
    case('huyvnphan-PyTorch_CIFAR10', 'cifar10_models/mobilenetv2.py', 'mobilenet_v2()', CIFAR),
    case('huyvnphan-PyTorch_CIFAR10', 'cifar10_models/densenet.py', 'densenet121()', CIFAR),
    case('huyvnphan-PyTorch_CIFAR10', 'cifar10_models/googlenet.py', 'googlenet()', CIFAR),
    case('huyvnphan-PyTorch_CIFAR10', 'cifar10_models/inception.py', 'inception_v3()', CIFAR),
    case('AntixK-PyTorch-VAE', 'models/vanilla_vae.py', 'VanillaVAE(3, 128)', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/beta_vae.py', 'BetaVAE(3, 10)', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/vq_vae.py', 'VQVAE(3, 64, 512)', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/betatc_vae.py', 'BetaTCVAE(3, 64, anneal_steps= 100)', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/cat_vae.py', 'CategoricalVAE(3, 10)', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/dip_vae.py', 'DIPVAE(3, 64)', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/fvae.py', 'FactorVAE(3, 10)', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/gamma_vae.py', 'GammaVAE(3, 10)', None),
    case('AntixK-PyTorch-VAE', 'models/hvae.py', 'HVAE(3, latent1_dim=10, latent2_dim=20)', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/iwae.py', 'IWAE(3, 10)', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/joint_vae.py', 'JointVAE(3, 10, 40, 0.0)', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/logcosh_vae.py', 'LogCoshVAE(3, 10, alpha=10)', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/lvae.py', 'LVAE(3, [4,8,16,32,128], hidden_dims=[32, 64,128, 256, 512])', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/miwae.py', 'MIWAE(3, 10)', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/mssim_vae.py', 'MSSIMVAE(3, 10)', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/swae.py', 'SWAE(3, 10, reg_weight = 100)', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/wae_mmd.py', 'WAE_MMD(3, 10, reg_weight = 100)', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/info_vae.py', 'InfoVAE(3, 10)', [2, 3, 64, 64]),
    case('AntixK-PyTorch-VAE', 'models/vampvae.py', 'VampVAE(3, latent_dim=10)', [2, 3, 64, 64]),
    case('bearpaw-pytorch-classification', 'models/cifar/alexnet.py', 'alexnet(num_classes=10)', CIFAR),
    case('bearpaw-pytorch-classification', 'models/cifar/vgg.py', 'vgg19_bn(num_classes=100)', CIFAR),
    case('bearpaw-pytorch-classification', 'models/cifar/resnet.py', 'resnet(depth=110, num_classes=10)', CIFAR),
    case('bearpaw-pytorch-classification', 'models/cifar/resnet.py', "resnet(depth=164, num_classes=100, block_name='Bottleneck')", CIFAR),
    case('bearpaw-pytorch-classification', 'models/cifar/preresnet.py', 'preresnet(depth=110, num_classes=10)', CIFAR),
    case('bearpaw-pytorch-classification', 'models/cifar/resnext.py', 'resnext(cardinality=8, depth=29, num_classes=10, widen_factor=4, dropRate=0)', CIFAR),
    case('bearpaw-pytorch-classification', 'models/cifar/wrn.py', 'wrn(depth=28, widen_factor=10, dropRate=0.3, num_classes=10)', CIFAR),
    case('bearpaw-pytorch-classification', 'models/cifar/densenet.py', 'densenet(depth=100, growthRate=12, num_classes=10)', CIFAR),
    case('bearpaw-pytorch-classification', 'models/cifar/densenet.py', 'densenet(depth=40, growthRate=12, dropRate=0.2)', CIFAR),
    case('bearpaw-pytorch-classification', 'models/imagenet/resnext.py', 'resnext50(4, 32)', [2, 3, 224, 224]),
    case('xternalz-WideResNet-pytorch', 'wideresnet.py', 'WideResNet(28, 10, widen_factor=10, dropRate=0.3)', CIFAR),
    case('4uiiurz1-pytorch-nested-unet', 'archs.py', 'UNet(num_classes=1, input_channels=3)', [2, 3, 96, 96]),
    case('4uiiurz1-pytorch-nested-unet', 'archs.py', 'NestedUNet(num_classes=1, input_channels=3)', [2, 3, 96, 96]),
    case('4uiiurz1-pytorch-nested-unet', 'archs.py', 'NestedUNet(num_classes=2, input_channels=1, deep_supervision=True)', [2, 1, 64, 64]),
    case('jvanvugt-pytorch-unet', 'unet.py', 'UNet(depth=5, wf=3)', [1, 1, 188, 188]),
    case('jvanvugt-pytorch-unet', 'unet.py', "UNet(in_channels=3, n_classes=4, depth=4, wf=4, padding=True, batch_norm=True, up_mode='upsample')", [2, 3, 64, 64]),
    case('d-li14-mobilenetv3.pytorch', 'mobilenetv3.py', 'mobilenetv3_large()', [2, 3, 224, 224]),
    case('d-li14-mobilenetv3.pytorch', 'mobilenetv3.py', 'mobilenetv3_small(num_classes=10, width_mult=0.75)', [2, 3, 224, 224]),
]


def storage(t):
    s = t.untyped_storage()
    return s.data_ptr(), s.nbytes()


def flatten(out, structure):
    """The tensors of an output in order (tuples, lists and dict values flattened, None skipped), and its structure."""
    if isinstance(out, torch.Tensor):
        return [out], 'T'
    if out is None:
        return [], 'None'
    if isinstance(out, (tuple, list)):
        parts = [flatten(o, structure) for o in out]
        inner = ', '.join(p[1] for p in parts)
        return [t for p in parts for t in p[0]], f'({inner})' if isinstance(out, tuple) else f'[{inner}]'
    if isinstance(out, dict):
        parts = [(k, flatten(v, structure)) for k, v in out.items()]
        return [t for _, p in parts for t in p[0]], '{' + ', '.join(f'{k}: {p[1]}' for k, p in parts) + '}'
    return [], type(out).__name__


def dtype_name(dtype):
    return str(dtype).removeprefix('torch.')


def totals(tensors):
    out = {}
    for t in tensors:
        out[dtype_name(t.dtype)] = out.get(dtype_name(t.dtype), 0) + t.numel()
    return out


def seed():
    random.seed(0)
    numpy.random.seed(0)
    torch.manual_seed(0)


def inputs(c):
    g = torch.Generator().manual_seed(0)
    return [torch.randn(c['input_shape'], generator=g, requires_grad=True)]


def measure(c, root=None):
    root = root or os.path.join(HERE, c['dir'])
    for name in [n for n in sys.modules if n.split('.')[0] in ('models', 'resnet', 'pytorch_cifar_models', 'cifar10_models', 'wideresnet', 'archs', 'unet', 'mobilenetv3')]:
        del sys.modules[name]
    sys.path.insert(0, root)
    try:
        seed()
        module_name = c['main'].removesuffix('.py').replace('/', '.')
        module = importlib.import_module(module_name)
        seed()
        m = eval(c['entry'], vars(module))
    finally:
        sys.path.remove(root)
    loaded = sorted(os.path.relpath(mod.__file__, root) for mod in list(sys.modules.values()) if getattr(mod, '__file__', None) and os.path.isabs(mod.__file__) and os.path.abspath(mod.__file__).startswith(os.path.abspath(root) + os.sep))
    meta = REPOS.get(c['dir'], {'repo': c['dir'], 'commit': None, 'license': None})
    record = {
        'id': f"{meta['repo']}/{c['main']}/{c['entry']}",
        'source': {'repo': meta['repo'], 'commit': meta['commit'], 'paths': loaded, 'license': meta['license']},
        'dir': c['dir'],
        'main': c['main'],
        'import_root': '',
        'module': module_name,
        'entry': c['entry'],
    }
    params = list(m.parameters())
    buffers = list(m.buffers())
    record.update({
        'params': sum(p.numel() for p in params),
        'trainable_params': sum(p.numel() for p in params if p.requires_grad),
        'param_bytes': sum(p.numel() * p.element_size() for p in params),
        'param_tensors': len(params),
        'param_dtypes': totals(params),
        'buffers': sum(b.numel() for b in buffers),
        'buffer_bytes': sum(b.numel() * b.element_size() for b in buffers),
        'buffer_tensors': len(buffers),
        'buffer_dtypes': totals(buffers),
    })
    non_persistent = [n for n, b in m.named_buffers() if n.rsplit('.', 1)[-1] in getattr(m.get_submodule(n.rpartition('.')[0]) if '.' in n else m, '_non_persistent_buffers_set', set())]
    if non_persistent:
        record['non_persistent_buffers'] = non_persistent
    groups = {}
    for n, p in m.named_parameters(remove_duplicate=False):
        groups.setdefault(id(p), []).append(n)
    tied = [g for g in groups.values() if len(g) > 1]
    if tied:
        record['tied_params'] = tied
    frozen = [n for n, p in m.named_parameters() if not p.requires_grad]
    if frozen:
        record['frozen_params'] = frozen
    record['param_shapes'] = {n: list(p.shape) for n, p in m.named_parameters()}
    record['buffer_shapes'] = {n: list(b.shape) for n, b in m.named_buffers()}
    if c['input_shape'] is None:
        return record
    record['input_shape'] = c['input_shape']
    record['mode'] = 'train'
    m.train()
    xs = inputs(c)
    saved = {}
    keep = []

    def pack(t):
        keep.append(t)
        ptr, n = storage(t)
        saved[ptr] = n
        return t

    seed()
    try:
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            y = m(*xs)
    except Exception as error:  # a forward PyTorch itself refuses: the case records the error
        record['forward_error'] = f'{type(error).__name__}: {error}'
        return record
    state = {storage(t)[0] for t in [*params, *buffers]}
    given = {storage(t)[0] for t in xs}
    tensors, structure = flatten(y, None)
    record['saved_activation_bytes'] = sum(n for p, n in saved.items() if p not in state and p not in given)
    record['saved_activation_bytes_incl_input'] = sum(n for p, n in saved.items() if p not in state)
    record['output_shape'] = list(tensors[0].shape)
    record['output_dtype'] = dtype_name(tensors[0].dtype)
    if structure != 'T':
        record['output_structure'] = structure
        record['output_shapes'] = [list(t.shape) for t in tensors]
    del y, keep, saved
    xs = inputs(c)
    seed()
    counter = FlopCounterMode(display=False)
    with counter:
        m(*xs)
    record['flops_fwd_flopcounter'] = counter.get_total_flops()
    record['flops_fwd_by_op'] = {str(op): n for op, n in sorted(counter.get_flop_counts()['Global'].items(), key=lambda kv: str(kv[0])) if n}
    return record


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else None
    for c in CASES:
        if only and only not in c['entry'] and only not in c['dir']:
            continue
        try:
            record = measure(c)
        except Exception as error:  # a file PyTorch itself refuses: the case records the error
            meta = REPOS[c['dir']]
            record = {'id': f"{meta['repo']}/{c['main']}/{c['entry']}", 'source': {'repo': meta['repo'], 'commit': meta['commit'], 'paths': [c['main']], 'license': meta['license']},
                      'dir': c['dir'], 'main': c['main'], 'import_root': '', 'module': c['main'].removesuffix('.py').replace('/', '.'), 'entry': c['entry'],
                      'error': f'{type(error).__name__}: {error}'}
        print(json.dumps(record), flush=True)


if __name__ == '__main__':
    main()
