"""Writes the timm structure fixtures of nnsize's tests (run with PyTorch 2.13 and timm 1.0.29).

    python generate.py MODULES [FULL]

MODULES: comma-separated timm modules (`resnet,convnext,...`); FULL: comma-separated models whose
whole listings are kept. Each model is built with `timm.create_model(name, pretrained=False)` on
the meta device (on the CPU where the meta device lacks an op, as for RegNet). `structure.jsonl` holds, per model, the parameter and buffer totals and the count
and hash of four listings (`listings`); `listings.jsonl` the listings themselves for the FULL models:

- state_dict:  `name:shape:dtype` in `state_dict()` order
- parameters:  `name:shape:dtype:requires_grad` in `named_parameters()` order
- buffers:     `name:shape:dtype:persistent` in `named_buffers()` order
- modules:     `name:Class` in `named_modules()` order

A hash is the first 16 hex digits of the SHA-256 of the lines joined by newlines.
"""
import hashlib
import json
import sys

import timm
import torch
from timm.models import _registry


def digest(lines):
    return hashlib.sha256('\n'.join(lines).encode()).hexdigest()[:16]


def dtype(t):
    return str(t.dtype).replace('torch.', '')


def shape(t):
    return ','.join(map(str, t.shape))


def listings(model):
    state = model.state_dict()
    return {
        'state_dict': [f'{k}:{shape(v)}:{dtype(v)}' for k, v in state.items()],
        'parameters': [f'{k}:{shape(v)}:{dtype(v)}:{int(v.requires_grad)}' for k, v in model.named_parameters()],
        'buffers': [f'{k}:{shape(v)}:{dtype(v)}:{int(k in state)}' for k, v in model.named_buffers()],
        'modules': [f'{k}:{type(v).__name__}' for k, v in model.named_modules()],
    }


def main():
    modules = set(sys.argv[1].split(','))
    full = set(sys.argv[2].split(',')) if len(sys.argv) > 2 else set()
    names = sorted((n for n in timm.list_models() if _registry._model_to_module[n] in modules), key=lambda n: (_registry._model_to_module[n], n))
    with open('structure.jsonl', 'w') as out, open('listings.jsonl', 'w') as whole:
        for name in names:
            try:
                with torch.device('meta'):
                    model = timm.create_model(name, pretrained=False)
            except NotImplementedError:
                # RegNet computes its widths with an op the meta device lacks: build it on the CPU.
                model = timm.create_model(name, pretrained=False)
            lists = listings(model)
            record = {
                'name': name,
                'module': _registry._model_to_module[name],
                'params': sum(p.numel() for p in model.parameters()),
                'buffers': sum(b.numel() for b in model.buffers()),
                'listings': {key: [len(lines), digest(lines)] for key, lines in lists.items()},
            }
            out.write(json.dumps(record) + '\n')
            if name in full:
                whole.write(json.dumps({'name': name, **lists}) + '\n')


if __name__ == '__main__':
    main()
