/**
 * The functional ops of the forward trace: one definition per kernel, per PyTorch release and device profile,
 * of what it computes (shapes, MACs) and what autograd keeps for backward. Every op is
 * `(ctx, tensors…, options) → tensor(s)`; the `nn` layers' forwards call them, and so can anything that
 * follows `torch.nn.functional`, `torch.*` or tensor methods. See docs/activations.md.
 */
export * from './common.js'
export * from './elementwise.js'
export * from './softmax.js'
export * from './linear.js'
export * from './conv.js'
export * from './shape.js'
export * from './pool.js'
export * from './norm.js'
export * from './dropout.js'
export * from './embedding.js'
export * from './attention.js'
export * from './rnn.js'
export * from './interpolate.js'
export * from './loss.js'
export * from './pow.js'
export * from './distance.js'
