import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/index.js'
import type { Analysis } from '../../src/index.js'
import { readCases } from './reference.js'

/** The forward half of one line of `code.jsonl` (see CODE.md). */
interface CodeForwardCase {
  id: string
  files: Record<string, string>
  main: string
  import_root: string
  entry: string
  input_shape?: number[]
  input_shapes?: number[][]
  input_dtype?: string
  input_dtypes?: Array<string | null>
  forward_call?: string
  mode?: string
  output_shape?: number[]
  output_shapes?: number[][]
  output_structure?: string
  saved_activation_bytes?: number
  saved_activation_bytes_incl_input?: number
}

const cases = readCases<CodeForwardCase>('code.jsonl').filter((c) => c.input_shape !== undefined || c.input_shapes !== undefined)
const only = process.env['NNSIZE_CASES']

/** The `--input` text of a case: shapes with their dtypes (`12,4:int64`). */
export function inputText(c: CodeForwardCase): string {
  const shapes = c.input_shapes ?? [c.input_shape!]
  return shapes
    .map((shape, i) => {
      const dtype = c.input_dtypes?.[i] ?? c.input_dtype
      return `${shape.join(',')}${dtype ? `:${dtype}` : ':float32'}`
    })
    .join('; ')
}

/**
 * Cases whose figures nnsize reproduces, by figure. A case listed here must match exactly; one not listed is
 * skipped with the reason nnsize cannot answer it yet.
 */
const passing: Record<'output' | 'saved', ReadonlySet<string>> = {
  output: new Set([
    'examples/mnist/Net',
    'examples/mnist_hogwild/Net',
    'examples/mnist_rnn/Net',
    'examples/vae/VAE',
    'examples/reinforcement_learning/actor_critic/Policy',
    'examples/reinforcement_learning/reinforce/Policy',
    'examples/word_language_model/TransformerModel',
    'examples/word_language_model/TransformerModel-main-defaults',
    'examples/word_language_model/PositionalEncoding',
    'examples/super_resolution/Net-x3',
    'examples/super_resolution/Net-x2',
    'examples/fast_neural_style/TransformerNet',
    'examples/siamese_network/SiameseNetwork',
    'examples/gat/GAT',
    'examples/gat/GAT-concat',
    'examples/time_sequence_prediction/Sequence',
    'examples/distributed/FSDP2/Transformer-default-args',
    'examples/distributed/FSDP2/Transformer',
    'examples/distributed/tensor_parallelism/llama2-small',
    'examples/distributed/tensor_parallelism/llama2-from_model_args',
    'examples/distributed/minGPT-ddp/GPT-nano',
    'examples/distributed/minGPT-ddp/GPT-gpt2',
    'pytorch-cifar/LeNet',
    'pytorch-cifar/VGG11',
    'pytorch-cifar/VGG13',
    'pytorch-cifar/VGG16',
    'pytorch-cifar/VGG19',
    'pytorch-cifar/ResNet18',
    'pytorch-cifar/MobileNetV2',
    'pytorch-cifar/PreActResNet18',
    'pytorch-cifar/GoogLeNet',
    'examples/dcgan/Generator',
    'examples/dcgan/Discriminator',
    'examples/gcn/GCN',
    'examples/gcn/GCN-main-defaults',
  ]),
  saved: new Set([
    'examples/mnist/Net',
    'examples/mnist_hogwild/Net',
    'examples/mnist_rnn/Net',
    'examples/vae/VAE',
    'examples/reinforcement_learning/actor_critic/Policy',
    'examples/reinforcement_learning/reinforce/Policy',
    'examples/word_language_model/TransformerModel',
    'examples/word_language_model/TransformerModel-main-defaults',
    'examples/word_language_model/PositionalEncoding',
    'examples/super_resolution/Net-x3',
    'examples/super_resolution/Net-x2',
    'examples/fast_neural_style/TransformerNet',
    'examples/siamese_network/SiameseNetwork',
    'examples/gat/GAT',
    'examples/gat/GAT-concat',
    'examples/time_sequence_prediction/Sequence',
    'examples/distributed/FSDP2/Transformer-default-args',
    'examples/distributed/minGPT-ddp/GPT-nano',
    'examples/distributed/minGPT-ddp/GPT-gpt2',
    'pytorch-cifar/LeNet',
    'pytorch-cifar/VGG11',
    'pytorch-cifar/VGG13',
    'pytorch-cifar/VGG16',
    'pytorch-cifar/VGG19',
    'pytorch-cifar/ResNet18',
    'pytorch-cifar/MobileNetV2',
    'pytorch-cifar/PreActResNet18',
    'pytorch-cifar/GoogLeNet',
    'examples/dcgan/Generator',
    'examples/dcgan/Discriminator',
    'examples/distributed/FSDP2/Transformer',
    'examples/distributed/tensor_parallelism/llama2-small',
    'examples/distributed/tensor_parallelism/llama2-from_model_args',
  ]),
}

function run(c: CodeForwardCase): Analysis {
  return analyze({ files: c.files, main: c.main, entry: c.entry, root: c.import_root }, { input: inputText(c), device: 'cpu' })
}

describe('code.jsonl: the forward pass of real model files matches PyTorch 2.13 (CPU kernels, training mode)', () => {
  for (const c of cases) {
    if (only && !c.id.includes(only)) continue
    if (c.forward_call !== undefined) continue
    const check = passing.output.has(c.id) ? it : it.skip
    check(`${c.id}: output shapes`, () => {
      const forward = run(c).forward!
      const shapes = forward.outputs.map((t) => [...t.shape])
      expect(shapes[0], 'output shape').toEqual(c.output_shape)
      if (c.output_shapes) expect(shapes, 'output shapes').toEqual(c.output_shapes)
    })
    const checkSaved = passing.saved.has(c.id) ? it : it.skip
    checkSaved(`${c.id}: saved activation bytes`, () => {
      const forward = run(c).forward!
      expect(Number(forward.savedBytes), 'saved activation bytes').toBe(c.saved_activation_bytes)
      expect(Number(forward.savedBytesWithInput), 'saved activation bytes incl. input').toBe(c.saved_activation_bytes_incl_input)
    })
  }
})

describe.runIf(process.env['NNSIZE_REPORT'])('code.jsonl forward report', () => {
  it('reports every case', () => {
    const lines: string[] = []
    for (const c of cases) {
      if (only && !c.id.includes(only)) continue
      if (c.forward_call !== undefined) {
        lines.push(`${c.id}\tCALL`)
        continue
      }
      try {
        const forward = run(c).forward!
        const shapes = forward.outputs.map((t) => [...t.shape])
        const outputOk = JSON.stringify(shapes[0]) === JSON.stringify(c.output_shape) && (!c.output_shapes || JSON.stringify(shapes) === JSON.stringify(c.output_shapes))
        const savedOk = Number(forward.savedBytes) === c.saved_activation_bytes && Number(forward.savedBytesWithInput) === c.saved_activation_bytes_incl_input
        lines.push(`${c.id}\t${outputOk ? 'OUT' : `out ${JSON.stringify(shapes)} vs ${JSON.stringify(c.output_shapes ?? c.output_shape)}`}\t${savedOk ? 'SAVED' : `saved ${forward.savedBytes}/${forward.savedBytesWithInput} vs ${c.saved_activation_bytes}/${c.saved_activation_bytes_incl_input}`}`)
      } catch (error) {
        lines.push(`${c.id}\tERROR ${(error as Error).message.slice(0, 200)}`)
      }
    }
    console.log(lines.join('\n'))
    expect(lines.length).toBeGreaterThan(0)
  })
})
