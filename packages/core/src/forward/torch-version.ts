/**
 * The PyTorch release whose behaviour nnsize reproduces: which tensors each kernel saves for backward,
 * which modules and arguments exist, and which optimizer state is a tensor. `2.13` (current PyTorch) is
 * the default; `1.13` keeps the figures of that release.
 */
export type TorchVersion = '2.13' | '1.13'

/** Every {@link TorchVersion} nnsize models, newest first. */
export const torchVersions: readonly TorchVersion[] = ['2.13', '1.13']

/** The version used when none is chosen. */
export const defaultTorchVersion: TorchVersion = '2.13'
