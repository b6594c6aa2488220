import { torchVersions } from '../forward/torch-version.js'
import type { DeviceProfile } from '../forward/trace.js'
import type { ByteUnits } from '../format/bytes.js'

/** Activation checkpointing: none, selective (attention recomputed, as Megatron's), or full (each block recomputed). */
export type CheckpointingMode = 'none' | 'selective' | 'full'
/** PyTorch FSDP sharding strategies (`ShardingStrategy`), lower-cased. */
export type FsdpMode = 'no_shard' | 'shard_grad_op' | 'full_shard' | 'hybrid_shard' | 'hybrid_shard_zero2'
/** Where offloaded state lives. */
export type OffloadTarget = 'none' | 'cpu' | 'nvme'
/** Who estimates the memory: nnsize's planner, or DeepSpeed's own ZeRO-2/3 estimator reproduced. */
export type Estimator = 'nnsize' | 'deepspeed'
/** ZeRO stages: 0 (plain data parallel), 1 (optimizer state), 2 (+ gradients), 3 (+ parameters). */
export type ZeroStage = 0 | 1 | 2 | 3

/** Whose kernels activation memory follows. */
export const deviceProfiles: readonly DeviceProfile[] = ['cpu', 'cuda']
/** Byte units: 1024-based (`iec`: MiB, GiB) or 1000-based (`si`: MB, GB). */
export const byteUnits: readonly ByteUnits[] = ['iec', 'si']
/** What a memory plan is for. */
export const planModes = ['training', 'inference'] as const
/** Accepted activation checkpointing modes. */
export const checkpointingModes: readonly CheckpointingMode[] = ['none', 'selective', 'full']
/** Accepted FSDP strategies. */
export const fsdpModes: readonly FsdpMode[] = ['no_shard', 'shard_grad_op', 'full_shard', 'hybrid_shard', 'hybrid_shard_zero2']
/** Accepted offload targets. */
export const offloadTargets: readonly OffloadTarget[] = ['none', 'cpu', 'nvme']
/** Accepted estimators. */
export const estimators: readonly Estimator[] = ['nnsize', 'deepspeed']
/** Accepted KV cache dtypes and their bytes per element. */
export const kvCacheDTypes: Readonly<Record<string, number>> = { fp32: 4, float32: 4, fp16: 2, float16: 2, bf16: 2, bfloat16: 2, fp8: 1, float8: 1, int8: 1 }

/** The fixed choices of each request field that has them: one list for help text, shell completion, forms and checks. */
export const fieldChoices = {
  device: deviceProfiles,
  torch: torchVersions,
  units: byteUnits,
  mode: planModes,
  checkpointing: checkpointingModes,
  offload: offloadTargets,
  offloadParams: offloadTargets,
  estimator: estimators,
  kvDtype: Object.keys(kvCacheDTypes),
} as const
