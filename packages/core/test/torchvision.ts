import { analyze } from '../src/analyze.js'

/** Class, parameter and buffer totals and tensor counts, as torchvision reports them. */
export function counts(source: string) {
  const r = analyze(source)
  const params = r.tensors.filter((t) => t.kind === 'parameter')
  return { class: r.module, params: Number(r.params.total), paramTensors: params.length, buffers: Number(r.buffers.total), bufferBytes: Number(r.buffers.bytes), bufferTensors: r.tensors.length - params.length }
}

/** The names of the parameters (or buffers) at the given positions of `named_parameters()` (`named_buffers()`). */
export function names(source: string, kind: 'parameter' | 'buffer', at: readonly number[]) {
  const all = analyze(source).tensors.filter((t) => t.kind === kind)
  return at.map((i) => `${all[i]!.name} ${JSON.stringify(all[i]!.shape)}`)
}

/** The error code and message `analyze` throws. */
export function failure(source: string, input?: string) {
  try {
    analyze(source, input === undefined ? {} : { input, device: 'cpu', torch: '1.13' })
  } catch (error) {
    const { code, message } = error as { code: string; message: string }
    return { code, message }
  }
  throw new Error(`${source} did not fail`)
}

/** Output shape and bytes saved for backward (without and with the input), cpu profile of PyTorch 1.13 (the figures these tests were measured with). */
export function forward(source: string, input: string) {
  const f = analyze(source, { input, device: 'cpu', torch: '1.13' }).forward!
  return { output: [...f.outputs[0]!.shape], saved: Number(f.savedBytes), savedWithInput: Number(f.savedBytesWithInput) }
}
