import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { planMemory } from '../plan.js'
import { memoryFormula } from '../../present/index.js'
import { errorOf as optionError } from '../../../test/support.js'

const cpu = { device: 'cpu', overheadBytes: 0n } as const
const twoLinears = 'nn.Sequential(nn.Linear(50, 30), nn.Linear(30, 10))'

describe('optimizerStateLine', () => {
  it('counts the state of the parameters the optimizer is given, and says which', () => {
    // PyTorch 2.13, Adam(model[1].parameters()) after one step on the CPU: 2,488 B (step 8 + exp_avg 1,240 + exp_avg_sq 1,240)
    const plan = planMemory(analyze(twoLinears), { ...cpu, optimizer: 'Adam(model[1].parameters())' })
    expect(plan.memory.optimizerState.bytes).toBe(2488n)
    expect(memoryFormula(plan.memory.optimizerState)).toMatch(/^torch\.optim\.Adam\(model\[1\]\.parameters\(\)\): /)
    // every parameter still gets a gradient
    expect(plan.memory.gradients.bytes).toBe(1840n * 4n)
  })

  it('finds a tied weight under its other name', () => {
    // head.weight is emb.weight; PyTorch 2.13: Adam(model.head.parameters()) holds 324 B (step 4 + 2 × 40 × 4)
    const source = 'class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.emb = nn.Embedding(10, 4)\n        self.body = nn.Linear(4, 4)\n        self.head = nn.Linear(4, 10, bias=False)\n        self.head.weight = self.emb.weight\n\nM()'
    expect(planMemory(analyze(source), { ...cpu, optimizer: 'Adam(model.head.parameters())' }).memory.optimizerState.bytes).toBe(324n)
  })

  it('gives a master-weight optimizer the trainable parameters only, even Adagrad and LBFGS', () => {
    // first layer frozen: the float32 master copies, and so the optimizer's parameters, are the 310 of model[1];
    // PyTorch 2.13 on those: Adagrad 1,248 B, LBFGS(history_size=1) 4,972 B; plus the copies, 310 × 4 B
    const frozen = analyze('nn.Sequential(nn.Linear(50, 30).requires_grad_(False), nn.Linear(30, 10))')
    const plan = (optimizer: string) => planMemory(frozen, { ...cpu, optimizer, precision: 'mixed-bf16' }).memory.optimizerState
    expect(plan('Adagrad()').bytes).toBe(1248n + 1240n)
    expect(plan('Adagrad()').basis).toMatchObject({ masterWeightElements: 310n })
    expect(plan('LBFGS(history_size=1)').bytes).toBe(4972n + 1240n)
    // without master weights Adagrad keeps `sum` for every parameter it is given (PyTorch 2.13: 7,376 B)
    expect(planMemory(frozen, { ...cpu, optimizer: 'Adagrad()' }).memory.optimizerState.bytes).toBe(7376n)
  })

  it('knows which embeddings have sparse gradients, for every optimizer', () => {
    // PyTorch 2.13, nn.Embedding(100, 16, sparse=True): Adam raises, SGD(momentum=0.9) keeps 6,400 B
    const embedding = analyze('nn.Embedding(100, 16, sparse=True)')
    expect(optionError(() => planMemory(embedding, { ...cpu, optimizer: 'Adam()' })).message).toMatch(/^Adam does not support sparse gradients, please consider SparseAdam instead \(PyTorch's error\): `weight` gets a sparse gradient/)
    expect(planMemory(embedding, { ...cpu, optimizer: 'SGD(lr=0.1, momentum=0.9)' }).memory.optimizerState.bytes).toBe(6400n)
  })

  it('refuses capturable=True for CPU parameters only', () => {
    const linear = analyze('nn.Linear(8, 4)')
    expect(optionError(() => planMemory(linear, { ...cpu, optimizer: 'Adam(capturable=True)' })).message).toContain('If capturable=True, params and state_steps must be on supported devices')
    // on CUDA (the default device) `step` sits beside the parameters
    expect(planMemory(linear, { optimizer: 'Adam(capturable=True)', overheadBytes: 0n }).memory.optimizerState.bytes).toBe(296n)
  })
})
