import type { Analysis, ModuleNode } from '@nnsize/core'

/** One empty map shared by every module of a view: the page never reads a module's tensors or children. */
const none = new Map<string, never>()

/**
 * An analysis as plain data that `postMessage` can copy, and cheaply: the module tree is replaced by one small
 * object per module (its class name and training flag; no layer definition, which holds functions, no constructor
 * arguments, tensors or children). Everything the page renders is in the rest of the analysis — the module list
 * with its counts, the tensor list, the forward pass's figures — and a module named twice (by the module list and by
 * the forward pass's stats) is still one object, which the structured clone keeps one, so rows still meet their
 * stats by identity. What needs the tree itself (the argument switches, the explanation, the memory plan) is
 * computed where the analysis was made (see `answer.ts`).
 */
export function analysisView(analysis: Analysis): Analysis {
  const stubs = new Map<ModuleNode, ModuleNode>()
  const stub = (node: ModuleNode): ModuleNode => {
    let plain = stubs.get(node)
    if (plain === undefined) {
      plain = { type: node.type, layer: undefined, args: {}, params: none, buffers: none, children: none, span: undefined, argSpans: undefined, training: node.training }
      stubs.set(node, plain)
    }
    return plain
  }
  const view: Analysis = { ...analysis, root: stub(analysis.root), modules: analysis.modules.map((m) => ({ ...m, node: stub(m.node) })) }
  if (analysis.forward) view.forward = { ...analysis.forward, modules: analysis.forward.modules.map((s) => ({ ...s, module: stub(s.module) })) }
  return view
}
