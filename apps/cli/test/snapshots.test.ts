import { describe, expect, it } from 'vitest'
import { run } from '../src/program.js'
import type { CliIO } from '../src/program.js'

/** The terminal report as a user sees it: a terminal `columns` wide, colours off unless asked. */
async function terminal(argv: string[], options: { columns?: number; color?: boolean } = {}): Promise<string> {
  let stdout = ''
  let stderr = ''
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: undefined,
    env: options.color ? {} : { NO_COLOR: '1' },
    isTTY: true,
    columns: options.columns ?? 100,
    cwd: process.cwd(),
  }
  const code = await run(argv, io)
  expect(stderr).toBe('')
  expect(code).toBe(0)
  return stdout
}

const cnn = `nn.Sequential(
    nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(),
    nn.Sequential(nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU()),
    nn.Sequential(nn.Conv2d(64, 128, 3, stride=2, padding=1), nn.ReLU()),
    nn.Conv2d(128, 10, 1),
)`

const mlp = `encoder = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 64)).requires_grad_(False)
head = nn.Linear(64, 10)
nn.Sequential(encoder, nn.ReLU(), head)`

const shared = `block = nn.Sequential(nn.Linear(512, 512), nn.ReLU())
nn.ModuleDict({"a": block, "b": block, "c": nn.Linear(512, 512, bias=False, dtype=torch.bfloat16)})`

describe('terminal report snapshots', () => {
  it('Conv2d(128, 256, 3)', async () => {
    await expect(await terminal(['Conv2d(128, 256, 3)'])).toMatchFileSnapshot('__snapshots__/conv2d.txt')
  })
  it('a small CNN on a batch of 8 images', async () => {
    await expect(await terminal([cnn, '--input', '8,3,64,64'])).toMatchFileSnapshot('__snapshots__/cnn-input.txt')
  })
  it('the CNN in a 60-column terminal', async () => {
    await expect(await terminal([cnn, '--input', '8,3,64,64'], { columns: 60 })).toMatchFileSnapshot('__snapshots__/cnn-input-60-columns.txt')
  })
  it('an MLP with a frozen encoder, explained', async () => {
    await expect(await terminal([mlp, '--explain'])).toMatchFileSnapshot('__snapshots__/mlp-frozen-explain.txt')
  })
  it('a block shared twice, and a bfloat16 layer', async () => {
    await expect(await terminal([shared, '--depth', '1'])).toMatchFileSnapshot('__snapshots__/shared-block.txt')
  })
  it('with and without bias, compared', async () => {
    await expect(await terminal(['Conv2d(128, 256, 3)', '--compare', 'Conv2d(128, 256, 3, bias=False)'])).toMatchFileSnapshot('__snapshots__/compare-bias.txt')
  })
  it('a CNN with batch norm and dropout: buffers and every tensor', async () => {
    const source = 'nn.Sequential(nn.Conv2d(3, 16, 3), nn.BatchNorm2d(16), nn.ReLU(), nn.Dropout(0.1), nn.Conv2d(16, 8, 1))'
    await expect(await terminal([source, '--input', '2,3,16,16', '--tensors'])).toMatchFileSnapshot('__snapshots__/cnn-batchnorm.txt')
  })
  it('a two-layer bidirectional LSTM in 80 columns, explained', async () => {
    await expect(await terminal(['nn.LSTM(128, 256, num_layers=2, bidirectional=True)', '--input', '10,4,128', '--explain'], { columns: 80 })).toMatchFileSnapshot('__snapshots__/lstm-explain-80-columns.txt')
  })
  it('torchvision resnet18 on one image', async () => {
    await expect(await terminal(['resnet18', '--input', '1,3,224,224'])).toMatchFileSnapshot('__snapshots__/resnet18-input.txt')
  })
  it('GPT-2 from the catalogue, trained with AdamW in bf16 on 4 GPUs with ZeRO-2', async () => {
    await expect(await terminal(['gpt2', '--optimizer', 'AdamW(lr=1e-4)', '--precision', 'bf16-mixed', '--gpus', '4', '--zero', '2', '--gpu', 'rtx-4090'], { columns: 120 })).toMatchFileSnapshot('__snapshots__/gpt2-training-zero2.txt')
  })
  it('Llama-3.1-8B served in int8 with an 8k context', async () => {
    await expect(await terminal(['llama-3.1-8b', '--inference', '--weights', 'int8', '--seq', '8192', '--batch', '4', '--gpu', 'l4'], { columns: 120 })).toMatchFileSnapshot('__snapshots__/llama-inference-int8.txt')
  })
  it('a small MLP trained with SGD, every memory line explained', async () => {
    const source = 'nn.Sequential(nn.Linear(1024, 4096), nn.GELU(), nn.Linear(4096, 1024))'
    await expect(await terminal([source, '--input', '32,512,1024', '--optimizer', 'SGD(lr=0.1, momentum=0.9)', '--checkpointing', 'full', '--gpu', '24GiB', '--explain'])).toMatchFileSnapshot('__snapshots__/mlp-memory-explain.txt')
  })
  it('Conv2d(128, 256, 3) in colour', async () => {
    await expect(await terminal(['Conv2d(128, 256, 3)'], { color: true })).toMatchFileSnapshot('__snapshots__/conv2d-color.ansi')
  })
})
