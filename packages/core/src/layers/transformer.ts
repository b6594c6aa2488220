import { NnsizeError } from '../errors.js'
import { any, bool, device, dtype, float, int, module } from '../bind/args.js'
import type { ArgsOf } from '../bind/args.js'
import { showValue, typeName } from '../contract/values.js'
import type { Value } from '../contract/values.js'
import * as ops from '../forward/ops/index.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import { limits } from '../limits.js'
import { cloneModule, namedModules } from '../model/module.js'
import type { ModuleNode } from '../model/module.js'
import { formatShape } from '../tensor/shape.js'
import { isFloatingDType } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { multiheadAttention, runAttentionWithoutWeights } from './attention.js'
import type { AttentionMasks } from './attention.js'
import { defineLayer } from './define-layer.js'
import type { ArgFailure, LayerDefinition, ModuleBuilder } from './define-layer.js'
import { celu as celuLayer, elu as eluLayer, gelu as geluLayer, hardswish as hardswishLayer, leakyRelu as leakyReluLayer, mish as mishLayer, relu as reluLayer, relu6 as relu6Layer, selu as seluLayer, sigmoid as sigmoidLayer, silu as siluLayer, softplus as softplusLayer, tanh as tanhLayer } from './activation.js'
import { moduleList } from './containers.js'
import { dropout as dropoutLayer } from './dropout.js'
import { linear } from './linear.js'
import { layerNorm } from './norm.js'

// The forward passes below are PyTorch's Python path of the transformer layers. Their fast path
// (`torch._transformer_encoder_layer_fwd`, and the nested-tensor conversion in
// `TransformerEncoder`) runs only in eval mode with autograd off or no parameter requiring grad,
// and the nested tensor also needs a `src_key_padding_mask`; a forward that saves tensors for
// backward never takes it, in training mode (as the reference measured, `module.train()`) or not.
// Inside the layers attention runs with `need_weights=False`.
//
// Masks follow the Python path: `TransformerEncoderLayer` and `TransformerEncoder` turn a bool `src_mask` or
// `src_key_padding_mask` into a float mask of the input's dtype (`F._canonical_mask`: a new tensor; the encoder makes
// it once and hands the same one to every layer), a float mask passes as it is; the decoder layers leave that to their
// attention. `TransformerEncoder` and `TransformerDecoder` decide `is_causal` / `tgt_is_causal` left as `None` by
// comparing the mask's values with the causal mask (`_detect_is_causal_mask`); nnsize does not know a mask's values,
// so such a mask counts as not causal, and only `is_causal=True` (or `tgt_is_causal=True`) takes the causal path.

/** The layer classes of the `torch.nn.functional` activations a transformer layer accepts as `activation=F.<name>`. */
const FUNCTIONAL_ACTIVATION_CLASSES: Record<string, LayerDefinition> = {
  relu: reluLayer,
  gelu: geluLayer,
  silu: siluLayer,
  tanh: tanhLayer,
  sigmoid: sigmoidLayer,
  elu: eluLayer,
  leaky_relu: leakyReluLayer,
  relu6: relu6Layer,
  mish: mishLayer,
  hardswish: hardswishLayer,
  selu: seluLayer,
  celu: celuLayer,
  softplus: softplusLayer,
}

/** The functional activation of a layer, kept outside the module tree (PyTorch stores a function, not a submodule), by the layer's arguments. */
const functionalActivations = new WeakMap<object, ModuleNode>()

/**
 * Deep copies of a `TransformerDecoderLayer` whose activation is a module. PyTorch's
 * `TransformerDecoderLayer.__setstate__` (which `copy.deepcopy` calls) sets the instance attribute
 * `activation = F.relu` when its state dict lacks `activation`, which is the case whenever the
 * activation is a submodule (kept in `_modules`). The copy keeps the submodule registered, but its
 * forward runs `F.relu`. Maps each such copy to the ReLU it runs.
 */
const reluAfterDeepCopy = new WeakMap<ModuleNode, ModuleNode>()

/** Arguments shared by `nn.TransformerEncoderLayer` and `nn.TransformerDecoderLayer`. */
type TransformerLayerArgs = ArgsOf<ReturnType<typeof layerSignature>>

function activationSpec() {
  return any('activation', { default: { kind: 'str', value: 'relu' } })
}

/** PyTorch's `activation` checks: 'relu'/'gelu', a functional activation or a module. */
function validateActivation(activation: Value, fail: ArgFailure): void {
  if (activation.kind === 'str') {
    if (activation.value !== 'relu' && activation.value !== 'gelu') fail('activation', `activation should be relu/gelu, not ${activation.value} (got \`activation='${activation.value}'\`; valid strings are 'relu' and 'gelu').`)
    return
  }
  if (activation.kind === 'module') return
  if (activation.kind === 'callable' && activation.activation !== undefined && activation.activation in FUNCTIONAL_ACTIVATION_CLASSES) return
  throw new NnsizeError(
    'argument-type',
    `\`activation\` must be 'relu', 'gelu', an activation function such as \`F.gelu\` or a module such as \`nn.GELU()\`, got ${typeName(activation)} \`${showValue(activation)}\`.`,
  )
}

/** Registers the activation: a module becomes the last child `activation`; a function is kept aside to run in the forward. */
function buildActivation(a: TransformerLayerArgs, m: ModuleBuilder): void {
  const activation = a.activation
  if (activation.kind === 'module') {
    m.child('activation', activation.module)
    return
  }
  const name = activation.kind === 'str' ? activation.value : activation.kind === 'callable' ? activation.activation! : 'relu'
  functionalActivations.set(a, m.create(FUNCTIONAL_ACTIVATION_CLASSES[name]!, {}))
}

function layerSignature() {
  return [
    int('d_model'),
    int('nhead'),
    int('dim_feedforward', { default: 2048 }),
    float('dropout', { default: 0.1 }),
    activationSpec(),
    float('layer_norm_eps', { default: 1e-5 }),
    bool('batch_first', { default: false }),
    bool('norm_first', { default: false }),
    bool('bias', { default: true }),
    device(),
    dtype(),
  ]
}

function attention(a: TransformerLayerArgs, m: ModuleBuilder): ModuleNode {
  return m.create(multiheadAttention, { embed_dim: a.d_model, num_heads: a.nhead, dropout: a.dropout, bias: a.bias, batch_first: a.batch_first, device: a.device, dtype: a.dtype })
}

function norm(a: Pick<TransformerLayerArgs, 'd_model' | 'layer_norm_eps' | 'bias' | 'device' | 'dtype'>, m: ModuleBuilder): ModuleNode {
  return m.create(layerNorm, { normalized_shape: [a.d_model], eps: a.layer_norm_eps, bias: a.bias, device: a.device, dtype: a.dtype })
}

function feedForward(a: TransformerLayerArgs, m: ModuleBuilder): void {
  m.child('linear1', m.create(linear, { in_features: a.d_model, out_features: a.dim_feedforward, bias: a.bias, device: a.device, dtype: a.dtype }))
  m.child('dropout', m.create(dropoutLayer, { p: a.dropout }))
  m.child('linear2', m.create(linear, { in_features: a.dim_feedforward, out_features: a.d_model, bias: a.bias, device: a.device, dtype: a.dtype }))
}

/** The submodule `name` of a layer that registered it. */
function child(self: ModuleNode, name: string): ModuleNode {
  return self.children.get(name)!
}

/** Runs a one-input submodule and returns its first output. */
function run(ctx: ForwardContext, self: ModuleNode, name: string, x: Tensor): Tensor {
  return ctx.run(child(self, name), [x], name)[0]!
}

/** `x + y` (residual connection): a new tensor, nothing saved. */
const add = ops.add

/** `self.activation(x)`: the registered module, or the function (its saved tensors belong to this layer). */
function activate(ctx: ForwardContext, self: ModuleNode & { args: TransformerLayerArgs }, x: Tensor): Tensor {
  const fn = reluAfterDeepCopy.get(self) ?? (self.children.has('activation') ? undefined : functionalActivations.get(self.args)!)
  if (!fn) return run(ctx, self, 'activation', x)
  const out = fn.layer!.forward!(fn as ModuleNode & { args: never }, [x], ctx)
  return Array.isArray(out) ? out[0]! : out
}

/** `dropout_k(linear2(dropout(activation(linear1(x)))))`. */
function feedForwardBlock(ctx: ForwardContext, self: ModuleNode & { args: TransformerLayerArgs }, x: Tensor, dropoutName: string): Tensor {
  const hidden = activate(ctx, self, run(ctx, self, 'linear1', x))
  return run(ctx, self, dropoutName, run(ctx, self, 'linear2', run(ctx, self, 'dropout', hidden)))
}

/** `dropout_k(attn(x, kv, kv, attn_mask=…, key_padding_mask=…, is_causal=…, need_weights=False)[0])`. */
function attentionBlock(ctx: ForwardContext, self: ModuleNode, attentionName: string, dropoutName: string, masks: AttentionMasks, x: Tensor, memory?: Tensor): Tensor {
  const attended = runAttentionWithoutWeights(ctx, child(self, attentionName), memory ? [x, memory] : [x], attentionName, masks)
  return run(ctx, self, dropoutName, attended)
}

/** The forward keywords of a call (`src_mask=…`, `is_causal=…`), as the trace gives them. */
type ForwardOptions = Readonly<Record<string, unknown>> | undefined

/** The mask keyword `name` of a forward call: its tensor, or null when it is absent or `None`. */
function maskOption(ctx: ForwardContext, options: ForwardOptions, name: string): Tensor | null {
  const value = options?.[name]
  if (value === undefined || value === null) return null
  if (typeof value === 'object' && 'storage' in value) return value as Tensor
  throw ctx.error(`expects \`${name}\` to be a tensor or None, got ${typeof value === 'object' && 'kind' in value ? typeName(value as Value) : typeof value}.`, 'type')
}

/**
 * A causal hint (`is_causal`, `tgt_is_causal`, `memory_is_causal`) as the layers use it: only `True` is causal.
 * Where PyTorch would detect a causal mask from its values (`_detect_is_causal_mask`, the hint left as `None`),
 * nnsize cannot see the values and takes the mask as not causal.
 */
function causalHint(options: ForwardOptions, name: string): boolean {
  return options?.[name] === true
}

/**
 * `F._canonical_mask`: a bool mask becomes a float mask of `dtype` (`zeros_like(mask, dtype).masked_fill_(mask,
 * -inf)`, a new tensor of its shape that requires no grad); a float mask passes as it is; other dtypes are refused.
 */
function canonicalMask(ctx: ForwardContext, mask: Tensor | null, name: string, dtype: DType): Tensor | null {
  if (!mask) return null
  if (mask.dtype === 'bool') return ctx.tensor(mask.shape, dtype, false)
  if (!isFloatingDType(mask.dtype)) throw ctx.error(`only bool and floating types of ${name} are supported (got a ${mask.dtype} mask of shape ${formatShape(mask.shape)}).`, 'type')
  return mask
}

/** `src_key_padding_mask` and then the attention mask `maskName` through {@link canonicalMask}, in PyTorch's order. */
function canonicalEncoderMasks(ctx: ForwardContext, options: ForwardOptions, maskName: string, dtype: DType): { attn_mask: Tensor | null; key_padding_mask: Tensor | null } {
  const keyPaddingMask = canonicalMask(ctx, maskOption(ctx, options, 'src_key_padding_mask'), 'src_key_padding_mask', dtype)
  const attnMask = canonicalMask(ctx, maskOption(ctx, options, maskName), maskName, dtype)
  return { attn_mask: attnMask, key_padding_mask: keyPaddingMask }
}

function expectInputs(ctx: ForwardContext, inputs: readonly Tensor[], names: string[]): void {
  if (inputs.length !== names.length) {
    throw ctx.error(`takes ${names.length === 1 ? 'one input' : `${names.length} inputs`} (${names.join(', ')}), got ${inputs.length}.`)
  }
}

/**
 * `nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=relu,
 * layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True)`: self-attention and a
 * feed-forward block, each with dropout, a residual connection and LayerNorm (before the block when
 * `norm_first`, else after the residual). Children: `self_attn`, `linear1`, `dropout`, `linear2`,
 * `norm1`, `norm2`, `dropout1`, `dropout2` (and `activation` when a module is given).
 */
export const transformerEncoderLayer = defineLayer({
  name: 'TransformerEncoderLayer',
  forwardInputs: ['src'],
  forwardOptions: ['src_mask', 'src_key_padding_mask', 'is_causal'],
  argsSince: { bias: '2.1' },
  signature: layerSignature(),
  validate: (a, fail) => validateActivation(a.activation, fail),
  build(a, m) {
    m.child('self_attn', attention(a, m))
    feedForward(a, m)
    m.child('norm1', norm(a, m))
    m.child('norm2', norm(a, m))
    m.child('dropout1', m.create(dropoutLayer, { p: a.dropout }))
    m.child('dropout2', m.create(dropoutLayer, { p: a.dropout }))
    buildActivation(a, m)
  },
  forward(self, inputs, ctx, options) {
    expectInputs(ctx, inputs, ['src'])
    let x = inputs[0]!
    const masks: AttentionMasks = { ...canonicalEncoderMasks(ctx, options, 'src_mask', x.dtype), is_causal: causalHint(options, 'is_causal') }
    if (self.args.norm_first) {
      x = add(ctx, x, attentionBlock(ctx, self, 'self_attn', 'dropout1', masks, run(ctx, self, 'norm1', x)))
      x = add(ctx, x, feedForwardBlock(ctx, self, run(ctx, self, 'norm2', x), 'dropout2'))
    } else {
      x = run(ctx, self, 'norm1', add(ctx, x, attentionBlock(ctx, self, 'self_attn', 'dropout1', masks, x)))
      x = run(ctx, self, 'norm2', add(ctx, x, feedForwardBlock(ctx, self, x, 'dropout2')))
    }
    return x
  },
})

/**
 * `nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=relu,
 * layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True)`: self-attention,
 * attention over `memory` and a feed-forward block. Forward takes `(tgt, memory)`. Children:
 * `self_attn`, `multihead_attn`, `linear1`, `dropout`, `linear2`, `norm1`–`norm3`, `dropout1`–`dropout3`.
 */
export const transformerDecoderLayer = defineLayer({
  name: 'TransformerDecoderLayer',
  forwardInputs: ['tgt', 'memory'],
  forwardOptions: ['tgt_mask', 'memory_mask', 'tgt_key_padding_mask', 'memory_key_padding_mask', 'tgt_is_causal', 'memory_is_causal'],
  argsSince: { bias: '2.1' },
  signature: layerSignature(),
  validate: (a, fail) => validateActivation(a.activation, fail),
  build(a, m) {
    m.child('self_attn', attention(a, m))
    m.child('multihead_attn', attention(a, m))
    feedForward(a, m)
    m.child('norm1', norm(a, m))
    m.child('norm2', norm(a, m))
    m.child('norm3', norm(a, m))
    m.child('dropout1', m.create(dropoutLayer, { p: a.dropout }))
    m.child('dropout2', m.create(dropoutLayer, { p: a.dropout }))
    m.child('dropout3', m.create(dropoutLayer, { p: a.dropout }))
    buildActivation(a, m)
  },
  forward(self, inputs, ctx, options) {
    expectInputs(ctx, inputs, ['tgt', 'memory'])
    let x = inputs[0]!
    const memory = inputs[1]!
    // The masks go to the attention as given: `MultiheadAttention` makes bool masks float itself.
    const selfMasks: AttentionMasks = { attn_mask: maskOption(ctx, options, 'tgt_mask'), key_padding_mask: maskOption(ctx, options, 'tgt_key_padding_mask'), is_causal: causalHint(options, 'tgt_is_causal') }
    const memoryMasks: AttentionMasks = { attn_mask: maskOption(ctx, options, 'memory_mask'), key_padding_mask: maskOption(ctx, options, 'memory_key_padding_mask'), is_causal: causalHint(options, 'memory_is_causal') }
    if (self.args.norm_first) {
      x = add(ctx, x, attentionBlock(ctx, self, 'self_attn', 'dropout1', selfMasks, run(ctx, self, 'norm1', x)))
      x = add(ctx, x, attentionBlock(ctx, self, 'multihead_attn', 'dropout2', memoryMasks, run(ctx, self, 'norm2', x), memory))
      x = add(ctx, x, feedForwardBlock(ctx, self, run(ctx, self, 'norm3', x), 'dropout3'))
    } else {
      x = run(ctx, self, 'norm1', add(ctx, x, attentionBlock(ctx, self, 'self_attn', 'dropout1', selfMasks, x)))
      x = run(ctx, self, 'norm2', add(ctx, x, attentionBlock(ctx, self, 'multihead_attn', 'dropout2', memoryMasks, x, memory)))
      x = run(ctx, self, 'norm3', add(ctx, x, feedForwardBlock(ctx, self, x, 'dropout3')))
    }
    return x
  },
})

/** `_get_clones`: `num_layers` deep copies of `layer` in a `ModuleList`, then the optional final norm. */
function buildStack(kind: string, layer: ModuleNode, numLayers: number, finalNorm: ModuleNode | null, m: ModuleBuilder): void {
  const perLayer = namedModules(layer).length
  if (perLayer * numLayers > limits.maxModules) {
    throw new NnsizeError('limit', `\`nn.${kind}\` would copy its layer of ${perLayer} modules ${numLayers.toLocaleString('en-US')} times; the limit is ${limits.maxModules.toLocaleString('en-US')} modules.`)
  }
  const copies: Value[] = []
  let relu: ModuleNode | undefined
  for (let i = 0; i < numLayers; i++) {
    const copy = cloneModule(layer)
    for (const [, node] of namedModules(copy)) {
      if (node.layer === transformerDecoderLayer && node.children.get('activation')) reluAfterDeepCopy.set(node, (relu ??= m.create(reluLayer, {})))
    }
    copies.push({ kind: 'module', module: copy })
  }
  m.child('layers', m.create(moduleList, { modules: { kind: 'list', items: copies } }))
  if (finalNorm) m.child('norm', finalNorm)
}

/** Runs every layer of a stack on the output of the one before, each with the same keywords `layerOptions`, then `norm`. */
function runStack(ctx: ForwardContext, self: ModuleNode, layerOptions: Readonly<Record<string, unknown>>, x: Tensor, memory?: Tensor): Tensor {
  const layers = [...child(self, 'layers').children.values()].filter((l): l is ModuleNode => l !== null)
  if (layers.length === 0) throw ctx.error('has no layers (`num_layers=0`): its forward reads `self.layers[0]`, which PyTorch rejects with an IndexError.')
  let out = x
  layers.forEach((layer, i) => {
    out = ctx.run(layer, memory ? [out, memory] : [out], `layers.${i}`, layerOptions)[0]!
  })
  return self.children.has('norm') ? run(ctx, self, 'norm', out) : out
}

/**
 * `nn.TransformerEncoder(encoder_layer, num_layers, norm=None, enable_nested_tensor=True,
 * mask_check=True)`: `num_layers` deep copies of `encoder_layer` as `layers.0…`, then `norm`.
 */
export const transformerEncoder = defineLayer({
  name: 'TransformerEncoder',
  forwardInputs: ['src'],
  forwardOptions: ['mask', 'src_key_padding_mask', 'is_causal'],
  signature: [
    module('encoder_layer'),
    int('num_layers'),
    module('norm', { default: null, optional: true }),
    bool('enable_nested_tensor', { default: true }),
    bool('mask_check', { default: true }),
  ],
  build: (a, m) => buildStack('TransformerEncoder', a.encoder_layer, a.num_layers, a.norm, m),
  forward(self, inputs, ctx, options) {
    expectInputs(ctx, inputs, ['src'])
    const src = inputs[0]!
    // The masks are made float once, here, and the same tensors go to every layer.
    const masks = canonicalEncoderMasks(ctx, options, 'mask', src.dtype)
    return runStack(ctx, self, { src_mask: masks.attn_mask, is_causal: causalHint(options, 'is_causal'), src_key_padding_mask: masks.key_padding_mask }, src)
  },
})

/** `nn.TransformerDecoder(decoder_layer, num_layers, norm=None)`: deep copies as `layers.0…`, then `norm`; forward takes `(tgt, memory)`. */
export const transformerDecoder = defineLayer({
  name: 'TransformerDecoder',
  forwardInputs: ['tgt', 'memory'],
  forwardOptions: ['tgt_mask', 'memory_mask', 'tgt_key_padding_mask', 'memory_key_padding_mask', 'tgt_is_causal', 'memory_is_causal'],
  signature: [module('decoder_layer'), int('num_layers'), module('norm', { default: null, optional: true })],
  build: (a, m) => buildStack('TransformerDecoder', a.decoder_layer, a.num_layers, a.norm, m),
  forward(self, inputs, ctx, options) {
    expectInputs(ctx, inputs, ['tgt', 'memory'])
    const layerOptions = {
      tgt_mask: maskOption(ctx, options, 'tgt_mask'),
      memory_mask: maskOption(ctx, options, 'memory_mask'),
      tgt_key_padding_mask: maskOption(ctx, options, 'tgt_key_padding_mask'),
      memory_key_padding_mask: maskOption(ctx, options, 'memory_key_padding_mask'),
      tgt_is_causal: causalHint(options, 'tgt_is_causal'),
      memory_is_causal: causalHint(options, 'memory_is_causal'),
    }
    return runStack(ctx, self, layerOptions, inputs[0]!, inputs[1]!)
  },
})

/**
 * `nn.Transformer(d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6,
 * dim_feedforward=2048, dropout=0.1, activation=relu, custom_encoder=None, custom_decoder=None,
 * layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True)`: an `encoder`
 * (TransformerEncoder with a final LayerNorm) and a `decoder` (likewise), or the custom ones.
 * Forward takes `(src, tgt)` and returns the decoder's output.
 */
export const transformer = defineLayer({
  name: 'Transformer',
  // `nn.Transformer.generate_square_subsequent_mask(sz)`: a float `(sz, sz)` mask, `-inf` above the diagonal.
  tensorStaticMethods: {
    generate_square_subsequent_mask: {
      signature: [int('sz', { min: 0 }), device(), dtype()],
      call: (a) => ({ shape: [a['sz'] as number, a['sz'] as number], dtype: (a['dtype'] as DType | null) ?? 'float32' }),
    },
  },
  forwardInputs: ['src', 'tgt'],
  forwardOptions: ['src_mask', 'tgt_mask', 'memory_mask', 'src_key_padding_mask', 'tgt_key_padding_mask', 'memory_key_padding_mask', 'src_is_causal', 'tgt_is_causal', 'memory_is_causal'],
  argsSince: { bias: '2.1' },
  signature: [
    int('d_model', { default: 512 }),
    int('nhead', { default: 8 }),
    int('num_encoder_layers', { default: 6 }),
    int('num_decoder_layers', { default: 6 }),
    int('dim_feedforward', { default: 2048 }),
    float('dropout', { default: 0.1 }),
    activationSpec(),
    module('custom_encoder', { default: null, optional: true }),
    module('custom_decoder', { default: null, optional: true }),
    float('layer_norm_eps', { default: 1e-5 }),
    bool('batch_first', { default: false }),
    bool('norm_first', { default: false }),
    bool('bias', { default: true }),
    device(),
    dtype(),
  ],
  validate: (a, fail) => validateActivation(a.activation, fail),
  build(a, m) {
    const layerArgs = {
      d_model: a.d_model,
      nhead: a.nhead,
      dim_feedforward: a.dim_feedforward,
      dropout: a.dropout,
      activation: a.activation,
      layer_norm_eps: a.layer_norm_eps,
      batch_first: a.batch_first,
      norm_first: a.norm_first,
      bias: a.bias,
      device: a.device,
      dtype: a.dtype,
    }
    const encoder =
      a.custom_encoder ??
      m.create(transformerEncoder, { encoder_layer: m.create(transformerEncoderLayer, layerArgs), num_layers: a.num_encoder_layers, norm: norm(a, m) })
    m.child('encoder', encoder)
    const decoder =
      a.custom_decoder ??
      m.create(transformerDecoder, { decoder_layer: m.create(transformerDecoderLayer, layerArgs), num_layers: a.num_decoder_layers, norm: norm(a, m) })
    m.child('decoder', decoder)
  },
  forward(self, inputs, ctx, options) {
    expectInputs(ctx, inputs, ['src', 'tgt'])
    const [src, tgt] = [inputs[0]!, inputs[1]!]
    const a = self.args
    if (src.shape.length === 3) {
      const batchDim = a.batch_first ? 0 : 1
      if (src.shape[batchDim] !== tgt.shape[batchDim]) {
        throw ctx.error(`expects src and tgt with the same batch size: the batch number of src and tgt must be equal (src ${formatShape(src.shape)}, tgt ${formatShape(tgt.shape)}).`)
      }
    }
    if (src.shape.at(-1) !== a.d_model || tgt.shape.at(-1) !== a.d_model) {
      throw ctx.error(`the feature number of src and tgt must be equal to d_model ${a.d_model} (src ${formatShape(src.shape)}, tgt ${formatShape(tgt.shape)}).`)
    }
    // The keywords PyTorch passes, `None` where not given (a custom encoder or decoder gets them too).
    const given = (name: string): unknown => options?.[name] ?? null
    const encoderOptions = { mask: given('src_mask'), src_key_padding_mask: given('src_key_padding_mask'), is_causal: given('src_is_causal') }
    const memory = ctx.run(child(self, 'encoder'), [src], 'encoder', encoderOptions)[0]!
    const decoderOptions = {
      tgt_mask: given('tgt_mask'),
      memory_mask: given('memory_mask'),
      tgt_key_padding_mask: given('tgt_key_padding_mask'),
      memory_key_padding_mask: given('memory_key_padding_mask'),
      tgt_is_causal: given('tgt_is_causal'),
      memory_is_causal: options?.['memory_is_causal'] ?? false,
    }
    return ctx.run(child(self, 'decoder'), [tgt, memory], 'decoder', decoderOptions)[0]!
  },
})
