import { describe, expect, it } from 'vitest'
import { analyze } from '../../index.js'

const prelude = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n'

/** Shapes, dtypes and saved bytes of a traced call (`m.method(x[0])`) on a CPU input of `input`. */
function traced(source: string, input: string, call: string): { shapes: number[][]; dtypes: string[]; saved: bigint } {
  const forward = analyze(source, { input, device: 'cpu', call }).forward!
  return { shapes: forward.outputShapes, dtypes: forward.outputs.map((t) => t.dtype), saved: forward.savedBytes }
}

/** Runs a program's statements while the model is built (its `assert`s must hold). */
function build(statements: string): void {
  analyze(`${prelude}from torch.distributions import *\n${statements}\nmodel = nn.Linear(1, 1)\n`)
}

// Saved bytes below were measured in PyTorch 2.13 (CPU) with saved-tensor hooks: the distinct storages autograd keeps,
// parameters, buffers and the input (requiring grad) left out, as `--verify` measures them.

const sacActor = `${prelude}LOG_STD_MAX = 2
LOG_STD_MIN = -5


class Actor(nn.Module):
    def __init__(self, obs_dim=11, act_dim=3):
        super().__init__()
        self.fc1 = nn.Linear(obs_dim, 256)
        self.fc2 = nn.Linear(256, 256)
        self.fc_mean = nn.Linear(256, act_dim)
        self.fc_logstd = nn.Linear(256, act_dim)
        self.register_buffer("action_scale", torch.ones(act_dim))
        self.register_buffer("action_bias", torch.zeros(act_dim))

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        mean = self.fc_mean(x)
        log_std = torch.tanh(self.fc_logstd(x))
        log_std = LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (log_std + 1)
        return mean, log_std

    def get_action(self, x):
        mean, log_std = self(x)
        std = log_std.exp()
        normal = torch.distributions.Normal(mean, std)
        x_t = normal.rsample()
        y_t = torch.tanh(x_t)
        action = y_t * self.action_scale + self.action_bias
        log_prob = normal.log_prob(x_t)
        log_prob -= torch.log(self.action_scale * (1 - y_t.pow(2)) + 1e-6)
        log_prob = log_prob.sum(1, keepdim=True)
        mean = torch.tanh(mean) * self.action_scale + self.action_bias
        return action, log_prob, mean


model = Actor()
`

const ppoAgent = `${prelude}import numpy as np
from torch.distributions.categorical import Categorical


def layer_init(layer, std=np.sqrt(2), bias_const=0.0):
    torch.nn.init.orthogonal_(layer.weight, std)
    torch.nn.init.constant_(layer.bias, bias_const)
    return layer


class Agent(nn.Module):
    def __init__(self, obs_dim=4, n_actions=2):
        super().__init__()
        self.critic = nn.Sequential(layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(), layer_init(nn.Linear(64, 64)), nn.Tanh(), layer_init(nn.Linear(64, 1), std=1.0))
        self.actor = nn.Sequential(layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(), layer_init(nn.Linear(64, 64)), nn.Tanh(), layer_init(nn.Linear(64, n_actions), std=0.01))

    def get_action_and_value(self, x, action=None):
        logits = self.actor(x)
        probs = Categorical(logits=logits)
        if action is None:
            action = probs.sample()
        return action, probs.log_prob(action), probs.entropy(), self.critic(x)


model = Agent()
`

const vae = `${prelude}from torch.distributions import Normal, kl_divergence


class VAE(nn.Module):
    def __init__(self, d=16, z=4):
        super().__init__()
        self.enc = nn.Linear(d, 32)
        self.mu = nn.Linear(32, z)
        self.logvar = nn.Linear(32, z)
        self.dec = nn.Linear(z, d)

    def forward(self, x):
        h = F.relu(self.enc(x))
        mu, logvar = self.mu(h), self.logvar(h)
        std = torch.exp(0.5 * logvar)
        q = Normal(mu, std)
        z = q.rsample()
        kl = kl_divergence(q, Normal(torch.zeros_like(mu), torch.ones_like(std))).sum(-1)
        return self.dec(z), kl


model = VAE()
`

/** A policy head with the distributions of pytorch-a2c-ppo-acktr (subclasses overriding methods) and others. */
const heads = `${prelude}from torch.distributions import Normal, Independent, Bernoulli, Categorical, kl_divergence


class FixedNormal(torch.distributions.Normal):
    def log_probs(self, actions):
        return super().log_prob(actions).sum(-1, keepdim=True)

    def entropy(self):
        return super().entropy().sum(-1)

    def mode(self):
        return self.mean


class FixedCategorical(torch.distributions.Categorical):
    def sample(self):
        return super().sample().unsqueeze(-1)

    def log_probs(self, actions):
        return super().log_prob(actions.squeeze(-1)).view(actions.size(0), -1).sum(-1).unsqueeze(-1)

    def mode(self):
        return self.probs.argmax(dim=-1, keepdim=True)


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 6)
        self.logstd = nn.Parameter(torch.zeros(3))

    def independent(self, x):
        h = self.fc(x)
        d = Independent(Normal(h[:, :3], F.softplus(h[:, 3:])), 1)
        s = d.rsample()
        return s, d.log_prob(s), d.entropy(), d.mean, d.variance, d.stddev

    def bernoulli(self, x):
        d = Bernoulli(logits=self.fc(x))
        s = d.sample()
        return s, d.log_prob(s), d.entropy(), d.probs

    def fixed_normal(self, x):
        d = FixedNormal(self.fc(x)[:, :3], self.logstd.exp())
        a = d.sample()
        return a, d.log_probs(a), d.entropy(), d.mode()

    def fixed_categorical(self, x):
        d = FixedCategorical(logits=self.fc(x))
        a = d.sample()
        return a, d.log_probs(a), d.entropy(), d.mode()

    def categorical_probs(self, x, validate=None):
        d = Categorical(probs=F.softmax(self.fc(x), -1), validate_args=validate)
        a = d.sample((3,))
        return a, d.log_prob(a), d.entropy(), d.mode, d.mean

    def no_grad_sample(self, x):
        with torch.no_grad():
            d = Categorical(logits=self.fc(x))
            a = d.sample()
        return a, d.log_prob(a)

    def kl_independent(self, x):
        h = self.fc(x)
        p = Independent(Normal(h[:, :3], h[:, 3:].exp()), 1)
        q = Independent(Normal(torch.zeros(2, 3), torch.ones(2, 3)), 1)
        return kl_divergence(p, q)


model = Head()
`

describe('torch.distributions in a traced call: the operations of PyTorch 2.13, with what they save', () => {
  it("CleanRL's SAC actor: Normal.rsample and log_prob", () => {
    // rsample's eps * scale keeps eps; log_prob keeps scale (for var), value - loc (for ** 2), the quotient's operands.
    expect(traced(sacActor, '2,11', 'm.get_action(x[0])')).toEqual({ shapes: [[2, 3], [2, 1], [2, 3]], dtypes: ['float32', 'float32', 'float32'], saved: 4312n })
  })

  it("CleanRL's PPO agent: Categorical(logits=...).sample, log_prob and entropy", () => {
    // The int64 action requires no grad; logsumexp keeps its input and result, softmax its result, gather its index.
    expect(traced(ppoAgent, '2,4', 'm.get_action_and_value(x[0])')).toEqual({ shapes: [[2], [2], [2], [2, 1]], dtypes: ['int64', 'float32', 'float32', 'float32'], saved: 2136n })
  })

  it('a VAE: Normal(mu, std).rsample() and kl_divergence to a standard normal', () => {
    expect(traced(vae, '2,16', 'm(x[0])')).toEqual({ shapes: [[2, 16], [2]], dtypes: ['float32', 'float32'], saved: 480n })
  })

  it('Independent(Normal(...), 1): log_prob and entropy summed over the event, and its KL divergence', () => {
    expect(traced(heads, '2,4', 'm.independent(x[0])')).toEqual({ shapes: [[2, 3], [2], [2], [2, 3], [2, 3], [2, 3]], dtypes: Array(6).fill('float32'), saved: 192n })
    expect(traced(heads, '2,4', 'm.kl_independent(x[0])')).toEqual({ shapes: [[2]], dtypes: ['float32'], saved: 120n })
  })

  it('Bernoulli(logits=...): sample, log_prob and entropy through binary_cross_entropy_with_logits, probs by sigmoid', () => {
    expect(traced(heads, '2,4', 'm.bernoulli(x[0])')).toEqual({ shapes: [[2, 6], [2, 6], [2, 6], [2, 6]], dtypes: Array(4).fill('float32'), saved: 144n })
  })

  it('subclasses that override methods and call super() (pytorch-a2c-ppo-acktr)', () => {
    expect(traced(heads, '2,4', 'm.fixed_normal(x[0])')).toEqual({ shapes: [[2, 3], [2, 1], [2], [2, 3]], dtypes: Array(4).fill('float32'), saved: 84n })
    expect(traced(heads, '2,4', 'm.fixed_categorical(x[0])')).toEqual({ shapes: [[2, 1], [2, 1], [2], [2, 1]], dtypes: ['int64', 'float32', 'float32', 'int64'], saved: 216n })
  })

  it("Categorical(probs=...): the Simplex check of validate_args keeps abs's input, 8 bytes here", () => {
    expect(traced(heads, '2,4', 'm.categorical_probs(x[0])')).toEqual({ shapes: [[3, 2], [3, 2], [2], [2], [2]], dtypes: ['int64', 'float32', 'float32', 'int64', 'float32'], saved: 304n })
    expect(traced(heads, '2,4', 'm.categorical_probs(x[0], False)').saved).toBe(296n)
  })

  it('under no_grad the distribution keeps nothing, and log_prob of its logits requires no grad', () => {
    expect(traced(heads, '2,4', 'm.no_grad_sample(x[0])')).toEqual({ shapes: [[2], [2]], dtypes: ['int64', 'float32'], saved: 0n })
  })
})

describe('torch.distributions while the model is built', () => {
  it('is imported as a module, from its submodules, and by name', () => {
    build(`import torch.distributions as D
import torch.distributions
from torch.distributions.normal import Normal as N
from torch.distributions.kl import kl_divergence as kl
from torch.distributions.distribution import Distribution as Base
assert N is D.Normal and kl is torch.distributions.kl_divergence and Base is D.Distribution
assert issubclass(D.Normal, D.ExponentialFamily) and issubclass(D.Categorical, Base)`)
  })

  it('gives the shapes and dtypes PyTorch gives', () => {
    // Each line checked in PyTorch 2.13.
    build(`n = Normal(torch.zeros(4, 3), 1.0)
assert n.batch_shape == (4, 3) and n.event_shape == () and n.scale.shape == (4, 3)
assert n.sample((5,)).shape == (5, 4, 3) and n.rsample().shape == (4, 3) and n.stddev.shape == (4, 3)
assert Normal(0.0, 1.0).batch_shape == () and Normal(0.0, 1.0).sample((2, 3)).shape == (2, 3)
assert Normal(torch.zeros(3, dtype=torch.float64), 1).scale.dtype == torch.float64
assert Normal(torch.zeros(3, dtype=torch.float64), torch.ones(3)).rsample().dtype == torch.float64
assert n.expand((2, 4, 3)).batch_shape == (2, 4, 3)
assert n.has_rsample and not Categorical(logits=torch.zeros(3)).has_rsample
c = Categorical(logits=torch.zeros(4, 3))
assert c.batch_shape == (4,) and c.param_shape == (4, 3) and c.sample((5,)).shape == (5, 4) and c.sample().dtype == torch.int64
assert c.enumerate_support().shape == (3, 4) and c.mean.shape == (4,) and c.expand((2, 4)).logits.shape == (2, 4, 3)
assert Categorical(probs=torch.ones(2, 3)).logits.shape == (2, 3)
assert Bernoulli(logits=torch.zeros(4, 3)).enumerate_support(expand=False).shape == (2, 1, 1)
assert Bernoulli(torch.tensor([0.2, 0.3])).sample((4,)).shape == (4, 2)
i = Independent(Normal(torch.zeros(2, 3), torch.ones(2, 3)), 1)
assert i.batch_shape == (2,) and i.event_shape == (3,) and i.expand((5, 2)).event_shape == (3,)
assert torch.distributions.utils.broadcast_all(torch.zeros(2, 1), 1.0, torch.zeros(3))[1].shape == (2, 3)`)
  })

  it('writes its __repr__ as PyTorch does', () => {
    build(`assert Normal(torch.zeros(2, 3), 1.0).__repr__() == 'Normal(loc: torch.Size([2, 3]), scale: torch.Size([2, 3]))'
assert Normal(torch.zeros(1), 1.0).__repr__() == 'Normal(loc: tensor([0.]), scale: tensor([1.]))'
assert Bernoulli(0.5).__repr__() == 'Bernoulli(probs: 0.5)'
assert Independent(Normal(torch.zeros(2, 3), torch.ones(2, 3)), 1).__repr__() == 'Independent(Normal(loc: torch.Size([2, 3]), scale: torch.Size([2, 3])), 1)'`)
  })

  it("raises PyTorch's ValueError for parameters of known values that break a constraint", () => {
    expect(() => build('Normal(torch.zeros(3), torch.zeros(3))')).toThrow(
      'Expected parameter scale (Tensor of shape (3,)) of distribution Normal(loc: torch.Size([3]), scale: torch.Size([3])) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\ntensor([0., 0., 0.])',
    )
    expect(() => build('Normal(0.0, -1)')).toThrow('Expected parameter scale (Tensor of shape ()) of distribution Normal(loc: 0.0, scale: -1.0) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\n-1.0')
    expect(() => build('Categorical(torch.tensor([0.5, -0.1]))')).toThrow(
      'Expected parameter probs (Tensor of shape (2,)) of distribution Categorical(probs: torch.Size([2])) to satisfy the constraint Simplex(), but found invalid values:\ntensor([ 1.2500, -0.2500])',
    )
    expect(() => build('Bernoulli(1.5)')).toThrow('to satisfy the constraint Interval(lower_bound=0.0, upper_bound=1.0), but found invalid values:\n1.5')
    expect(() => build("Normal(torch.tensor([1.0, float('nan')]), 1.0)")).toThrow('to satisfy the constraint Real(), but found invalid values:\ntensor([1., nan])')
    // validate_args=False, or set_default_validate_args(False) for the program, turns the checks off
    build('Normal(0.0, 0.0, validate_args=False)\nDistribution.set_default_validate_args(False)\nNormal(0.0, 0.0)')
    expect(() => build('Normal(0.0, 0.0)')).toThrow('GreaterThan(lower_bound=0.0)')
    build("try:\n    Distribution.set_default_validate_args(3)\n    raise AssertionError('no ValueError')\nexcept ValueError:\n    pass")
  })

  it("checks log_prob's value: its shape always, its support where its values are known", () => {
    expect(() => build('Normal(torch.zeros(3), torch.ones(3)).log_prob(torch.zeros(2))')).toThrow('Value is not broadcastable with batch_shape+event_shape: torch.Size([2]) vs torch.Size([3]).')
    expect(() => build('Normal(torch.zeros(3), torch.ones(3)).log_prob(1.0)')).toThrow('The value argument to log_prob must be a Tensor')
    expect(() => build('Categorical(logits=torch.zeros(3)).log_prob(torch.tensor(3))')).toThrow(
      'Expected value argument (Tensor of shape ()) to be within the support (IntegerInterval(lower_bound=0, upper_bound=2)) of the distribution Categorical(logits: torch.Size([3])), but found invalid values:\n3',
    )
    expect(() => build('Bernoulli(logits=torch.zeros(3)).log_prob(torch.tensor([0.0, 1.0, 2.0]))')).toThrow('within the support (Boolean()) of the distribution Bernoulli(logits: torch.Size([3])), but found invalid values:\ntensor([0., 1., 2.])')
  })

  it("raises PyTorch's errors for wrong arguments", () => {
    expect(() => build('Categorical()')).toThrow('Either `probs` or `logits` must be specified, but not both.')
    expect(() => build('Categorical(probs=torch.tensor(1.0))')).toThrow('`probs` parameter must be at least one-dimensional.')
    expect(() => build("Normal('a', 1.0)")).toThrow('Input arguments must all be instances of Number, torch.Tensor or objects implementing __torch_function__.')
    expect(() => build('Independent(Normal(torch.zeros(3), torch.ones(3)), 2)')).toThrow('Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), actual 2 vs 1')
    expect(() => build('kl_divergence(Normal(0.0, 1.0), Categorical(logits=torch.zeros(3)))')).toThrow('No KL(p || q) is implemented for p type Normal and q type Categorical')
    expect(() => build('Categorical(logits=torch.zeros(3)).sample((0,))')).toThrow('cannot sample n_sample <= 0 samples')
    // an unmodelled distribution is made as a placeholder: the error comes where the model uses it
    expect(() => build('x = Beta(1.0, 1.0).sample() + 1')).toThrow('`torch.distributions.Beta().sample` is not supported yet')
    expect(() => build('d = Beta(1.0, 1.0)')).not.toThrow()
  })

  it('register_kl adds a KL function the most specific pair of classes picks', () => {
    build(`class MyNormal(Normal):
    pass

@register_kl(MyNormal, Normal)
def _kl(p, q):
    return p.loc.sum()

assert kl_divergence(MyNormal(torch.zeros(3), 1.0), Normal(torch.zeros(3), 1.0)).shape == ()
assert kl_divergence(Normal(torch.zeros(3), 1.0), MyNormal(torch.zeros(3), 1.0)).shape == (3,)`)
  })
})
