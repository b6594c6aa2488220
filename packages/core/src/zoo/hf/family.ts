import type { HFConfig } from './config.js'
import type { HFBuild } from './model.js'
import type { ModuleFactory } from './modules.js'

/** One Hugging Face model family: the `model_type`s it reads and the classes it builds. */
export interface HFFamily {
  /** Display name (`Llama`, `GPT-2`). */
  name: string
  /** `model_type` values of its configs. */
  modelTypes: readonly string[]
  /** Classes it builds; the first is the default when a config names none. */
  architectures: readonly string[]
  /**
   * The class a config of one of `modelTypes` builds when it names none, where that is not the first of
   * `architectures`: a tower's own model type builds that tower, made from its own config class
   * (`clip_vision_model` → `CLIPVisionModel`, as transformers' `AutoModel` makes it), not the two-tower model.
   */
  modelTypeClasses?: Readonly<Record<string, string>>
  /** Builds `architecture` from the config. */
  build(config: HFConfig, architecture: string, f: ModuleFactory): HFBuild
}

/** Declares a family (the identity function, for typing). */
export function defineFamily(family: HFFamily): HFFamily {
  return family
}
