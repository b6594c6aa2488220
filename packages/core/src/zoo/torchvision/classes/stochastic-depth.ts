import { any } from '../../../bind/args.js'
import { float, int, list, str } from '../../../contract/values.js'
import type { Value } from '../../../contract/values.js'
import { once, torchvisionClass } from './kit.js'
import type { Py } from './kit.js'

/**
 * `torchvision.ops.StochasticDepth(p, mode)` of torchvision 0.28 (no parameters), which EfficientNet's blocks hold.
 * Its forward runs torchvision's `stochastic_depth(input, p, mode, training)`: while training with `p > 0` the input
 * is multiplied by a noise tensor, `torch.empty(size).bernoulli_(1 - p)` divided in place by `1 - p`, of shape
 * `(N, 1, …)` (`'row'`) or `(1, …)` (`'batch'`), which autograd keeps (as the builders' `StochasticDepth` counts it);
 * otherwise the input itself is returned.
 */

const MODULE = 'torchvision.ops.stochastic_depth'

/** `stochastic_depth(input, p, mode, training)` as torchvision's Python runs it. */
function stochasticDepthOf(py: Py, input: Value, p: Value, mode: Value, training: Value): Value {
  if (py.is('Lt', p, float(0)) || py.is('Gt', p, float(1))) py.valueError(`drop probability has to be between 0 and 1, but got ${py.it.str(p, py.span)}`)
  if (!py.is('In', mode, list([str('batch'), str('row')]))) py.valueError(`mode has to be either 'batch' or 'row', but got ${py.it.str(mode, py.span)}`)
  if (!py.truthy(training) || py.is('Eq', p, float(0))) return input
  const survivalRate = py.op('Sub', float(1), p)
  const ndim = py.count(py.get(input, 'ndim'), 'ndim')
  const size = py.is('Eq', mode, str('row')) ? [py.item(py.get(input, 'shape'), 0), ...new Array<Value>(Math.max(0, ndim - 1)).fill(int(1))] : new Array<Value>(ndim).fill(int(1))
  let noise = py.call(py.torch('empty'), [list(size)], { dtype: py.get(input, 'dtype'), device: py.get(input, 'device') })
  noise = py.method(noise, 'bernoulli_', [survivalRate])
  if (py.is('Gt', survivalRate, float(0))) py.method(noise, 'div_', [survivalRate])
  return py.op('Mult', input, noise)
}

const stochasticDepth = once(() =>
  torchvisionClass({
    name: 'StochasticDepth',
    module: MODULE,
    signature: [any('p'), any('mode')],
    init(py, self, a) {
      py.set(self, 'p', a['p']!)
      py.set(self, 'mode', a['mode']!)
    },
    forwardArg: 'input',
    forward: (py, self, input) => stochasticDepthOf(py, input, py.get(self, 'p'), py.get(self, 'mode'), py.get(self, 'training')),
    methods: {
      __repr__: {
        signature: [],
        call: (py, self) => str(`${py.it.str(py.get(py.get(self, '__class__'), '__name__'), py.span)}(p=${py.it.str(py.get(self, 'p'), py.span)}, mode=${py.it.str(py.get(self, 'mode'), py.span)})`),
      },
    },
  }),
)

/** The class `torchvision.ops.StochasticDepth` (also a name of `torchvision.models.efficientnet`). */
export function stochasticDepthClass(): Value {
  return stochasticDepth().value
}

