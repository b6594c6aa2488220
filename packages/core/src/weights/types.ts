import type { Analysis } from '../analyze.js'

/** The weight-file formats nnsize reads. */
export type WeightsFormat = 'safetensors' | 'pytorch' | 'gguf' | 'onnx' | 'keras'

/** One tensor as a weight file declares it, in file order. */
export interface FileTensor {
  /** Its name in the file (`model.layers.0.mlp.up_proj.weight`; nested checkpoint entries joined with `/`). */
  name: string
  /** Outermost dimension first (PyTorch order; GGUF's reversed dimensions are turned around). */
  shape: number[]
  /** The element type as the format names it: `BF16`, `float32`, `Q4_K`, `FLOAT`. */
  dtype: string
  /** The PyTorch dtype name (`bfloat16`), or `null` when PyTorch has none (`Q4_K`, `F6_E2M3`). */
  torchDType: string | null
  /** Product of the shape (`[]` is 1, a 0 gives 0); a sparse tensor's dense size, as PyTorch's `numel()`. */
  elements: bigint
  /**
   * Data bytes: elements × element size, or blocks × block bytes for block-quantised types; a sparse tensor's
   * pieces (indices and values) together.
   */
  bytes: bigint
  /** Name of the file that holds it. */
  file: string
  /**
   * `parameter` or `buffer`, as PyTorch would register it: known from whole-module pickles, otherwise inferred from
   * the name and dtype (see docs/formats/README.md).
   */
  kind: 'parameter' | 'buffer'
  /** safetensors: `[begin, end)` relative to the data section. */
  dataOffsets?: [number, number]
  /** PyTorch: the storage key, the offset in elements into it, and the strides. */
  storage?: string
  storageOffset?: number
  stride?: number[]
  /** PyTorch: saved as an `nn.Parameter`. */
  parameter?: boolean
  /** PyTorch: the `requires_grad` an `nn.Parameter` was saved with; `false` is a frozen parameter (not trained). */
  requiresGrad?: boolean
  /** PyTorch: `false` for a pickled module's non-persistent buffer, which `module.buffers()` lists and `state_dict()` leaves out. */
  persistent?: false
  /**
   * A sparse tensor's layout, as PyTorch names it (`sparse_coo`, `sparse_csr`, `sparse_csc`, `sparse_bsr`,
   * `sparse_bsc`; ONNX sparse initializers are `sparse_coo`). `shape` is its dense shape.
   */
  layout?: string
  /** A sparse tensor's pieces as stored: `indices` and `values` (COO), `compressed_indices`, `plain_indices` and `values`. */
  sparsePieces?: Array<{ role: string; shape: number[]; dtype: string; bytes: bigint }>
  /** GGUF: dimensions as stored (fastest-varying first), the ggml type number, block geometry, offset in the data section. */
  ggufDims?: number[]
  ggmlType?: number
  blockSize?: number
  typeSize?: number
  blocks?: bigint
  offset?: number
  /** ONNX: the subgraph that holds an initializer outside the main graph (`If_0.then_branch`, nested with `/`). */
  subgraph?: string
  /** ONNX: where the data is (`embedded` in the model, or `external` in a side file) and which field holds it. */
  dataLocation?: 'embedded' | 'external'
  external?: { location: string; offset: number; length: number | null }
  storageField?: string
  /** HDF5 (Keras): absolute offset of the data in the HDF5 file, `null` when not allocated; chunked storage. */
  h5Offset?: number | null
  h5Chunked?: boolean
}

/** Elements and bytes of one element type. */
export interface DTypeTotal {
  /** The format's name (`BF16`, `Q4_K`). */
  dtype: string
  torchDType: string | null
  tensors: number
  elements: bigint
  bytes: bigint
}

/** safetensors file details. */
export interface SafetensorsDetails {
  format: 'safetensors'
  /** Bytes of the JSON header (N). */
  headerBytes: number
  /** Where tensor data starts (8 + N). */
  dataStart: number
  /** `__metadata__`, or null. */
  metadata: Record<string, string> | null
}

/** PyTorch (`torch.save`) file details. */
export interface PytorchDetails {
  format: 'pytorch'
  serialization: 'zip' | 'legacy'
  /** The zip's root folder (`archive`, or the file stem). */
  zipRoot: string | null
  byteorder: 'little' | 'big'
  /** Legacy streams: the protocol version (1001). */
  legacyProtocolVersion: number | null
  /** Distinct storages in the file. */
  storages: number
  /** Their bytes: what the file really holds. */
  uniqueBytes: bigint
  /** Every `module.name` the pickle imports, as written, sorted. */
  pickleGlobals: string[]
}

/** A GGUF metadata value: scalars and strings as read; arrays by element type and count, with the values of short numeric ones. */
export type GGUFValue = { type: string; value: string | number | bigint | boolean } | { type: 'ARRAY'; elemType: string; count: number; values?: Array<number | bigint | boolean> }

/** GGUF file details. */
export interface GGUFDetails {
  format: 'gguf'
  version: number
  tensorCount: number
  metadataCount: number
  alignment: number
  /** Absolute offset of the tensor data. */
  dataOffset: number
  metadata: Record<string, GGUFValue>
}

/** ONNX file details. */
export interface ONNXDetails {
  format: 'onnx'
  irVersion: number
  opset: Array<{ domain: string; version: number }>
  producer: string
  graphInputs: string[]
  nodes: number
  /** `Constant` nodes: tensors held in node attributes, not initializers (not counted in `params`). */
  constantNodes: { count: number; elements: bigint }
  /** Side files the initializers point at, with the bytes they must have at least. */
  externalFiles: Array<{ location: string; file: string | null; size: number | null; bytesUsed: bigint }>
}

/** Keras file details. */
export interface KerasDetails {
  format: 'keras'
  container: 'zip' | 'hdf5'
  zipEntries: string[]
  h5Entry: string | null
  /** Where the HDF5 file starts inside the zip (0 for a bare `.h5`). */
  h5EntryOffset: number
}

/** What each format says about one file. */
export type FormatDetails = SafetensorsDetails | PytorchDetails | GGUFDetails | ONNXDetails | KerasDetails

/** One weight file of a set. */
export type WeightsFile = {
  name: string
  /** Size of the file in bytes. */
  size: number
  /** Bytes nnsize read from it. */
  bytesRead: number
  tensors: number
  elements: bigint
  bytes: bigint
} & FormatDetails

/** Tensors, elements and bytes of one entry of a training checkpoint. */
export interface CheckpointEntry {
  key: string
  tensors: number
  params: bigint
  bytes: bigint
}

/** Optimizer state found in a checkpoint (`optimizer.state_dict()`). */
export interface OptimizerStateInfo {
  /** The key path of the optimizer's state dict (`optimizer`). */
  key: string
  /** Which optimizer it looks like (`Adam`, `AdamW`, `SGD`), from its state names and hyper-parameters; null when unknown. */
  optimizer: string | null
  /** Why: the state names and hyper-parameters that decided it. */
  evidence: string
  /** Parameters with state. */
  paramCount: number
  /** State names per parameter (`exp_avg`, `exp_avg_sq`, `step`). */
  stateKeys: string[]
  tensors: number
  elements: bigint
  bytes: bigint
  /** Scalar `step` tensors. */
  stepTensors: number
  paramGroups: number
}

/** A training checkpoint's parts (`{'model': …, 'optimizer': …, 'epoch': 3}`), each counted on its own. */
export interface CheckpointInfo {
  topLevelKeys: string[]
  /** The entry whose tensors are the model (`model`, `state_dict`, …); null when the file is itself a state dict. */
  modelKey: string | null
  perKey: CheckpointEntry[]
  /** Top-level entries that hold no tensor, as plain values (`{ epoch: 3 }`); long values are abbreviated. */
  nonTensorValues: Record<string, unknown>
  optimizer: OptimizerStateInfo | null
}

/** What a pickle imports and what loading it would need. */
export interface PickleInfo {
  /** Every global the pickles import, as written (`__builtin__.set`), sorted. */
  globals: string[]
  /** Globals outside what PyTorch's `weights_only` loader allows: loading needs them importable. Named, never imported. */
  requiresClasses: string[]
  /**
   * Pickle opcodes the file uses that PyTorch's `weights_only` unpickler does not implement (`FRAME`,
   * `STACK_GLOBAL` of protocol 4 and up; `SHORT_BINBYTES` for bytes; `INT`, how protocol 1 writes booleans), sorted.
   */
  refusedOpcodes: string[]
  /** Whether `torch.load(weights_only=True)` loads the file: every global allowed, every opcode implemented. */
  weightsOnlyLoadable: boolean
}

/** A Hugging Face `*.index.json`. */
export interface IndexInfo {
  file: string
  metadata: Record<string, unknown>
  weightMapEntries: number
  /** Shards the index names, in order of first appearance. */
  shards: string[]
}

/** A tensor the config predicts that the files do not hold, or one the files hold that the config does not predict. */
export interface ConfigTensorDifference {
  name: string
  shape: number[]
  /**
   * `tied`: the same weight as `sharedWith`, which the file holds; `buffer`: a buffer some versions save
   * (`rotary_emb.inv_freq`, attention masks); `lora`: a LoRA adapter; `missing`/`unexpected`: not explained.
   */
  reason: 'tied' | 'buffer' | 'lora' | 'missing' | 'unexpected'
  sharedWith?: string
}

/** The config's model against the files' tensors. */
export interface ConfigCheck {
  /** `model.num_parameters()` of the model the config builds (a tied weight once). */
  configParams: bigint
  /** Names in the config model's `state_dict()`. */
  configTensors: number
  /** The files: per-name parameter sum, distinct storage elements, tensors. */
  fileParams: bigint
  fileParamsDedup: bigint
  fileTensors: number
  /**
   * True when the files hold the model the config builds: every name and shape matches except tied names the
   * files leave out and buffers some versions save, and no name the config ties is stored as a tensor of its own.
   * Dtype differences (`retyped`) are listed but do not count: the tensors are the model's, stored in another type.
   */
  consistent: boolean
  missing: ConfigTensorDifference[]
  extra: ConfigTensorDifference[]
  /**
   * Names the config ties to another (`lm_head.weight` to `model.embed_tokens.weight`, with `tie_word_embeddings`)
   * that the files store as a separate tensor: the files hold more parameters than the config's model, and
   * transformers (5.x) keeps the two apart when their values differ, ties them when they are equal.
   */
  untied: Array<{ name: string; shape: number[]; tiedTo: string }>
  reshaped: Array<{ name: string; configShape: number[]; fileShape: number[] }>
  /** Tensors whose file dtype differs from the config's `torch_dtype`. */
  retyped: Array<{ name: string; configDType: string; fileDType: string }>
  /** `the config predicts 8,030,261,248 parameters; the files hold 8,030,261,248 in 291 tensors`. */
  message: string
}

/** The weights-specific part of an {@link Analysis} made from files. */
export interface WeightsInfo {
  format: WeightsFormat
  /** The file the analysis started from (a weights file, an `*.index.json`, a split GGUF's first part). */
  entry: string
  files: WeightsFile[]
  /** Every tensor, in file order (shard by shard). */
  tensors: FileTensor[]
  /** Sum over the tensors of their elements: a name that aliases another tensor still counts. */
  params: bigint
  /** Sum of the tensors' bytes. */
  bytes: bigint
  /** Distinct storage elements reachable from some tensor (PyTorch: aliases and views once); `params` for other formats. */
  paramsDedup: bigint
  /** Bytes of distinct storages (PyTorch: what is on disk, a view's whole base); `bytes` for other formats. */
  uniqueBytes: bigint
  byDType: DTypeTotal[]
  pickle: PickleInfo | null
  checkpoint: CheckpointInfo | null
  index: IndexInfo | null
  /** The `config.json` beside the files: its own analysis and the check of the files against it. */
  config: { file: string; analysis: Analysis; check: ConfigCheck } | null
  /** Tokens the model was trained for (GGUF `<arch>.context_length`, config `max_position_embeddings`), a default for the KV cache. */
  contextLength: number | null
  /** Facts about the files worth saying (a shard's total size that does not match, a skipped duplicate format). */
  warnings: string[]
}

/** An {@link Analysis} made from weight files: `weights` is always there. */
export type WeightsAnalysis = Analysis & { weights: WeightsInfo }
