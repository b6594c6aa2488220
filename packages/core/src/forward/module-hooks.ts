import type { ModuleNode } from '../contract/module.js'
import type { ForwardContext, Tensor } from '../contract/forward.js'

/**
 * Work PyTorch does around a module's forward that belongs to no layer's forward rule: a forward pre-hook
 * (`torch.nn.utils.weight_norm` recomputes `weight` before each call) and tensors a module reads that are neither
 * parameters nor buffers (a parametrized `weight`, computed at each read). `traceForward` consults the hooks
 * registered here: each module call runs {@link ModuleHooks.preForward} first, and `ctx.state(module, name)` asks
 * {@link ModuleHooks.state} for a name the module holds no parameter or buffer of.
 */
export interface ModuleHooks {
  /** Runs inside the module's call, before its forward rule (PyTorch's forward pre-hooks). */
  preForward(module: ModuleNode, ctx: ForwardContext): void
  /** The tensor `module` reads as `name` when it holds no parameter or buffer of that name, or undefined. */
  state(module: ModuleNode, name: string, ctx: ForwardContext): Tensor | undefined
}

const registered: ModuleHooks[] = []
const running: ForwardContext[] = []

/** Adds hooks that every traced forward consults (once per kind of hook: the interpreter's modules register theirs on load). */
export function registerModuleHooks(hooks: ModuleHooks): void {
  if (!registered.includes(hooks)) registered.push(hooks)
}

/** Runs the registered forward pre-hooks of `module`. */
export function runPreForwardHooks(module: ModuleNode, ctx: ForwardContext): void {
  for (let i = 0; i < registered.length; i++) registered[i]!.preForward(module, ctx)
}

/** The tensor a registered hook gives for `module`'s `name`, or undefined. */
export function hookedState(module: ModuleNode, name: string, ctx: ForwardContext): Tensor | undefined {
  for (let i = 0; i < registered.length; i++) {
    const t = registered[i]!.state(module, name, ctx)
    if (t) return t
  }
  return undefined
}

/** Runs `trace` with `ctx` as the innermost running forward (see {@link runningForward}). */
export function withRunningForward<T>(ctx: ForwardContext, trace: () => T): T {
  running.push(ctx)
  try {
    return trace()
  } finally {
    running.pop()
  }
}

/**
 * The context of the innermost forward being traced, or undefined while nothing is traced (the model being built):
 * for values read outside any layer's forward rule (a parametrized `weight` read by Python code).
 */
export function runningForward(): ForwardContext | undefined {
  return running.at(-1)
}
