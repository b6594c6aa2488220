import type { FieldId } from '@nnsize/core/request'

/** The page's name for each request field: the label of its control, as notes and errors name it. */
const labels: Readonly<Record<FieldId, string>> = {
  source: 'PyTorch model',
  input: 'Input shape',
  entry: 'Model to build',
  call: 'Forward call',
  device: 'Activations as saved by',
  torch: 'PyTorch version',
  units: 'Byte units',
  depth: 'Open to depth',
  mode: 'Plan for',
  optimizer: 'Optimizer',
  precision: 'Precision',
  weights: 'Weights',
  batch: 'Batch per GPU',
  seq: 'Context length',
  gradAccum: 'Gradient accumulation',
  checkpointing: 'Activation checkpointing',
  activationBytes: 'Activations per sample',
  overhead: 'Framework reserve',
  gpus: 'GPUs',
  gpusPerNode: 'GPUs per node',
  nodes: 'Nodes',
  estimator: 'Estimator',
  sharding: 'Sharding',
  offload: 'Optimizer offload',
  offloadParams: 'Parameter offload',
  tp: 'Tensor parallel',
  pp: 'Pipeline parallel',
  kvDtype: 'KV cache dtype',
  lora: 'LoRA',
  qlora: 'QLoRA',
  gpu: 'Fit on',
  tokens: 'Training tokens',
  mfu: 'MFU',
}

/** How the page names a field inside a sentence: its label in quotes (“Input shape”). */
export function pageFieldLabel(field: FieldId): string {
  return `“${labels[field]}”`
}
