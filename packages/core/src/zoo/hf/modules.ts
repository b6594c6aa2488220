import { NnsizeError } from '../../errors.js'
import { limits } from '../../limits.js'
import type { ArgSpec } from '../../bind/args.js'
import { embedding as embeddingLayer } from '../../layers/embedding.js'
import { layerNorm as layerNormLayer } from '../../layers/norm.js'
import { linear } from '../../layers/linear.js'
import type { CreateArgs, LayerDefinition } from '../../layers/define-layer.js'
import { constructLayer, withDefaults } from '../../model/construct.js'
import type { ConstructionBudget } from '../../model/construct.js'
import { createModule } from '../../model/module.js'
import type { ModuleNode, TensorDef } from '../../model/module.js'
import type { DType } from '../../tensor/dtype.js'

/** A child entry: its attribute name and the module (or `None`). */
export type Child = readonly [name: string, module: ModuleNode | null]

/**
 * Makes the modules of a Hugging Face model: core layers (`Linear`, `Embedding`, `LayerNorm`)
 * where they exist, family-specific classes (RMSNorm variants, GPT-2's `Conv1D`, rotary
 * embeddings, MoE routers) as plain modules with transformers' class names.
 */
export class ModuleFactory {
  private readonly budget: ConstructionBudget = { modules: 0 }
  private readonly ownDTypes = new WeakSet<TensorDef>()

  /** Fails early when a model would need more than {@link limits.maxModules} modules. */
  reserve(modules: number, what: string): void {
    if (modules > limits.maxModules) {
      throw new NnsizeError('limit', `${what} needs about ${Math.round(modules).toLocaleString('en-US')} modules; the limit is ${limits.maxModules.toLocaleString('en-US')}.`)
    }
  }

  private counted(): void {
    this.budget.modules++
    if (this.budget.modules > limits.maxModules) {
      throw new NnsizeError('limit', `The model has more than ${limits.maxModules.toLocaleString('en-US')} modules, the limit.`)
    }
  }

  private core(def: LayerDefinition, args: Readonly<Record<string, unknown>>): ModuleNode {
    return constructLayer(def, withDefaults(def, args), this.budget)
  }

  /**
   * A core `torch.nn` layer, with its arguments as bound (tuple arguments as lists:
   * `layer(conv1d, { in_channels: 8, out_channels: 8, kernel_size: [4], groups: 8, padding: [3] })`); the
   * others take their defaults. The compiler checks the names and types.
   */
  layer<S extends readonly ArgSpec[], V extends ArgSpec | undefined>(def: LayerDefinition<any, S, V>, args: CreateArgs<S, V>): ModuleNode {
    return this.core(def as LayerDefinition, args as Readonly<Record<string, unknown>>)
  }

  /** A module of class `type` with the given children and own parameters (shapes in registration order). */
  module(type: string, children: readonly Child[] = [], params: ReadonlyArray<readonly [string, readonly number[]]> = []): ModuleNode {
    this.counted()
    const node = createModule(type)
    for (const [name, shape] of params) node.params.set(name, tensor([...shape]))
    for (const [name, child] of children) node.children.set(name, child)
    return node
  }

  /** `nn.ModuleList` of `n` modules made by `make(i)`. */
  list(n: number, make: (i: number) => ModuleNode): ModuleNode {
    const children: Child[] = []
    for (let i = 0; i < n; i++) children.push([String(i), make(i)])
    return this.module('ModuleList', children)
  }

  /**
   * `nn.Linear(in, out, bias)`: weight (out, in). The core `Linear` layer, built directly (its arguments need no
   * checks); `type` names a subclass (`FalconLinear`).
   */
  linear(inFeatures: number, outFeatures: number, bias: boolean, type = 'Linear'): ModuleNode {
    this.counted()
    const node = createModule(type, { in_features: inFeatures, out_features: outFeatures, bias, device: null, dtype: null }, linear)
    node.params.set('weight', tensor([outFeatures, inFeatures]))
    node.params.set('bias', bias ? tensor([outFeatures]) : null)
    return node
  }

  /** `nn.Embedding(num, dim)`: weight (num, dim). `type` names a subclass (`BartScaledWordEmbedding`). */
  embedding(num: number, dim: number, type = 'Embedding'): ModuleNode {
    const node = this.layer(embeddingLayer, { num_embeddings: num, embedding_dim: dim })
    node.type = type
    return node
  }

  /** `nn.LayerNorm(dim, elementwise_affine, bias)`: weight and bias of size `dim` (none when not affine). */
  layerNorm(dim: number, options: { affine?: boolean; bias?: boolean; type?: string } = {}): ModuleNode {
    const affine = options.affine ?? true
    const bias = options.bias ?? true
    let node: ModuleNode
    if (bias) {
      node = this.layer(layerNormLayer, { normalized_shape: [dim], elementwise_affine: affine })
    } else {
      node = this.module('LayerNorm')
      if (affine) {
        node.params.set('weight', tensor([dim]))
        if (bias) node.params.set('bias', tensor([dim]))
        else node.params.set('bias', null)
      } else {
        node.params.set('weight', null)
        node.params.set('bias', null)
      }
    }
    if (options.type) node.type = options.type
    return node
  }

  /** An RMSNorm-style module with one `weight` of size `dim` (`LlamaRMSNorm`, `T5LayerNorm`, …). */
  rmsNorm(type: string, dim: number): ModuleNode {
    return this.module(type, [], [['weight', [dim]]])
  }

  /** GPT-2's `Conv1D(nf, nx)`: a linear layer stored transposed, weight (nx, nf), bias (nf). */
  conv1D(inFeatures: number, outFeatures: number): ModuleNode {
    return this.module('Conv1D', [], [
      ['weight', [inFeatures, outFeatures]],
      ['bias', [outFeatures]],
    ])
  }

  /**
   * A rotary embedding: no parameters, non-persistent float32 buffers (computed with `.float()`, whatever the
   * checkpoint's dtype) of `ceil(dim / 2)` frequencies —
   * `inv_freq` and, as transformers 5 keeps it for dynamic scaling, `original_inv_freq` (unless `original`
   * is false). With `prefixes` (Gemma 3's attention types, sorted), one pair per prefix:
   * `sliding_attention_inv_freq`, `sliding_attention_original_inv_freq`, …
   */
  rotary(type: string, dim: number, options: { prefixes?: readonly string[]; original?: boolean } = {}): ModuleNode {
    const node = this.module(type)
    for (const prefix of options.prefixes ?? ['']) {
      node.buffers.set(`${prefix}inv_freq`, this.ownDType(buffer([Math.ceil(dim / 2)])))
      if (options.original ?? true) node.buffers.set(`${prefix}original_inv_freq`, this.ownDType(buffer([Math.ceil(dim / 2)])))
    }
    return node
  }

  /** A float32 parameter of `shape`, to register on a module (`sinks`, `cls_token`). */
  parameter(shape: readonly number[]): TensorDef {
    return tensor([...shape])
  }

  /**
   * Marks `t` as made in a dtype of its own (`torch.FloatTensor(...)`, `.float()`, `dtype=` in the model's
   * `__init__`), which the checkpoint's dtype does not change (see {@link hasOwnDType}); returns `t`.
   */
  ownDType(t: TensorDef): TensorDef {
    this.ownDTypes.add(t)
    return t
  }

  /**
   * Whether `t` was made in a dtype of its own. Every other floating-point tensor is made under the default dtype,
   * which `from_pretrained` sets to the checkpoint's while it builds the model, and loading keeps the dtype each
   * tensor was made in.
   */
  hasOwnDType(t: TensorDef): boolean {
    return this.ownDTypes.has(t)
  }

  /**
   * Adds a buffer to `node` (non-persistent unless said otherwise); returns `node`. With a `dtype`, the buffer is
   * made in that dtype ({@link ownDType}); without one, under the default dtype (float32, or the checkpoint's:
   * Gemma's `torch.tensor(embed_scale)`, Falcon-Mamba's `torch.ones(dim)`).
   */
  buffer(node: ModuleNode, name: string, shape: readonly number[], options: { dtype?: DType; persistent?: boolean } = {}): ModuleNode {
    const made = buffer([...shape], options.dtype, options.persistent)
    if (options.dtype !== undefined) this.ownDType(made)
    node.buffers.set(name, made)
    return node
  }

  /**
   * A scaled word embedding (Gemma's `GemmaTextScaledWordEmbedding`): an `Embedding` with a non-persistent scalar
   * `embed_scale` buffer, made under the default dtype (`torch.tensor(embed_scale)`).
   */
  scaledEmbedding(num: number, dim: number, type: string): ModuleNode {
    return this.buffer(this.embedding(num, dim, type), 'embed_scale', [])
  }

  /** Gives `head`'s `weight` the tensor `shared` (weight tying); returns the tied tensor. */
  tie(head: ModuleNode, shared: ModuleNode): TensorDef {
    const weight = shared.params.get('weight')
    if (!weight) throw new Error('internal: tying to a module without weight')
    head.params.set('weight', weight)
    return weight
  }
}

/** A buffer, float32 and non-persistent unless said otherwise. */
function buffer(shape: number[], dtype: DType = 'float32', persistent = false): TensorDef {
  checkShape(shape)
  return { kind: 'buffer', shape, dtype, requiresGrad: false, persistent }
}

/** A float32 parameter; every dimension must be an exact integer within {@link limits.maxDimension}. */
function tensor(shape: number[]): TensorDef {
  checkShape(shape)
  return { kind: 'parameter', shape, dtype: 'float32', requiresGrad: true, persistent: true }
}

function checkShape(shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new NnsizeError('limit', `The config asks for a tensor of shape (${shape.join(', ')}), whose sizes are beyond ${limits.maxDimension.toLocaleString('en-US')}.`)
    }
  }
}
