import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { analyzeWeights, bytesReader } from '../index.js'
import { bytes, dictPickle, op, refusal, tensorPickle, torchZip, utf8 } from '../../test/weights/build.js'
import { isAllowedGlobal } from './pytorch.js'
import { identifyOptimizer } from './optimizer-state.js'

const read = (file: Uint8Array) => analyzeWeights(bytesReader('ckpt.pt', file))
const call = (module: string, name: string, ...args: Uint8Array[]) => bytes(op.global(module, name), op.mark, ...args, op.tuple, op.reduce)
/** A file written by test/fixtures/weights/generate_load_semantics.py (or generate.py). */
const fixture = (name: string) => bytesReader(name, new Uint8Array(readFileSync(new URL(`../../test/fixtures/weights/${name}`, import.meta.url))))

describe('PyTorch checkpoints', () => {
  it('allows exactly the globals of `weights_only`: rebuilds, storages, dtypes, OrderedDict', () => {
    for (const [m, n] of [['torch._utils', '_rebuild_tensor_v2'], ['torch', 'BFloat16Storage'], ['torch.cuda', 'HalfStorage'], ['torch', 'float8_e4m3fn'], ['torch.storage', 'UntypedStorage'], ['collections', 'OrderedDict'], ['builtins', 'set'], ['torch.nn.parameter', 'Parameter']] as const) {
      expect(isAllowedGlobal(m, n), `${m}.${n}`).toBe(true)
    }
    for (const [m, n] of [['os', 'system'], ['builtins', 'eval'], ['torch', 'load'], ['collections', 'defaultdict'], ['torch.nn.modules.linear', 'Linear']] as const) {
      expect(isAllowedGlobal(m, n), `${m}.${n}`).toBe(false)
    }
  })

  for (const [module, name] of [['os', 'system'], ['posix', 'system'], ['builtins', 'eval'], ['__builtin__', 'exec'], ['subprocess', 'Popen'], ['builtins', 'getattr'], ['torch.hub', 'load'], ['importlib', 'import_module']] as const) {
    it(`refuses \`${module}.${name}\` as soon as the pickle names it`, async () => {
      const pickle = bytes(op.proto(2), call(module, name, op.str('echo pwned')), op.stop)
      const e = await refusal(read(torchZip(pickle, {})))
      expect(e.code).toBe('unsafe-pickle')
      expect(e.message).toContain(`\`${module}.${name}\``)
    })
  }

  it('refuses a STACK_GLOBAL of a blocked function (protocol 4)', async () => {
    const pickle = bytes(op.proto(4), op.str('subprocess'), op.str('Popen'), op.stackGlobal, op.mark, op.str('ls'), op.tuple, op.reduce, op.stop)
    expect((await refusal(read(torchZip(pickle, {})))).message).toContain('`subprocess.Popen`')
  })

  it('refuses a call of an unknown function, and an unknown class outside a pickled module, naming it', async () => {
    const calls = bytes(op.proto(2), call('mylib.tools', 'prepare', op.int(1)), op.stop)
    expect((await refusal(read(torchZip(calls, {})))).message).toContain('`mylib.tools.prepare`')
    const config = dictPickle([['cfg', bytes(op.global('mylib', 'Config'), op.emptyTuple, op.newobj)]])
    const e = await refusal(read(torchZip(config, {})))
    expect(e.code).toBe('unsafe-pickle')
    expect(e.message).toContain('`mylib.Config`')
  })

  it('names the classes of a whole-module pickle and follows _parameters, _buffers and _modules', async () => {
    const module = (cls: [string, string], params: Array<[string, Uint8Array]>, buffers: Array<[string, Uint8Array]>, children: Array<[string, Uint8Array]>) =>
      bytes(
        op.global(...cls),
        op.emptyTuple,
        op.newobj,
        op.emptyDict,
        op.mark,
        op.str('_parameters'),
        op.emptyDict,
        op.mark,
        ...params.flatMap(([k, v]) => [op.str(k), call('torch._utils', '_rebuild_parameter', v, op.newtrue, op.global('collections', 'OrderedDict'), op.emptyTuple, op.reduce)]),
        op.setitems,
        op.str('_buffers'),
        op.emptyDict,
        op.mark,
        ...buffers.flatMap(([k, v]) => [op.str(k), v]),
        op.setitems,
        op.str('_modules'),
        op.emptyDict,
        op.mark,
        ...children.flatMap(([k, v]) => [op.str(k), v]),
        op.setitems,
        op.setitems,
        op.build,
      )
    const child = module(['torch.nn.modules.linear', 'Linear'], [['weight', tensorPickle('0', 6, [2, 3], [3, 1])]], [], [])
    const bn = module(['torch.nn.modules.batchnorm', 'BatchNorm1d'], [], [['running_mean', tensorPickle('1', 2, [2], [1])]], [])
    const root = module(['__main__', 'Net'], [], [], [['fc', child], ['bn', bn]])
    const a = await read(torchZip(bytes(op.proto(2), root, op.stop), { '0': 24, '1': 8 }))
    expect(a.weights.tensors.map((t) => [t.name, t.kind, t.parameter ?? false])).toEqual([
      ['fc.weight', 'parameter', true],
      ['bn.running_mean', 'buffer', false],
    ])
    expect(a.weights.pickle).toMatchObject({ requiresClasses: ['__main__.Net', 'torch.nn.modules.batchnorm.BatchNorm1d', 'torch.nn.modules.linear.Linear'], weightsOnlyLoadable: false })
    expect(a.modules.map((m) => [m.path, m.type])).toEqual([
      ['', 'Net'],
      ['fc', 'Linear'],
      ['bn', 'BatchNorm1d'],
    ])
    expect([a.params.total, a.buffers.total]).toEqual([6n, 2n])
  })

  it('refuses a storage whose record is smaller than declared, before allocating anything', async () => {
    const pickle = dictPickle([['w', tensorPickle('0', 2 ** 40, [2 ** 20, 2 ** 20], [2 ** 20, 1])]])
    const e = await refusal(read(torchZip(pickle, { '0': 16 })))
    expect(e.message).toMatch(/declares storage `0` of 1,099,511,627,776 float32 elements \(4,398,046,511,104 bytes\), but its record `archive\/data\/0` holds 16 bytes/)
  })

  it('refuses a storage without a record, and a view past the end of its storage', async () => {
    expect((await refusal(read(torchZip(dictPickle([['w', tensorPickle('7', 4, [4], [1])]]), {})))).message).toContain('no record `archive/data/7`')
    const e = await refusal(read(torchZip(dictPickle([['w', tensorPickle('0', 4, [4], [1], 2)]]), { '0': 16 })))
    expect(e.message).toMatch(/reaches byte 24 of storage `0`, which holds 16 bytes/)
  })

  it('counts views and aliases: per name, and each storage element once', async () => {
    const pickle = dictPickle([
      ['base', tensorPickle('0', 12, [3, 4], [4, 1])],
      ['alias', tensorPickle('0', 12, [3, 4], [4, 1])],
      ['column', tensorPickle('0', 12, [3], [4], 1)],
      ['half', tensorPickle('1', 100, [10], [1], 50)],
    ])
    const a = await read(torchZip(pickle, { '0': 48, '1': 400 }))
    expect(a.weights.params).toBe(12n + 12n + 3n + 10n)
    expect(a.weights.paramsDedup).toBe(12n + 10n)
    expect(a.weights.uniqueBytes).toBe(448n)
    // In the module tree the alias is one tensor under two names, as a tied weight.
    expect(a.params.total).toBe(12n + 3n + 10n)
  })

  it('counts a view with too many separate runs by its span, and says so', async () => {
    // Every other element of 400,000: 200,000 runs of one element.
    const a = await read(torchZip(dictPickle([['strided', tensorPickle('0', 400_000, [200_000], [2])]]), { '0': 1_600_000 }))
    expect(a.weights.paramsDedup).toBe(399_999n)
    expect(a.weights.warnings).toContain('A strided view reaches too many separate runs of its storage to list; `paramsDedup` counts its whole span.')
  })

  it('names nested checkpoint entries by key path, counts each top-level key, and finds the optimizer', async () => {
    const state = (i: number) => bytes(op.int(i), op.emptyDict, op.mark, op.str('momentum_buffer'), tensorPickle(`m${i}`, 3, [3], [1]), op.setitems)
    const optimizer = bytes(op.emptyDict, op.mark, op.str('state'), op.emptyDict, op.mark, state(0), op.setitems, op.str('param_groups'), op.emptyList, op.emptyDict, op.mark, op.str('momentum'), op.int(0), op.str('nesterov'), op.newfalse, op.setitems, op.append, op.setitems)
    const pickle = dictPickle([
      ['state_dict', bytes(op.emptyDict, op.mark, op.str('fc.weight'), tensorPickle('0', 3, [3], [1]), op.setitems)],
      ['optimizer', optimizer],
      ['epoch', op.int(7)],
      ['note', op.str('x'.repeat(500))],
    ])
    const a = await read(torchZip(pickle, { '0': 12, m0: 12 }))
    expect(a.weights.tensors.map((t) => t.name)).toEqual(['state_dict/fc.weight', 'optimizer/state/0/momentum_buffer'])
    const cp = a.weights.checkpoint!
    expect(cp.modelKey).toBe('state_dict')
    expect(cp.perKey.map((e) => [e.key, e.tensors])).toEqual([
      ['state_dict', 1],
      ['optimizer', 1],
      ['epoch', 0],
      ['note', 0],
    ])
    expect(cp.nonTensorValues['epoch']).toBe(7)
    expect(String(cp.nonTensorValues['note']).length).toBe(201)
    expect(cp.optimizer).toMatchObject({ key: 'optimizer', optimizer: 'SGD', paramCount: 1, stateKeys: ['momentum_buffer'], tensors: 1, elements: 3n })
    expect(a.tensors.map((t) => t.name)).toEqual(['fc.weight'])
  })

  it('stops at deep nesting with a limit error, and follows shared and self-containing values once', async () => {
    const deep = bytes(op.proto(2), ...new Array<Uint8Array>(600).fill(op.emptyList), ...new Array<Uint8Array>(599).fill(op.append), op.stop)
    expect((await refusal(read(torchZip(deep, {})))).code).toBe('limit')
    const cycle = dictPickle([['loop', bytes(op.emptyList, op.binput(0), op.binget(0), op.append)], ['w', tensorPickle('0', 1, [], [])]])
    const a = await read(torchZip(cycle, { '0': 4 }))
    expect(a.weights.tensors.map((t) => [t.name, t.shape])).toEqual([['w', []]])
  })

  it('reads requires_grad of saved parameters: a frozen nn.Parameter is counted, not trained', async () => {
    // torch 2.13: torch.save({'p': Parameter(torch.ones(4), requires_grad=False), 'q': Parameter(torch.ones(2))}); 0 + 2 trainable.
    const parameter = (key: string, n: number, requiresGrad: boolean) => call('torch._utils', '_rebuild_parameter', tensorPickle(key, n, [n], [1]), requiresGrad ? op.newtrue : op.newfalse, op.global('collections', 'OrderedDict'), op.emptyTuple, op.reduce)
    const a = await read(torchZip(dictPickle([['p', parameter('0', 4, false)], ['q', parameter('1', 2, true)]]), { '0': 16, '1': 8 }))
    expect(a.weights.tensors.map((t) => [t.name, t.parameter, t.requiresGrad])).toEqual([
      ['p', true, false],
      ['q', true, true],
    ])
    expect([a.params.total, a.params.trainable, a.params.frozen]).toEqual([6n, 2n, 4n])
  })

  for (const file of ['frozen_module.pt', 'frozen_module_legacy.pt']) {
    it(`reads a whole-module pickle as PyTorch loads it: ${file}`, async () => {
      const a = await analyzeWeights(fixture(file))
      // Measured with torch 2.13 (generate_load_semantics.py): the state_dict() names (`same` is `b` under a second
      // name), plus the non-persistent buffer `scale`, which the pickle holds and module.buffers() lists.
      expect(a.weights.tensors.map((t) => [t.name, t.kind, t.persistent ?? true, t.requiresGrad ?? null])).toEqual([
        ['scale', 'buffer', false, null],
        ['count', 'buffer', true, null],
        ['a.weight', 'parameter', true, false],
        ['a.bias', 'parameter', true, false],
        ['b.weight', 'parameter', true, true],
        ['b.bias', 'parameter', true, true],
        ['same.weight', 'parameter', true, true],
        ['same.bias', 'parameter', true, true],
      ])
      // model.parameters(): 20 elements, 8 trainable (`a` is frozen); model.buffers(): scale 2 + count 1;
      // named_modules(): '', a, b, act (`same` is `b` and listed once).
      expect([a.params.total, a.params.trainable, a.buffers.total]).toEqual([20n, 8n, 3n])
      expect(a.tensors.map((t) => [t.name, t.trainable, t.persistent])).toEqual([
        ['a.weight', false, true],
        ['a.bias', false, true],
        ['b.weight', true, true],
        ['b.bias', true, true],
        ['scale', false, false],
        ['count', false, true],
      ])
      expect(a.modules.map((m) => [m.path, m.type])).toEqual([
        ['', 'Net'],
        ['a', 'Linear'],
        ['b', 'Linear'],
        ['act', 'ReLU'],
      ])
      const file0 = a.weights.files[0]!
      expect(file0.format === 'pytorch' && file0.serialization).toBe(file.includes('legacy') ? 'legacy' : 'zip')
      expect(a.weights.pickle).toMatchObject({ requiresClasses: ['__main__.Net', 'torch.nn.modules.activation.ReLU', 'torch.nn.modules.linear.Linear'], weightsOnlyLoadable: false })
    })
  }

  it('knows an optimizer state saved alone (the Trainer’s optimizer.pt): no model tensors, not checked against a config', async () => {
    // torch 2.13: torch.save(Adam(Linear(3, 2).parameters()).state_dict()) after one step: 2 parameters with state, 18 elements.
    const a = await analyzeWeights(fixture('optimizer_only.pt'))
    expect(a.weights.checkpoint?.optimizer).toMatchObject({ key: '', optimizer: 'Adam', paramCount: 2, stateKeys: ['exp_avg', 'exp_avg_sq', 'step'], tensors: 6, elements: 18n, stepTensors: 2, paramGroups: 1 })
    expect([a.weights.params, a.params.total, a.tensors.length]).toEqual([18n, 0n, 0])
    const config = bytesReader('config.json', utf8('{"model_type": "llama", "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2, "vocab_size": 16}'))
    const withConfig = await analyzeWeights([fixture('optimizer_only.pt'), config])
    expect(withConfig.weights.config).toBeNull()
    expect(withConfig.weights.warnings).toContain("`optimizer_only.pt` holds an optimizer's state, not the model's weights; `config.json` was not checked against it.")
  })

  it('finds the optimizer states of a Lightning checkpoint (`optimizer_states`, a list)', async () => {
    const a = await analyzeWeights(fixture('lightning.ckpt'))
    expect(a.weights.checkpoint).toMatchObject({ modelKey: 'state_dict', optimizer: { key: 'optimizer_states/0', optimizer: 'Adam', paramCount: 2, tensors: 6, elements: 18n } })
    // The model: Linear(3, 2)'s 8 elements.
    expect(a.params.total).toBe(8n)
  })

  it('says whether torch.load(weights_only=True) loads a file: its globals and its opcodes', async () => {
    // torch 2.13, torch.load(f, weights_only=True): protocol 1 fails on INT ("Unsupported operand 73": booleans),
    // protocols 4 and 5 on FRAME (149), bytes under protocol 3 on SHORT_BINBYTES (67); protocols 2 and 3 load.
    const cases: Array<[string, string[], boolean]> = [
      ['protocol1.pt', ['INT'], false],
      ['protocol3.pt', [], true],
      ['protocol4.pt', ['FRAME', 'MEMOIZE', 'SHORT_BINUNICODE', 'STACK_GLOBAL'], false],
      ['protocol5.pt', ['FRAME', 'MEMOIZE', 'SHORT_BINUNICODE', 'STACK_GLOBAL'], false],
      ['legacy_protocol4.pt', ['FRAME', 'MEMOIZE', 'SHORT_BINUNICODE', 'STACK_GLOBAL'], false],
      ['bytes_protocol3.pt', ['SHORT_BINBYTES'], false],
      ['all_dtypes.pt', [], true],
    ]
    for (const [file, opcodes, loadable] of cases) {
      const a = await analyzeWeights(fixture(file))
      expect([file, a.weights.pickle?.refusedOpcodes, a.weights.pickle?.weightsOnlyLoadable]).toEqual([file, opcodes, loadable])
    }
  })

  it('keeps both tensors whose key paths read alike, and says so', async () => {
    // torch.save({'a/b': torch.ones(2), 'a': {'b': torch.ones(3)}}): two tensors, 5 elements.
    const a = await analyzeWeights(fixture('name_collision.pt'))
    expect(a.weights.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['a/b', [2]],
      ['a/b', [3]],
    ])
    expect([a.weights.params, a.params.total]).toEqual([5n, 5n])
    expect(a.tensors.map((t) => t.name)).toEqual(['a.b', 'a.b (2)'])
    expect(a.weights.warnings).toEqual(['Two different tensors are both named `a/b` (a key that holds `/` or `.` reads like a path); both are counted, the second as `a.b (2)` in the module tree.'])
  })

  it('reads a sparse tensor as one tensor of its dense shape, sized by its pieces', async () => {
    // torch 2.13: coo (3, 4) with 2 values, numel 12; csr (2, 3) with 3 values, numel 6; dense (2,).
    const a = await analyzeWeights(fixture('sparse.pt'))
    expect(a.weights.tensors.map((t) => [t.name, t.layout ?? 'strided', t.shape, t.elements, t.bytes])).toEqual([
      ['coo', 'sparse_coo', [3, 4], 12n, 32n + 8n],
      ['csr', 'sparse_csr', [2, 3], 6n, 24n + 24n + 12n],
      ['dense', 'strided', [2], 2n, 8n],
    ])
    expect(a.weights.tensors[1]!.sparsePieces).toEqual([
      { role: 'compressed_indices', shape: [3], dtype: 'int64', bytes: 24n },
      { role: 'plain_indices', shape: [3], dtype: 'int64', bytes: 24n },
      { role: 'values', shape: [3], dtype: 'float32', bytes: 12n },
    ])
    // sum(t.numel() for t in the file's tensors); each storage element once: 4 + 2 + 3 + 3 + 3 + 2.
    expect([a.weights.params, a.weights.paramsDedup, a.params.total]).toEqual([20n, 17n, 20n])
    expect(a.weights.warnings).toEqual([])
  })

  it('names bytes keys as Python writes them', async () => {
    // Protocol 3: SHORT_BINBYTES; protocol 2: _codecs.encode('ab', 'latin1'). str(b'k\x00') == "b'k\\x00'".
    const three = await analyzeWeights(fixture('bytes_protocol3.pt'))
    expect(three.weights.tensors.map((t) => t.name)).toEqual(["b'k\\x00'"])
    const encoded = bytes(op.global('_codecs', 'encode'), op.mark, op.str('ab'), op.str('latin1'), op.tuple, op.reduce)
    const two = await read(torchZip(bytes(op.proto(2), op.emptyDict, encoded, tensorPickle('0', 1, [], []), op.setitem, op.stop), { '0': 4 }))
    expect(two.weights.tensors.map((t) => t.name)).toEqual(["b'ab'"])
  })

  it('reads what an optimizer state looks like from its state names and hyper-parameters', () => {
    const groups = (entries: Record<string, unknown>) => new Map(Object.entries(entries) as Array<[string, never]>)
    expect(identifyOptimizer(['exp_avg', 'exp_avg_sq', 'step'], groups({ amsgrad: false, decoupled_weight_decay: true })).optimizer).toBe('AdamW')
    expect(identifyOptimizer(['exp_avg', 'exp_avg_sq', 'step'], groups({ amsgrad: false, decoupled_weight_decay: false })).optimizer).toBe('Adam')
    expect(identifyOptimizer(['exp_avg', 'exp_avg_sq', 'step'], groups({ amsgrad: false })).optimizer).toBe('Adam or AdamW')
    expect(identifyOptimizer(['exp_avg', 'exp_avg_sq', 'mu_product', 'step'], groups({})).optimizer).toBe('NAdam')
    expect(identifyOptimizer(['momentum_buffer', 'square_avg', 'step'], groups({ alpha: 0.99 })).optimizer).toBe('RMSprop')
    expect(identifyOptimizer(['sum', 'step'], groups({})).optimizer).toBe('Adagrad')
    expect(identifyOptimizer([], groups({ momentum: 0, nesterov: false })).optimizer).toBe('SGD')
    expect(identifyOptimizer(['foo'], groups({}))).toEqual({ optimizer: null, evidence: 'unrecognised state `foo`' })
  })
})
