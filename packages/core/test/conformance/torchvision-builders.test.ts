import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import type { Analysis } from '../../src/index.js'

/**
 * What torchvision 0.28 builds for the detection, segmentation, video, optical-flow and quantization
 * builders under many arguments (`num_classes`, `aux_loss`, `weights`, `weights_backbone=None`,
 * `trainable_backbone_layers`, …), measured with PyTorch 2.13 by `test/fixtures/torchvision-0.28.py`:
 * a SHA-256 of `named_parameters()` (name, shape, requires_grad), of `named_buffers()` (name, shape,
 * dtype) and of `named_modules()` (name, class), the full listings for some, and for some the output
 * shapes and bytes saved for backward of a training forward on the CPU.
 */
interface BuilderCase {
  expr: string
  class: string
  params: string
  buffers: string
  modules: string
  param_list?: string
  buffer_list?: string
  input_shapes?: number[][]
  output_shapes?: number[][]
  saved?: number
  saved_with_input?: number
}

const fixture = fileURLToPath(new URL('../fixtures/torchvision-0.28.jsonl', import.meta.url))
const cases: BuilderCase[] = readFileSync(fixture, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as BuilderCase)

/**
 * Forward figures that differ from PyTorch 2.13 only by kernels nnsize still models as PyTorch 1.13 ran
 * them, keyed `expr|input shapes`: nnsize's saved bytes minus PyTorch 2.13's, and why. Each was checked
 * by hand (per-module attribution of the saved tensors in PyTorch 2.13). When 2.13's kernels are
 * modelled, each entry fails until it is removed here.
 */
const awaitingTorch213Kernels: Readonly<Record<string, { delta: number; kernel: string }>> = {
  'torchvision.models.video.s3d()|[[1,3,16,224,224]]': { delta: 1600, kernel: '`torch.mean` keeps nothing in 2.13 (1.13 kept its 1×400×1×1×1 input)' },
  'torchvision.models.video.swin3d_t()|[[1,3,16,64,64]]': { delta: 98400, kernel: 'adaptive average pooling to 1×1×1 keeps nothing (its 1×768×8×2×2 input in 1.13), and `q * head_dim ** -0.5` keeps no scalar (12 × 8 bytes in 1.13)' },
  'torchvision.models.video.swin3d_t()|[[1,3,8,112,112]]': { delta: 196704, kernel: 'adaptive average pooling to 1×1×1 keeps nothing (1×768×4×4×4 in 1.13), and no Python-scalar multiplier is kept (12 × 8 bytes)' },
  'torchvision.models.video.swin3d_t()|[[2,3,4,32,32]]': { delta: 12384, kernel: 'adaptive average pooling to 1×1×1 keeps nothing (2×768×2×1×1 in 1.13), and no Python-scalar multiplier is kept (12 × 8 bytes)' },
  'torchvision.models.video.mvit_v1_b()|[[1,3,16,224,224]]': { delta: 128, kernel: '`self.scaler * q` keeps no scalar in 2.13 (16 blocks × 8 bytes in 1.13)' },
  'torchvision.models.video.mvit_v2_s()|[[1,3,16,224,224]]': { delta: 128, kernel: '`self.scaler * q` keeps no scalar in 2.13 (16 blocks × 8 bytes in 1.13)' },
  'torchvision.models.optical_flow.raft_small()|[[1,3,128,128],[1,3,128,128]]': { delta: 96, kernel: '`8 * F.interpolate(flow)` keeps no scalar in 2.13 (12 updates × 8 bytes in 1.13)' },
  'torchvision.models.optical_flow.raft_small()|[[2,3,136,128],[2,3,136,128]]': { delta: 96, kernel: '`8 * F.interpolate(flow)` keeps no scalar in 2.13 (12 updates × 8 bytes in 1.13)' },
  'torchvision.models.optical_flow.raft_large()|[[1,3,128,160],[1,3,128,160]]': { delta: 192, kernel: '`0.25 * x` (mask) and `8 * flow` keep no scalar in 2.13 (24 × 8 bytes in 1.13)' },
  'torchvision.models.quantization.mobilenet_v3_large()|[[1,3,64,64]]': { delta: 15360, kernel: 'adaptive average pooling to 1×1 keeps nothing in 2.13 (the classifier\'s 1×960×2×2 input, and the squeeze-excitation inputs where no other op keeps them)' },
  'torchvision.models.quantization.googlenet()|[[2,3,96,96]]': { delta: 73728, kernel: 'adaptive average pooling to 1×1 keeps nothing in 2.13 (1.13 kept its 2×1024×3×3 input)' },
  'torchvision.models.quantization.inception_v3()|[[2,3,299,299]]': { delta: 1048576, kernel: 'adaptive average pooling to 1×1 keeps nothing in 2.13 (1.13 kept its 2×2048×8×8 input)' },
}

const key = (c: BuilderCase): string => `${c.expr}${c.input_shapes ? `|${JSON.stringify(c.input_shapes)}` : ''}`

/** The rows PyTorch lists, as the fixture script writes them: fields joined by spaces, shapes as `AxBxC`. */
function rows(analysis: Analysis): { params: string[]; buffers: string[]; modules: string[] } {
  const tensors = analysis.tensors
  return {
    params: tensors.filter((t) => t.kind === 'parameter').map((t) => `${t.name} ${t.shape.join('x')} ${t.trainable ? 1 : 0}`),
    buffers: tensors.filter((t) => t.kind === 'buffer').map((t) => `${t.name} ${t.shape.join('x')} ${t.dtype}`),
    modules: analysis.modules.map((m) => `${m.path} ${m.type}`),
  }
}

const sha256 = (lines: readonly string[]): string => createHash('sha256').update(lines.join('\n')).digest('hex')

/** Undoes the fixture's front coding: `<shared prefix length> <rest of the name> <fields…>` per line. */
function unfront(listing: string): string[] {
  let previous = ''
  return listing.split('\n').map((line) => {
    const [shared, rest, ...fields] = line.split(' ')
    const name = previous.slice(0, Number(shared)) + (rest ?? '')
    previous = name
    return [name, ...fields].join(' ')
  })
}

describe('torchvision 0.28 builders (test/fixtures/torchvision-0.28.jsonl): names, shapes, trainable flags, buffers, classes, forward', () => {
  it('has the measured cases, and every awaited kernel names one of them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(90)
    for (const id of Object.keys(awaitingTorch213Kernels)) expect(cases.some((c) => key(c) === id), id).toBe(true)
  })
  for (const c of cases) {
    it(key(c), () => {
      const analysis = analyze(c.expr, c.input_shapes ? { input: c.input_shapes, device: 'cpu' } : {})
      expect(analysis.module).toBe(c.class)
      const got = rows(analysis)
      if (c.param_list !== undefined) expect(got.params).toEqual(unfront(c.param_list))
      if (c.buffer_list !== undefined) expect(got.buffers).toEqual(c.buffer_list === '' ? [] : unfront(c.buffer_list))
      expect(sha256(got.params), 'named_parameters() (name, shape, requires_grad)').toBe(c.params)
      expect(sha256(got.buffers), 'named_buffers() (name, shape, dtype)').toBe(c.buffers)
      expect(sha256(got.modules), 'named_modules() (name, class)').toBe(c.modules)
      if (!c.input_shapes) return
      const forward = analysis.forward!
      expect(forward.outputs.map((o) => [...o.shape]), 'output shapes').toEqual(c.output_shapes)
      const awaited = awaitingTorch213Kernels[key(c)]
      const note = awaited ? ` (awaiting the 2.13 kernel: ${awaited.kernel}; remove the entry when exact)` : ''
      expect(Number(forward.savedBytes) - c.saved!, `saved bytes minus PyTorch 2.13's${note}`).toBe(awaited?.delta ?? 0)
      expect(Number(forward.savedBytesWithInput) - c.saved_with_input!, `saved bytes with input minus PyTorch 2.13's${note}`).toBe(awaited?.delta ?? 0)
    })
  }
})
