import type { SourceSpan } from '../errors.js'
import type { DType } from '../tensor/dtype.js'
import type { LayerDefinition } from './layer.js'

/** A parameter or buffer. Identity matters: a tensor shared by two modules is one object. */
export interface TensorDef {
  /** `parameter` (in `parameters()`) or `buffer` (in `buffers()`). */
  kind: 'parameter' | 'buffer'
  shape: number[]
  dtype: DType
  /** For parameters: whether the optimiser updates it. Buffers never require grad. */
  requiresGrad: boolean
  /** For buffers: whether `state_dict()` saves it. */
  persistent: boolean
  /**
   * Exact bytes as stored, when they are not elements × the dtype's size: tensors read from a weight file in a
   * type PyTorch has no dtype for (GGUF `Q4_K`, safetensors `F4`), whose `dtype` is what a loader turns them into.
   */
  bytes?: bigint | undefined
  /** The weight file's own name of the element type (`BF16`, `Q4_K`, `FLOAT`), for tensors read from a file. */
  storageType?: string | undefined
  /** A 4-D tensor laid out channels-last (`model.to(memory_format=torch.channels_last)`); absent: contiguous. */
  channelsLast?: boolean
}

/** One module of the tree: what `nn.Module` holds in `_parameters`, `_buffers` and `_modules`. */
export interface ModuleNode {
  /** The PyTorch class name (`Conv2d`, `Sequential`, `ResNet`). */
  type: string
  /** The layer definition that built it; absent for composite model classes. */
  layer?: LayerDefinition | undefined
  /** Constructor arguments after binding, defaults filled in. */
  args: Record<string, unknown>
  /** Parameters in registration order; `null` where PyTorch registers `None` (e.g. `bias=False`). */
  params: Map<string, TensorDef | null>
  /** Buffers in registration order. */
  buffers: Map<string, TensorDef | null>
  /** Submodules in registration order. */
  children: Map<string, ModuleNode | null>
  /** Where the call that made it is in the source. */
  span?: SourceSpan | undefined
  /** Where each argument given in the call is in the source (absent for modules made by other modules). */
  argSpans?: Readonly<Record<string, SourceSpan>> | undefined
  /** Training mode: `.train()` sets it, `.train(False)` and its alias clear it. */
  training: boolean
}
