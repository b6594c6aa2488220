import { NnsizeError } from '../../errors.js'
import type { ModuleNode } from '../../model/module.js'
import { didYouMean, editDistance } from '../../suggest.js'
import { HFConfig } from './config.js'
import type { HFFamily } from './family.js'
import { albert, bert, distilbert, roberta } from './families/bert.js'
import { deepseekV2, deepseekV3 } from './families/deepseek.js'
import { falcon, phi, phi3 } from './families/falcon-phi.js'
import { gpt2, gptj, gptNeoX, opt } from './families/gpt.js'
import { gemma, gemma2, gemma3, llama, mistral, olmo, olmo2, qwen2, qwen3, starcoder2 } from './families/llama.js'
import { mixtral, qwen2Moe, qwen3Moe } from './families/moe.js'
import { bart, mt5, t5 } from './families/seq2seq.js'
import { cohere, cohere2 } from './families/cohere.js'
import { ernie45, ernie45Moe } from './families/ernie4-5.js'
import { glm, glm4 } from './families/glm.js'
import { gptOss } from './families/gpt-oss.js'
import { granite, graniteMoe, graniteMoeShared } from './families/granite.js'
import { stablelm } from './families/stablelm.js'
import { bloom } from './families/bloom.js'
import { falconMamba, mamba } from './families/mamba.js'
import { mamba2 } from './families/mamba2.js'
import { jamba } from './families/jamba.js'
import { recurrentGemma } from './families/recurrent-gemma.js'
import { xlmRoberta } from './families/xlm-roberta.js'
import { electra } from './families/electra.js'
import { debertaV2 } from './families/deberta-v2.js'
import { modernBert } from './families/modernbert.js'
import { deit, vit } from './families/vit.js'
import { beit } from './families/beit.js'
import { dinov2 } from './families/dinov2.js'
import { clip } from './families/clip.js'
import { siglip } from './families/siglip.js'
import { whisper } from './families/whisper.js'
import { wav2vec2 } from './families/wav2vec2.js'
import { gemma3Multimodal } from './families/gemma3.js'
import { qwen25VL, qwen2VL } from './families/qwen2-vl.js'
import { llama4, llama4Text } from './families/llama4.js'
import { smollm3 } from './families/smollm3.js'
import { ministral } from './families/ministral.js'
import { olmoe } from './families/olmoe.js'
import { gptBigCode } from './families/gpt-bigcode.js'
import { isJSONObject } from './json.js'
import type { JSONObject } from './json.js'
import { applyCheckpointDType, checkpointDType } from './dtype.js'
import { describeBuild } from './model.js'
import type { DType } from '../../tensor/dtype.js'
import type { BuildMeta, HFBuild, ModelInfo } from './model.js'
import { ModuleFactory } from './modules.js'
import { TRANSFORMERS_MODEL_TYPES } from './transformers-model-types-data.js'

/** Every Hugging Face family nnsize builds, one line each. */
export const hfFamilies: readonly HFFamily[] = [
  gpt2,
  bert,
  roberta,
  distilbert,
  albert,
  t5,
  mt5,
  bart,
  opt,
  gptNeoX,
  gptj,
  falcon,
  llama,
  mistral,
  mixtral,
  qwen2,
  qwen2Moe,
  qwen3,
  qwen3Moe,
  gemma,
  gemma2,
  gemma3,
  phi,
  phi3,
  starcoder2,
  deepseekV2,
  deepseekV3,
  olmo,
  olmo2,
  cohere,
  cohere2,
  stablelm,
  granite,
  graniteMoe,
  graniteMoeShared,
  glm,
  glm4,
  ernie45,
  ernie45Moe,
  gptOss,
  bloom,
  mamba,
  falconMamba,
  mamba2,
  jamba,
  recurrentGemma,
  xlmRoberta,
  electra,
  debertaV2,
  modernBert,
  vit,
  deit,
  beit,
  dinov2,
  clip,
  siglip,
  whisper,
  wav2vec2,
  gemma3Multimodal,
  qwen2VL,
  qwen25VL,
  llama4Text,
  llama4,
  smollm3,
  ministral,
  olmoe,
  gptBigCode,
]

const byArchitecture = new Map<string, HFFamily>()
const byModelType = new Map<string, HFFamily>()
for (const family of hfFamilies) {
  for (const a of family.architectures) byArchitecture.set(a, family)
  for (const t of family.modelTypes) byModelType.set(t, family)
}

/** Every class nnsize can build from a `config.json`, e.g. `LlamaForCausalLM`. */
export const hfArchitectures: readonly string[] = [...byArchitecture.keys()]

/** Every `model_type` nnsize reads. */
export const hfModelTypes: readonly string[] = [...byModelType.keys()]

/** A model built from a config: the module tree and what is known about it. */
export interface HFModel {
  root: ModuleNode
  model: ModelInfo
}

function supportedList(): string {
  return hfFamilies.map((f) => f.name).join(', ')
}

/** The part of a class name that names the family: `Qwen2Moe` of `Qwen2MoeForCausalLM`. */
function stemOf(name: string): string {
  const at = name.search(/For[A-Z]|Model(?:[A-Z]|$)|EncoderModel/)
  return at > 0 ? name.slice(0, at) : name
}

/**
 * Whether `word` is a slip of the keyboard for `candidate` rather than the name of another family:
 * the same up to case and `-`/`_`, or within one edit (two for names of 7 letters or more; for names of
 * 4 letters or fewer only a swap of neighbours or a missing or extra letter), with the same version digits,
 * and neither an extension of the other (`gemma3n` is not a misspelling of `gemma3`, nor `qwen2_vl` of `qwen2`).
 */
function isMisspelling(word: string, candidate: string): boolean {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_.]/g, '')
  const a = norm(word)
  const b = norm(candidate)
  if (a === b) return true
  if (a.replace(/\D/g, '') !== b.replace(/\D/g, '')) return false
  if (a.startsWith(b) || b.startsWith(a)) return false
  const distance = editDistance(a, b)
  if (a.length <= 4) return distance === 1 && (a.length !== b.length || [...a].sort().join('') === [...b].sort().join(''))
  return distance <= (a.length >= 7 ? 2 : 1)
}

/**
 * The supported names closest to `word` that it is a misspelling of (see {@link isMisspelling}); classes are compared
 * by their family stem and must have the same head. A model type nnsize does not build that `word` is as close a
 * misspelling of (`mlama`: `mllama` as much as `llama`) leaves nothing to suggest.
 */
function misspelled(word: string, candidates: readonly string[], classes: boolean): string[] {
  const key = (name: string): string => (classes ? stemOf(name) : name).toLowerCase()
  const head = (name: string): string => name.slice(stemOf(name).length).toLowerCase()
  const found = candidates.filter((c) => isMisspelling(key(word), key(c)) && (!classes || head(word) === head(c)))
  const best = Math.min(...found.map((c) => editDistance(key(word), key(c))))
  if (!classes && found.length > 0) {
    const others = transformersModelTypes().filter((t) => !byModelType.has(t) && isMisspelling(word.toLowerCase(), t))
    if (others.some((t) => editDistance(word.toLowerCase(), t) <= best)) return []
  }
  return found.filter((c) => editDistance(key(word), key(c)) === best).slice(0, 3)
}

let modelTypesOfTransformers: readonly string[] | undefined

/** transformers 5.18's model types (transformers_model_types.py writes the list), read on first use. */
function transformersModelTypes(): readonly string[] {
  modelTypesOfTransformers ??= TRANSFORMERS_MODEL_TYPES.split(' ')
  return modelTypesOfTransformers
}

/**
 * Why a `model_type` nnsize does not build is not built, and what to suggest: a model type transformers 5.18 has
 * (`llava`, `zamba2`) is one nnsize does not support yet, never a misspelling of a family that looks alike; any
 * other gets the supported names it is a misspelling of.
 */
function unsupportedType(modelType: string): { sentence: string; suggestions: string[] } {
  if (transformersModelTypes().includes(modelType)) return { sentence: ` \`${modelType}\` is a transformers 5.18 model type that nnsize does not support yet.`, suggestions: [] }
  return suggesting(misspelled(modelType, hfModelTypes, false))
}

/** "Did you mean" with the names it offers, or nothing. */
function suggesting(suggestions: string[]): { sentence: string; suggestions: string[] } {
  return { sentence: didYouMean(suggestions), suggestions }
}

/**
 * A text class asked of a composite config (`Gemma3ForCausalLM` of a `gemma3` config, `Llama4ForCausalLM` of a
 * `llama4` one) is built from its `text_config`, with the top level's `tie_word_embeddings` and `vocab_size` where
 * the text config has none, as transformers' loading does.
 */
function textConfigOf(config: JSONObject, family: HFFamily): { config: JSONObject; note: string } {
  const text = config['text_config']
  if (!isJSONObject(text)) throw new NnsizeError('config', `\`text_config\` must be an object (model type \`${String(config['model_type'])}\`).`)
  const merged = Object.assign(Object.create(null) as JSONObject, text)
  merged['model_type'] = family.modelTypes[0]!
  for (const key of ['tie_word_embeddings', 'vocab_size']) {
    if (!Object.hasOwn(text, key) && Object.hasOwn(config, key)) merged[key] = config[key]!
  }
  return { config: merged, note: `Composite \`${String(config['model_type'])}\` config: the class asked for is built from its \`text_config\`; the other towers are not part of it.` }
}

/** A note for a config whose checkpoint is quantized (`quantization_config`): the weights on disk are smaller than the dtype says. */
function quantizationNote(config: JSONObject, dtype: string): string | undefined {
  const q = config['quantization_config']
  if (!isJSONObject(q)) return undefined
  const method = typeof q['quant_method'] === 'string' ? ` (\`quant_method\` \`${q['quant_method'].slice(0, 40)}\`)` : ''
  return `The config has a \`quantization_config\`${method}: the published weights are quantized, while the parameters here are sized in ${dtype} as if loaded unquantized.`
}

/**
 * Builds the module tree of a config, its tensors in the checkpoint's dtype, and returns the build with what it
 * is, not yet counted (see {@link buildHFModel}). `catalogueDType` is the dtype of a catalogue checkpoint whose
 * published config names none.
 */
export function buildHFTree(input: unknown, catalogueDType?: DType): { build: HFBuild; meta: BuildMeta } {
  if (!isJSONObject(input)) throw new NnsizeError('config', `A \`config.json\` must be a JSON object, got ${input === null ? 'null' : Array.isArray(input) ? 'a list' : typeof input}.`)
  let config = input
  const architectures = Object.hasOwn(config, 'architectures') ? config['architectures'] : undefined
  const modelType = Object.hasOwn(config, 'model_type') ? config['model_type'] : undefined
  if (architectures !== undefined && architectures !== null && (!Array.isArray(architectures) || architectures.some((a) => typeof a !== 'string'))) {
    throw new NnsizeError('config', '`architectures` must be a list of class names, e.g. `["LlamaForCausalLM"]`.')
  }
  if (modelType !== undefined && modelType !== null && typeof modelType !== 'string') throw new NnsizeError('config', '`model_type` must be a string, e.g. `"llama"`.')
  const requested = (architectures as string[] | null | undefined)?.[0]
  const typeFamily = typeof modelType === 'string' ? byModelType.get(modelType) : undefined
  let family: HFFamily | undefined
  let architecture: string
  if (requested !== undefined) {
    family = byArchitecture.get(requested)
    if (!family) {
      if (typeFamily) {
        throw new NnsizeError('config', `\`${requested}\` is not a class nnsize builds; for \`model_type\` \`${modelType}\` it builds ${typeFamily.architectures.map((a) => `\`${a}\``).join(', ')}.`, {
          suggestions: typeFamily.architectures,
        })
      }
      const why = typeof modelType === 'string' ? unsupportedType(modelType) : suggesting(misspelled(requested, hfArchitectures, true))
      const what = typeof modelType === 'string' ? `architecture \`${requested}\` (model type \`${modelType}\`)` : `architecture \`${requested}\``
      throw new NnsizeError('config', `Unsupported ${what}.${why.sentence} Supported families: ${supportedList()}.`, { suggestions: why.suggestions })
    }
    architecture = requested
  } else if (typeof modelType === 'string') {
    if (!typeFamily) {
      const why = unsupportedType(modelType)
      throw new NnsizeError('config', `Unsupported \`model_type\` \`${modelType}\`.${why.sentence} Supported families: ${supportedList()}.`, { suggestions: why.suggestions })
    }
    family = typeFamily
    const classes = typeFamily.modelTypeClasses
    architecture = classes && Object.hasOwn(classes, modelType) ? classes[modelType]! : typeFamily.architectures[0]!
  } else {
    throw new NnsizeError('config', 'The config has neither `architectures` nor `model_type`, so nnsize cannot tell which model to build.')
  }
  let note: string | undefined
  if (typeof modelType === 'string' && !family.modelTypes.includes(modelType) && Object.hasOwn(config, 'text_config') && family.modelTypes.length > 0) {
    ;({ config, note } = textConfigOf(config, family))
  }
  const reading = typeof config['model_type'] === 'string' && family.modelTypes.includes(config['model_type']) ? config['model_type'] : family.modelTypes[0]!
  const factory = new ModuleFactory()
  const build = family.build(new HFConfig(config, reading), architecture, factory)
  if (note) build.notes.unshift(note)
  const checkpoint = checkpointDType(input, catalogueDType)
  applyCheckpointDType(build.root, checkpoint.dtype.dtype, build.keepFloat32, (t) => factory.hasOwnDType(t))
  if (checkpoint.note) build.notes.push(checkpoint.note)
  const quantization = quantizationNote(input, checkpoint.dtype.dtype)
  if (quantization) build.notes.push(quantization)
  return { build, meta: { family: family.name, modelType: reading, architecture, dtype: checkpoint.dtype } }
}

/**
 * Builds the class named by `architectures[0]` (or the `model_type`'s default class) from a parsed
 * `config.json`, with transformers' tensor names and defaults, and describes it. Throws a `config`
 * {@link NnsizeError} for an unsupported or inconsistent config.
 */
export function buildHFModel(input: unknown): HFModel {
  const { build, meta } = buildHFTree(input)
  return { root: build.root, model: describeBuild(build, meta) }
}
