import { fieldChoices } from '@nnsize/core/request'
import type { FieldId } from '@nnsize/core/request'
import { UsageError } from './errors.js'

/** Everything the command line can set. */
export interface CliOptions {
  input?: string | undefined
  model?: string | undefined
  call?: string | undefined
  root?: string | undefined
  device?: string | undefined
  torch?: string | undefined
  depth?: string | undefined
  units?: string | undefined
  tensors?: boolean | undefined
  json?: boolean | undefined
  jsonl?: boolean | undefined
  markdown?: boolean | undefined
  csv?: boolean | undefined
  explain?: boolean | undefined
  verify?: boolean | undefined
  compare?: string | undefined
  share?: boolean | undefined
  color?: boolean | undefined
  debug?: boolean | undefined
  inference?: boolean | undefined
  optimizer?: string | undefined
  precision?: string | undefined
  weights?: string | undefined
  batch?: string | undefined
  seq?: string | undefined
  gradAccum?: string | undefined
  checkpointing?: string | undefined
  gpus?: string | undefined
  gpusPerNode?: string | undefined
  nodes?: string | undefined
  zero?: string | undefined
  tp?: string | undefined
  pp?: string | undefined
  offload?: string | undefined
  offloadParams?: string | undefined
  estimator?: string | undefined
  lora?: string | undefined
  qlora?: boolean | undefined
  kvDtype?: string | undefined
  overhead?: string | undefined
  activationBytes?: string | undefined
  gpu?: string | undefined
  tokens?: string | undefined
  mfu?: string | undefined
}

/** One command-line option: its flags, help line, example, group and the request field it fills. */
export interface OptionSpec {
  /** Commander flags: `-i, --input <shape>`. */
  flags: string
  /** The property of {@link CliOptions} it sets. */
  key: keyof CliOptions
  description: string
  /** A value to show in the help line and in "needs a value" messages. */
  example?: string
  group: 'Input' | 'Output' | 'Memory' | 'Other'
  /** Fixed choices (also offered by shell completion): the core's list for the field. */
  choices?: readonly string[]
  /** The request field the option fills; the core checks its value. */
  field?: FieldId
  /** Options it cannot be combined with. */
  conflicts?: readonly string[]
  /** A value starting with `-` is allowed (it is not taken for a forgotten value). */
  dashValue?: boolean
  /** Its value may be a path: shell completion offers files and folders. */
  files?: boolean
}

/** Output modes that each replace the terminal report; at most one may be given. */
export const outputModes = ['json', 'jsonl', 'markdown', 'csv', 'verify', 'share'] as const

/** Every option of the main command, in help order. */
export const optionSpecs: readonly OptionSpec[] = [
  { flags: '-i, --input <shape>', key: 'input', field: 'input', group: 'Input', description: 'forward-pass input shape(s), for output shapes, MACs and activation memory', example: '1,3,224,224' },
  {
    flags: '-m, --model <expr>',
    key: 'model',
    field: 'entry',
    group: 'Input',
    description: 'for a model file or folder: the expression that builds the model, evaluated after the file',
    example: '"ResNet18()"',
    conflicts: ['jsonl'],
  },
  { flags: '--call <expr>', key: 'call', field: 'call', group: 'Input', description: 'how forward is called when not as m(*x): an expression over m (the model) and x (the inputs)', example: '"m(x[0], m.init_hidden(4))"' },
  { flags: '--root <dir>', key: 'root', group: 'Input', description: "for a model file or folder: the folder first on the module path (default: the current directory)", example: 'src', files: true, conflicts: ['jsonl'] },
  { flags: '--device <kernels>', key: 'device', field: 'device', group: 'Input', description: 'cpu or cuda: whose kernels activation memory follows (default: cuda)', example: 'cpu', choices: fieldChoices.device },
  { flags: '--torch <version>', key: 'torch', field: 'torch', group: 'Input', description: 'the PyTorch release whose behaviour to reproduce (default: 2.13)', example: '1.13', choices: fieldChoices.torch },
  { flags: '-d, --depth <levels>', key: 'depth', field: 'depth', group: 'Output', description: 'deepest module level in the tables; default 2, CSV all', example: '3' },
  { flags: '--units <units>', key: 'units', field: 'units', group: 'Output', description: 'iec (MiB, GiB) or si (MB, GB): the byte units shown first', example: 'si', choices: fieldChoices.units },
  { flags: '--tensors', key: 'tensors', group: 'Output', description: 'list every parameter and buffer (default: the first 30)' },
  { flags: '--explain', key: 'explain', group: 'Output', description: 'show how every number is derived, in words and numbers', conflicts: ['json', 'jsonl', 'csv', 'verify', 'share'] },
  { flags: '--json', key: 'json', group: 'Output', description: 'print the result as JSON (integers above 2^53 as strings)' },
  { flags: '--jsonl', key: 'jsonl', group: 'Output', description: 'read one input per line (stdin or a file; lines may be paths of weight files), print one JSON object per line' },
  { flags: '--markdown', key: 'markdown', group: 'Output', description: 'print Markdown tables, ready for a README' },
  { flags: '--csv', key: 'csv', group: 'Output', description: 'print the per-module table as CSV (weight files: every tensor as stored)' },
  { flags: '--verify', key: 'verify', group: 'Output', description: 'print a PyTorch script that checks the same numbers' },
  {
    flags: '--compare <other>',
    key: 'compare',
    group: 'Output',
    description: 'compare with another input (a weight file: which tensors differ), or with other options ("--device cpu")',
    example: '"Conv2d(128, 256, 3, bias=False)"',
    dashValue: true,
    files: true,
    conflicts: ['jsonl', 'csv', 'verify', 'share'],
  },
  { flags: '--share', key: 'share', group: 'Output', description: 'print a playground link that opens this input and these options' },
  { flags: '--inference', key: 'inference', field: 'mode', group: 'Memory', description: 'plan memory for serving (weights, KV cache, activations) instead of training' },
  { flags: '--optimizer <optimizer>', key: 'optimizer', field: 'optimizer', group: 'Memory', description: 'training optimizer, in PyTorch syntax or by name (default AdamW)', example: '"AdamW(lr=1e-4)"' },
  { flags: '--precision <mode>', key: 'precision', field: 'precision', group: 'Memory', description: 'training precision: fp32, bf16-mixed, 16-mixed, bf16, mixed-bf16, fp8, … (bytes per parameter below)', example: 'bf16-mixed' },
  { flags: '--weights <format>', key: 'weights', field: 'weights', group: 'Memory', description: 'inference weight format: bf16, fp8, int8, int4 (GPTQ), awq, exl2:4.65, hqq, nf4, bnb-fp4, mxfp4, nvfp4, q4_k, …', example: 'int8' },
  { flags: '--batch <size>', key: 'batch', field: 'batch', group: 'Memory', description: 'samples per GPU per step (default: the batch of --input, else 1)', example: '8' },
  { flags: '--seq <tokens>', key: 'seq', field: 'seq', group: 'Memory', description: 'tokens per sequence: the KV cache (with --inference) and a Hugging Face config\'s activations', example: '8192' },
  { flags: '--grad-accum <steps>', key: 'gradAccum', field: 'gradAccum', group: 'Memory', description: 'gradient accumulation steps', example: '4' },
  { flags: '--checkpointing <mode>', key: 'checkpointing', field: 'checkpointing', group: 'Memory', description: 'activation checkpointing: none, selective or full', example: 'full', choices: fieldChoices.checkpointing },
  { flags: '--gpus <count>', key: 'gpus', field: 'gpus', group: 'Memory', description: 'number of GPUs', example: '8' },
  { flags: '--gpus-per-node <count>', key: 'gpusPerNode', field: 'gpusPerNode', group: 'Memory', description: 'GPUs per node (default: 8, or --gpus when fewer; --gpus ÷ --nodes with --nodes)', example: '4' },
  { flags: '--nodes <count>', key: 'nodes', field: 'nodes', group: 'Memory', description: 'nodes: GPUs = nodes × GPUs per node (give two of --nodes, --gpus-per-node, --gpus)', example: '2' },
  { flags: '--zero <stage>', key: 'zero', field: 'sharding', group: 'Memory', description: 'ZeRO stage 0-3, or an FSDP strategy (full_shard, shard_grad_op, hybrid_shard)', example: '3' },
  { flags: '--tp <degree>', key: 'tp', field: 'tp', group: 'Memory', description: 'tensor-parallel degree', example: '2' },
  { flags: '--pp <degree>', key: 'pp', field: 'pp', group: 'Memory', description: 'pipeline-parallel degree', example: '2' },
  { flags: '--offload <target>', key: 'offload', field: 'offload', group: 'Memory', description: 'ZeRO-Offload of the optimizer state: cpu or nvme', example: 'cpu', choices: fieldChoices.offload },
  { flags: '--offload-params <target>', key: 'offloadParams', field: 'offloadParams', group: 'Memory', description: 'parameter offload (ZeRO-3, FSDP): cpu or nvme', example: 'cpu', choices: fieldChoices.offloadParams },
  { flags: '--estimator <name>', key: 'estimator', field: 'estimator', group: 'Memory', description: "nnsize (default) or deepspeed: also print DeepSpeed's own ZeRO-2/3 estimate for every offload combination", example: 'deepspeed', choices: fieldChoices.estimator },
  { flags: '--lora <spec>', key: 'lora', field: 'lora', group: 'Memory', description: 'LoRA adapters: rank, alpha and target modules', example: '"r=16,alpha=32,target=q_proj|v_proj"' },
  { flags: '--qlora', key: 'qlora', field: 'qlora', group: 'Memory', description: 'QLoRA: the frozen base in 4-bit NF4 (with --lora)' },
  { flags: '--kv-dtype <dtype>', key: 'kvDtype', field: 'kvDtype', group: 'Memory', description: 'KV cache entries: bf16 (default), fp16, fp8, fp32', example: 'fp8' },
  { flags: '--activation-bytes <bytes>', key: 'activationBytes', field: 'activationBytes', group: 'Memory', description: 'activation memory of one sample, when no input shape can be traced (Hugging Face configs)', example: '1.5GiB' },
  { flags: '--overhead <bytes>', key: 'overhead', field: 'overhead', group: 'Memory', description: 'framework overhead per GPU (default 1 GiB)', example: '2GiB' },
  { flags: '--gpu <name>', key: 'gpu', field: 'gpu', group: 'Memory', description: 'accelerator to fit on (h100, a100-40, 4090, mi300x, m3-max-128; nnsize gpus lists them), or a size with its unit: does it fit, how many are needed?', example: 'h100' },
  { flags: '--tokens <count>', key: 'tokens', field: 'tokens', group: 'Memory', description: 'training tokens, for the run\'s FLOPs and time on --gpu; exact, with K, M, B, T for 10^3 … 10^12', example: '15.6T' },
  { flags: '--mfu <fraction>', key: 'mfu', field: 'mfu', group: 'Memory', description: 'model FLOPs utilisation the training time assumes: a fraction or a percentage (default 40%)', example: '45%' },
  { flags: '--color', key: 'color', group: 'Other', description: 'colour even when not on a terminal' },
  { flags: '--no-color', key: 'color', group: 'Other', description: 'no colour (NO_COLOR=1 does the same)' },
  { flags: '--debug', key: 'debug', group: 'Other', description: 'print stack traces of unexpected errors' },
]

/** The memory-planning options, in help order. */
export const memoryKeys = optionSpecs.filter((o) => o.group === 'Memory').map((o) => o.key)

/** True when any memory-planning option was given. */
export function wantsMemory(given: ReadonlySet<keyof CliOptions>): boolean {
  return memoryKeys.some((k) => given.has(k))
}

/** `--input` from `-i, --input <shape>`. */
export function longFlag(spec: OptionSpec): string {
  return /--[\w-]+/.exec(spec.flags)![0]
}

/** The flag that fills a request field, in backticks: how the command line names a field in notes and errors. */
export function fieldFlag(field: FieldId): string {
  const spec = optionSpecs.find((o) => o.field === field)
  return spec ? `\`${longFlag(spec)}\`` : field === 'source' ? 'the input' : `\`${field}\``
}

/** Splits a string into arguments as a POSIX shell would for simple quoting: `--input "1, 3"` → two arguments. */
export function splitArgs(text: string): string[] {
  const out: string[] = []
  let current = ''
  let quote: '"' | "'" | undefined
  let started = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quote) {
      if (ch === quote) quote = undefined
      else if (ch === '\\' && quote === '"' && (text[i + 1] === '"' || text[i + 1] === '\\')) current += text[++i]
      else current += ch
    } else if (ch === '"' || ch === "'") {
      quote = ch
      started = true
    } else if (/\s/.test(ch)) {
      if (started) out.push(current)
      current = ''
      started = false
    } else {
      current += ch
      started = true
    }
  }
  if (quote) throw new UsageError(`unclosed ${quote} in --compare`)
  if (started) out.push(current)
  return out
}
