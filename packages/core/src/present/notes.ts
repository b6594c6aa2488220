import type { PlanNote } from '../memory/basis.js'
import { defaultFieldLabel } from './words.js'
import type { PresentOptions } from './words.js'

/** A plan's note as a sentence, naming request fields in the app's words. */
export function noteText(note: PlanNote, options: PresentOptions = {}): string {
  const field = options.fieldLabel ?? defaultFieldLabel
  switch (note.code) {
    case 'checkpoint-no-blocks':
      return 'Full checkpointing needs a model made of several blocks; this one has none to wrap, so activations are unchanged.'
    case 'selective-no-attention':
      return 'Selective checkpointing recomputes attention; this model has no attention modules, so activations are unchanged.'
    case 'lora-optimizer':
      return 'With LoRA the optimizer is given only the adapters (as Hugging Face Trainer passes the parameters that require grad).'
    case 'retrace-failed':
      return 'Re-tracing with another batch failed (the first input dimension is not a batch here); activations are scaled linearly from the traced input.'
    case 'activations-not-counted':
      return note.traceable
        ? `Activations are not counted: give an input shape (${field('input')}) or activation bytes per sample (${field('activationBytes')}).`
        : `Activations are not counted: \`${note.module}\` has no forward trace in nnsize, so give activation bytes per sample (${field('activationBytes')}) to include them.`
    case 'sharding-one-rank':
      return `${note.zero !== null ? `ZeRO-${note.zero}` : `FSDP ${note.fsdp}`} with one data-parallel rank shards nothing: every state stays whole on the GPU.`
    case 'kv-needs-context':
      return `The KV cache is not counted: set ${field('seq')} (tokens per sequence) to size it.`
    case 'kv-ignored-in-training':
      return 'Training keeps no KV cache; the KV cache description is ignored.'
    case 'activations-need-seq':
      return `Activations are sized from the config's architecture: set ${field('seq')} (tokens per sequence) to count them.`
    case 'transformer-activations':
      return `Activations are sized from the config's architecture (docs/memory.md): attention by PyTorch's scaled_dot_product_attention (flash or memory-efficient kernels keep no s² scores), ${note.training ? 'a fused norm keeps its input, the logits and a float32 cross-entropy are kept through backward' : 'the prefill peak holds one block\'s tensors at once (an upper bound) and the last position\'s logits'}${note.moe ? ', and every block is a mixture-of-experts block with its tokens spread evenly over the experts' : ''}.`
    case 'context-in-training':
      return `${field('seq')} sizes the inference KV cache; training activations follow the traced input shape (give the sequence length in ${field('input')}).`
    case 'kv-without-model':
      return 'The KV cache is sized from a Hugging Face config or a catalogue model; this input has none.'
    case 'optimizer-ignored-in-inference':
      return `Inference has no optimizer; ${field('optimizer')} is ignored.`
    case 'format-without-linear':
      return `\`${note.format}\` quantises linear layers; this model has none, so every tensor stays in ${note.otherDType ?? 'its dtype'}.`
    case 'tensor-parallel-training':
      return 'Tensor parallelism divides weights, gradients and optimizer state by the degree (replicated norms and biases are not singled out) and activations too, assuming sequence parallelism.'
    case 'pipeline-parallel-training':
      return 'Pipeline parallelism divides the model states by the number of stages; with the 1F1B schedule the first stage holds one micro-batch of activations for the whole model.'
    case 'inference-split':
      return `Inference splits weights and KV cache over ${note.tensorParallel * note.pipelineParallel} GPUs (tensor ${note.tensorParallel} × pipeline ${note.pipelineParallel}); activations are counted whole on each GPU.`
    case 'no-sharding-more-gpus':
      return 'More GPUs do not help without sharding: data parallelism replicates every state. Try ZeRO/FSDP, tensor parallelism or offload.'
    case 'hybrid-default-node':
      return `Hybrid sharding shards within one node, taken as ${note.gpusPerNode} GPUs; set ${field('gpusPerNode')} or ${field('nodes')} for your nodes.`
    case 'deepspeed-estimator':
      return `DeepSpeed's estimator counts model states only, for mixed-precision Adam (16-bit parameters and gradients, float32 master weights, momentum and variance)${note.optimizerIsAdam ? '' : `, whatever ${field('optimizer')} says`}, with a 1.5× buffer on CPU memory; activations and buffers are not in it. Its "GB" are GiB (bytes ÷ 2^30).`
    case 'deepspeed-combination-not-printed':
      return `DeepSpeed's estimator prints no row for optimizer offload ${note.offloadOptimizer} with parameter offload ${note.offloadParams}; it covers CPU offload only, and parameter offload only with optimizer offload.`
    case 'step-gradients':
      return `ZeRO-${note.stage}'s optimizer step holds this rank's gradients in float32 (as DeepSpeed does for its float32 master weights); it is counted as its own line, apart from the model states.`
    case 'largest-batch-extrapolated':
      return 'The largest batch extrapolates the per-device total linearly from batches 1 and 2, then checks the result.'
  }
}

/** Every note of a plan as a sentence. */
export function planNotes(notes: readonly PlanNote[], options: PresentOptions = {}): string[] {
  return notes.map((n) => noteText(n, options))
}
