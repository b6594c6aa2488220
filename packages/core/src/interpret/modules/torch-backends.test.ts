import { describe, expect, it } from 'vitest'
import { analysisToJSON, analyze } from '../../index.js'
import { errorOf } from '../../../test/support.js'
import { python } from '../../../test/interpret.js'

/** A model whose forward attends with `q, k, v` of `nn.Linear(8, 24)` on x (2, 4, 16, 8), then runs `body`. */
function model(body: string): string {
  return `import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nfrom torch.nn.attention import SDPBackend, sdpa_kernel\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 24)\n\n    def forward(self, x):\n        q, k, v = self.fc(x).chunk(3, dim=-1)\n${body}\nmodel = Net()\n`
}

function run(body: string): ReturnType<typeof analysisToJSON> {
  return analysisToJSON(analyze(model(body), { input: '2,4,16,8', device: 'cpu' }))
}

const sdpa = 'F.scaled_dot_product_attention(q, k, v'

describe('the attention backends of torch.nn.attention and torch.backends.cuda decide the kernel F.scaled_dot_product_attention runs', () => {
  // Measured with saved_tensors_hooks and FlopCounterMode, PyTorch 2.13 (CPU), x of (2, 4, 16, 8): bytes saved without
  // the input (with it, 4,096 more); the flash kernel has no FLOP formula, the math path's two products are bmm calls.
  const flash = { savedBytes: 16896, savedBytesWithInput: 20992 }
  const math = { savedBytes: 28672, savedBytesWithInput: 32768 }
  const cases: Array<[string, string, { savedBytes: number; savedBytesWithInput: number }, number]> = [
    ['every backend enabled (the default): the CPU flash kernel', `        return ${sdpa})`, flash, 0],
    ['`sdp_kernel(**config)` with every backend enabled changes nothing', `        with torch.backends.cuda.sdp_kernel(**dict(enable_flash=True, enable_math=True, enable_mem_efficient=True)):\n            return ${sdpa})`, flash, 0],
    ['`sdp_kernel(enable_flash=False)`: the math path', `        with torch.backends.cuda.sdp_kernel(enable_flash=False):\n            return ${sdpa})`, math, 65536],
    ['`sdpa_kernel(SDPBackend.MATH)`: the math path', `        with sdpa_kernel(SDPBackend.MATH):\n            return ${sdpa})`, math, 65536],
    ['`sdpa_kernel([FLASH_ATTENTION, MATH])` with dropout: the math path, with its dropout', `        with sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.MATH]):\n            return ${sdpa}, dropout_p=0.1)`, { savedBytes: 45056, savedBytesWithInput: 49152 }, 65536],
    ['leaving the context restores the backends before it', `        with sdpa_kernel(SDPBackend.MATH):\n            pass\n        return ${sdpa})`, flash, 0],
    ['`torch.backends.cuda.enable_flash_sdp(False)` until it is enabled again', `        torch.backends.cuda.enable_flash_sdp(False)\n        out = ${sdpa})\n        torch.backends.cuda.enable_flash_sdp(True)\n        return out`, math, 65536],
  ]
  for (const [title, body, saved, bmm] of cases) {
    it(title, () => {
      const json = run(body)
      expect(json.outputShape).toEqual([2, 4, 16, 8])
      expect(json.activations).toMatchObject(saved)
      expect(json.flopCounter?.byOp).toEqual({ 'aten.addmm': 49152, ...(bmm ? { 'aten.bmm': bmm } : {}) })
    })
  }

  it('refuses what PyTorch refuses: no kernel left, or a backend that is not an SDPBackend', () => {
    expect(errorOf(() => run(`        with sdpa_kernel(SDPBackend.FLASH_ATTENTION):\n            return ${sdpa}, dropout_p=0.1)`)).message).toMatch(/^No available kernel\. {2}Aborting execution\./)
    expect(errorOf(() => run(`        with sdpa_kernel(SDPBackend.EFFICIENT_ATTENTION):\n            return ${sdpa})`)).message).toBe(
      'No viable backend for scaled_dot_product_attention was found. This is likely due to turning off both the math kernel and the fused kernels.',
    )
    expect(errorOf(() => run(`        with sdpa_kernel('MATH'):\n            return ${sdpa})`)).message).toBe('Backend must be an instance of SDPBackend or a list of SDPBackend instances, got str')
  })
})

describe('torch.backends as a CPU build of PyTorch 2.13 has it', () => {
  it('reports its flags and availability; its other settings change nothing nnsize models', () => {
    python(`
import torch.backends.cudnn as cudnn
cudnn.benchmark = True
torch.backends.cudnn.deterministic = True
torch.backends.cuda.matmul.allow_tf32 = True
assert torch.backends.cuda.flash_sdp_enabled() and torch.backends.cuda.math_sdp_enabled() and torch.backends.cuda.mem_efficient_sdp_enabled()
assert not torch.backends.cuda.is_built() and not torch.backends.mps.is_available()
assert torch.backends.cuda.SDPBackend is torch.nn.attention.SDPBackend and torch.nn.attention.SDPBackend.MATH.name == 'MATH'
with torch.backends.cuda.sdp_kernel(enable_flash=False, enable_math=True):
    assert not torch.backends.cuda.flash_sdp_enabled() and torch.backends.cuda.math_sdp_enabled()
assert torch.backends.cuda.flash_sdp_enabled()
torch.backends.cuda.enable_math_sdp(False)
assert not torch.backends.cuda.math_sdp_enabled()
`)
  })
})
