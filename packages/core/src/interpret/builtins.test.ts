import { describe, expect, it } from 'vitest'
import { files, python, pythonError } from '../../test/interpret.js'

describe('globals()', () => {
  it("looks builders up by name in the calling module (gen-efficientnet's `globals()[model_name]`)", () => {
    const source = [
      'import torch.nn as nn',
      'def tiny(num_classes=10):',
      '    return nn.Sequential(nn.Conv2d(3, 8, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, num_classes))',
      'def create_model(name, **kwargs):',
      '    if name in globals():',
      '        return globals()[name](**kwargs)',
      "    raise RuntimeError('Unknown model (%s)' % name)",
    ].join('\n')
    // PyTorch 2.13: 269 parameters (Conv2d(3, 8, 3) 224, Linear(8, 5) 45).
    expect(files({ 'm.py': source }, 'm.py', "create_model('tiny', num_classes=5)").params.total).toBe(269n)
  })

  it("is the globals of the module a function was defined in, and writes through it bind the module's names", () => {
    const factory = [
      'import torch.nn as nn',
      'def small(num_classes=10):',
      '    return nn.Linear(4, num_classes)',
      'def create(name, **kwargs):',
      "    assert name in globals() and 'main_only' not in globals()",
      '    return globals()[name](**kwargs)',
      'def register(name, width):',
      '    globals()[name] = lambda num_classes=10: nn.Linear(width, num_classes)',
    ].join('\n')
    const main = [
      'import torch.nn as nn',
      'from pkg.factory import create, register',
      'from pkg import factory',
      'main_only = 1',
      'def tiny(num_classes=10):',
      '    return nn.Sequential(nn.Conv2d(3, 8, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, num_classes))',
      'def create_model(name, **kwargs):',
      '    if name in globals():',
      '        return globals()[name](**kwargs)',
      '    return create(name, **kwargs)',
      'g = globals()',
      "assert g['main_only'] == 1 and g.get('missing') is None and '__name__' in g and 'tiny' in g",
      "register('wide', 16)",
      'assert factory.wide(3).out_features == 3',
      "globals()['later'] = 5",
      'assert later == 5',
      'def model():',
      "    return nn.ModuleList([create_model('tiny', num_classes=5), create_model('small', num_classes=3), create_model('wide')])",
    ].join('\n')
    // PyTorch 2.13: 454 parameters (269 for tiny(5), 15 for small(3), 170 for wide()).
    expect(files({ 'main.py': main, 'pkg/__init__.py': '', 'pkg/factory.py': factory }, 'main.py', 'model()').params.total).toBe(454n)
  })

  it('is live: names bound after the call are in it, and update and setdefault bind names', () => {
    // As Python 3.11 runs it.
    python(`
g = globals()
g.update(a=1, b=2)
assert a + b == 3
g.setdefault('c', 4)
assert c == 4
x = 7
assert 'x' in g and g['x'] == 7 and globals()['x'] == 7
x = 8
assert g['x'] == 8 and len(g) == len(globals())
`)
  })

  it('refuses deleting names through it, pointing at the globals() call', () => {
    const source = "x = 1\ndef f():\n    del globals()['x']\nf()"
    const deleted = pythonError(source)
    expect(deleted.code).toBe('unsupported')
    expect(deleted.message).toBe("Deleting names through the dict `globals()` gave is not supported yet; bind or delete the module's names with `global name` in a function instead.")
    expect(source.slice(deleted.span!.start, deleted.span!.end)).toBe('globals()')
    expect(pythonError('globals().clear()').code).toBe('unsupported')
    expect(pythonError('globals()[1] = 2').message).toContain('Setting a key that is not a string through the dict `globals()` gave')
    expect(pythonError('globals(1)').message).toBe('`globals()` takes 0 arguments (1 given).')
  })
})
