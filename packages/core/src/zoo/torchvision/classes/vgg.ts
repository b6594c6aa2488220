import { any } from '../../../bind/args.js'
import { relu } from '../../../layers/activation.js'
import { sequential } from '../../../layers/containers.js'
import { conv2d } from '../../../layers/conv.js'
import { dropout } from '../../../layers/dropout.js'
import { linear } from '../../../layers/linear.js'
import { batchNorm2d } from '../../../layers/norm.js'
import { adaptiveAvgPool2d, maxPool2d } from '../../../layers/pool.js'
import { newDict, dictSet } from '../../../interpret/hash.js'
import { FALSE, TRUE, float, int, list, str, tuple } from '../../../contract/values.js'
import type { Value } from '../../../contract/values.js'
import { nnClass, once, pyFunction, torchvisionClass } from './kit.js'
import { configs } from '../vgg.js'

/**
 * `torchvision.models.vgg` of torchvision 0.28 as model files use it: `VGG(features, num_classes=1000,
 * init_weights=True, dropout=0.5)`, `make_layers(cfg, batch_norm=False)` and the configurations `cfgs` (`'A'`,
 * `'B'`, `'D'`, `'E'`). (Weight initialisation changes no size and is left out.)
 */

const MODULE = 'torchvision.models.vgg'

const vgg = once(() =>
  torchvisionClass({
    name: 'VGG',
    module: MODULE,
    signature: [any('features'), any('num_classes', { default: int(1000) }), any('init_weights', { default: TRUE }), any('dropout', { default: float(0.5) })],
    init(py, self, a) {
      py.set(self, 'features', a['features']!)
      py.set(self, 'avgpool', py.call(nnClass(adaptiveAvgPool2d), [tuple([int(7), int(7)])]))
      const drop = (): Value => py.call(nnClass(dropout), [], { p: a['dropout']! })
      py.set(
        self,
        'classifier',
        py.call(nnClass(sequential), [
          py.call(nnClass(linear), [int(512 * 7 * 7), int(4096)]),
          py.call(nnClass(relu), [TRUE]),
          drop(),
          py.call(nnClass(linear), [int(4096), int(4096)]),
          py.call(nnClass(relu), [TRUE]),
          drop(),
          py.call(nnClass(linear), [int(4096), a['num_classes']!]),
        ]),
      )
    },
    forward(py, self, x) {
      const pooled = py.chain(self, ['features', 'avgpool'], x)
      return py.call(py.get(self, 'classifier'), [py.call(py.torch('flatten'), [pooled, int(1)])])
    },
  }),
)

/**
 * `make_layers(cfg, batch_norm=False)`: for each entry of `cfg`, `'M'` adds `nn.MaxPool2d(kernel_size=2, stride=2)`,
 * a number `v` a 3×3 `nn.Conv2d` to `v` channels (padding 1), then `nn.BatchNorm2d(v)` with `batch_norm`, and
 * `nn.ReLU(inplace=True)`; an `nn.Sequential` of them, from 3 input channels.
 */
const makeLayers = once(() =>
  pyFunction(`${MODULE}.make_layers`, [any('cfg'), any('batch_norm', { default: FALSE })], (py, a) => {
    const layers: Value[] = []
    let inChannels: Value = int(3)
    const batchNorm = py.truthy(a['batch_norm']!)
    for (const v of py.items(a['cfg']!)) {
      if (py.is('Eq', v, str('M'))) {
        layers.push(py.call(nnClass(maxPool2d), [], { kernel_size: int(2), stride: int(2) }))
        continue
      }
      layers.push(py.call(nnClass(conv2d), [inChannels, v], { kernel_size: int(3), padding: int(1) }))
      if (batchNorm) layers.push(py.call(nnClass(batchNorm2d), [v]))
      layers.push(py.call(nnClass(relu), [], { inplace: TRUE }))
      inChannels = v
    }
    return py.call(nnClass(sequential), layers)
  }),
)

/** `cfgs`: a new dict of the configurations, as lists. */
function cfgs(): Value {
  const dict = newDict()
  for (const [key, entries] of Object.entries(configs)) dictSet(dict, str(key), list(entries.map((v) => (v === 'M' ? str('M') : int(v)))), undefined)
  return dict
}

/** The class `VGG` (also a name of `torchvision.models`). */
export function vggClass(): Value {
  return vgg().value
}

/** The names `torchvision.models.vgg` defines besides its builders and weights (made on first use). */
export function vggMembers(): Record<string, () => Value> {
  return { VGG: vggClass, make_layers: makeLayers, cfgs }
}
