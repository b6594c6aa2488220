import type { NnsizeError } from '../errors.js'
import type { DType } from '../tensor/dtype.js'
import type { ModuleNode } from './module.js'

/**
 * The PyTorch release whose behaviour nnsize reproduces: which tensors each kernel saves for backward,
 * which modules and arguments exist, and which optimizer state is a tensor. `2.13` (current PyTorch) is
 * the default; `1.13` keeps the figures of that release.
 */
export type TorchVersion = '2.13' | '1.13'

/** Which kernels' saved tensors to model: PyTorch's CPU kernels or its CUDA kernels. */
export type DeviceProfile = 'cpu' | 'cuda'

/** A block of memory. Views share their base's storage; each storage is counted once. */
export interface Storage {
  readonly id: number
  readonly bytes: bigint
  /** `input`: a forward input; `activation`: made during the forward; `state`: a parameter or buffer. */
  readonly origin: 'input' | 'activation' | 'state'
  /** Step at which it was allocated. */
  readonly allocatedAt: number
  /** Last step at which an op read it. */
  lastUse: number
}

/** A tensor flowing through the forward pass: a shape, a dtype and the storage it views. */
export interface Tensor {
  readonly shape: readonly number[]
  readonly dtype: DType
  readonly storage: Storage
  /**
   * Whether autograd tracks it: float inputs and parameters that require grad do, and so does every result
   * of an op with such an operand. An op saves an operand only when the gradient it is needed for exists.
   */
  readonly requiresGrad: boolean
}

/**
 * A kernel the trace assumed for one call, where PyTorch chooses among several (scaled-dot-product attention
 * backends, oneDNN or cuDNN recurrent kernels) and the saved tensors depend on the choice.
 */
export interface KernelChoice {
  /** Dotted path of the module that made the call (`''` for the root). */
  path: string
  /** The operation, as PyTorch names it (`scaled_dot_product_attention`, `lstm`). */
  op: string
  /** The kernel assumed (`flash attention (CPU)`, `oneDNN mkldnn_rnn_layer`). */
  kernel: string
  /** Why it was chosen, and what would change the choice at run time; absent when nothing would. */
  note?: string
}

/** Services a layer's forward function uses to describe its work. */
export interface ForwardContext {
  /** The kernel family being modelled. */
  readonly device: DeviceProfile
  /** The PyTorch release whose kernels are modelled. */
  readonly torch: TorchVersion
  /**
   * A new tensor with its own storage. `requiresGrad` defaults to whether the dtype can carry gradients;
   * ops pass whether any operand requires grad.
   */
  tensor(shape: readonly number[], dtype?: DType, requiresGrad?: boolean): Tensor
  /** A view of `source`'s storage with another shape (`view`, `reshape` of contiguous data, `flatten`). */
  view(source: Tensor, shape: readonly number[], dtype?: DType): Tensor
  /** Records the kernel assumed for an op of the current module (listed once per module, op and kernel). */
  assume(choice: Omit<KernelChoice, 'path'>): void
  /** Marks tensors as saved for backward. Parameters and buffers are never counted; nothing is, with grad mode off. */
  save(...tensors: Tensor[]): void
  /**
   * Turns grad mode on or off (`torch.no_grad()`, `torch.set_grad_enabled(False)`) and gives the mode before: with it
   * off, new tensors and views do not require grad, nothing is saved and no backward work is counted.
   */
  setGradEnabled(enabled: boolean): boolean
  /** Whether grad mode is on (`torch.is_grad_enabled()`). */
  gradEnabled(): boolean
  /** Marks tensors as read now (keeps them alive for the inference-peak measure). */
  use(...tensors: Tensor[]): void
  /**
   * Adds forward multiply-accumulates to the current module. The backward pass costs
   * `backwardFactor` times as much: by default 2 for a module with its own trainable parameters
   * (gradients for the input and for the weights), 1 otherwise (gradient for the input only).
   */
  macs(count: bigint | number, backwardFactor?: number): void
  /**
   * Records FLOPs as `torch.utils.flop_counter.FlopCounterMode` counts them: only for the ATen ops it has a
   * formula for (`aten.mm`, `aten.addmm`, `aten.bmm`, `aten.convolution`, the CUDA attention kernels), 2 per
   * multiply-add. Other work (element-wise ops, normalisation, reductions, CPU flash attention) counts none.
   */
  flops(op: FlopCounterOp, count: bigint): void
  /**
   * Runs `run` keeping nothing for backward (`torch.utils.checkpoint` without reentry: its function's saved tensors
   * are recomputed in backward rather than kept).
   */
  withoutSaving<T>(run: () => T): T
  /** Runs a submodule's forward under the dotted `name` and returns its outputs; `options` are the call's keyword arguments. */
  run(child: ModuleNode, inputs: readonly Tensor[], name: string, options?: Readonly<Record<string, unknown>>): Tensor[]
  /**
   * Runs a module of the model that is no child of the running one (called through a lambda a parent passed down)
   * under its dotted `path` from the root; its work still counts in every module now running.
   */
  runAt(module: ModuleNode, inputs: readonly Tensor[], path: string, options?: Readonly<Record<string, unknown>>): Tensor[]
  /** A parameter or buffer of `module` as a tensor (its storage is never counted as an activation). */
  state(module: ModuleNode, name: string): Tensor
  /**
   * An error that names the current module, its path and where it is in the source: a `shape` error, a `limit`
   * error for a size beyond what nnsize represents, or a `type` error for an input of the wrong dtype.
   */
  error(message: string, code?: 'shape' | 'limit' | 'type'): NnsizeError
}

/** The ATen ops `FlopCounterMode` has a FLOP formula for, as nnsize's kernels run them. */
export type FlopCounterOp = 'aten.mm' | 'aten.addmm' | 'aten.bmm' | 'aten.baddbmm' | 'aten.convolution' | 'aten._scaled_dot_product_flash_attention' | 'aten._scaled_dot_product_efficient_attention'
