import type { ShareState } from '@nnsize/core'

/** One entry of the examples gallery: a title, a line saying what it shows, and the state it loads. */
export interface Example {
  id: string
  title: string
  blurb: string
  state: ShareState
}

/**
 * The gallery, in the order a newcomer would read it. Each loads a whole page state; an example
 * whose layers or models the core does not know yet is left out of the gallery (see `availableExamples`).
 */
export const examples: readonly Example[] = [
  {
    id: 'conv',
    title: 'Conv2d(128, 256, 3)',
    blurb: 'The question nnsize was made for: weights plus one bias per output channel.',
    state: { source: 'Conv2d(128, 256, 3)', input: '1,128,56,56' },
  },
  {
    id: 'conv-no-bias',
    title: 'Conv2d without bias',
    blurb: 'The same layer with bias=False, as it sits before a BatchNorm.',
    state: { source: 'Conv2d(128, 256, 3, bias=False)', input: '1,128,56,56' },
  },
  {
    id: 'small-cnn',
    title: 'A small CNN',
    blurb: 'Two conv blocks and a classifier for 32×32 images.',
    state: {
      source: [
        'nn.Sequential(',
        '    nn.Conv2d(3, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),',
        '    nn.MaxPool2d(2),',
        '    nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),',
        '    nn.MaxPool2d(2),',
        '    nn.Flatten(),',
        '    nn.Linear(64 * 8 * 8, 10),',
        ')',
      ].join('\n'),
      input: '8,3,32,32',
    },
  },
  {
    id: 'mlp',
    title: 'An MLP with a shared block',
    blurb: 'Assignments and reuse: the same block twice counts its parameters once.',
    state: {
      source: ['block = nn.Sequential(nn.Linear(512, 512), nn.ReLU())', 'nn.Sequential(nn.Linear(784, 512), nn.ReLU(), block, block, nn.Linear(512, 10))'].join('\n'),
      input: '32,784',
    },
  },
  {
    id: 'transformer-block',
    title: 'A transformer block',
    blurb: 'One encoder layer: attention, feed-forward and two LayerNorms.',
    state: { source: 'nn.TransformerEncoderLayer(d_model=512, nhead=8, batch_first=True)', input: '1,128,512' },
  },
  {
    id: 'resnet50',
    title: 'ResNet-50',
    blurb: 'torchvision’s resnet50 with a 224×224 image.',
    state: { source: 'resnet50()', input: '1,3,224,224' },
  },
  {
    id: 'gpt2',
    title: 'GPT-2',
    blurb: 'GPT-2 small from its Hugging Face config, served with a 1,024-token KV cache.',
    state: { source: 'gpt2', mode: 'inference', seq: '1024', batch: '1' },
  },
  {
    id: 'llama-train',
    title: 'Llama-3.1-8B, AdamW, bf16, 8 × H100, ZeRO-3',
    blurb: 'Does full fine-tuning fit? Weights, gradients and optimizer state per GPU.',
    state: {
      source: 'llama-3.1-8b',
      mode: 'training',
      optimizer: 'AdamW',
      precision: 'mixed-bf16',
      batch: '1',
      gpus: '8',
      sharding: '3',
      gpu: 'h100-80gb',
    },
  },
]
