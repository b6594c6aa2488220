import { NnsizeError } from '../src/errors.js'
import { traceForward } from '../src/forward/trace.js'
import type { DeviceProfile, ForwardContext, Tensor } from '../src/forward/trace.js'
import type { TorchVersion } from '../src/forward/torch-version.js'
import { createModule } from '../src/model/module.js'

/** Runs `run` and returns the {@link NnsizeError} it throws; fails the test when it throws nothing or something else. */
export function errorOf(run: () => unknown): NnsizeError {
  try {
    run()
  } catch (error) {
    if (NnsizeError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected an NnsizeError')
}

/** The source text an error's span covers. */
export function spanText(source: string, error: NnsizeError): string {
  return source.slice(error.span!.start, error.span!.end)
}

/**
 * Runs `body` as the forward pass of a one-module model on inputs of the given shapes (float32, requiring
 * grad), with the kernels of `torch` on `device`: what ops save and count, measured as the trace measures it.
 */
export function traceOps(
  shapes: number[][],
  body: (ctx: ForwardContext, inputs: readonly Tensor[]) => Tensor | Tensor[],
  options: { device?: DeviceProfile; torch?: TorchVersion } = {},
) {
  const root = createModule('Probe', {}, { name: 'Probe', signature: [], build() {}, forward: (_self, inputs, ctx) => body(ctx, inputs) })
  const result = traceForward(root, shapes.map((shape) => ({ shape, dtype: 'float32' as const })), options.device ?? 'cpu', options.torch ?? '2.13')
  return { outputs: result.outputs.map((t) => [...t.shape]), saved: result.savedBytes, withInput: result.savedBytesWithInput, macs: result.macs, kernels: result.kernels, flopCounter: result.flopCounter }
}
