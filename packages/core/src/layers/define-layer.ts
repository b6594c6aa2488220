import type { ArgSpec } from '../contract/args.js'
import type { LayerArgs, LayerDefinition } from '../contract/layer.js'

export type { ArgFailure, ClassMethod, CreateArgs, Factor, FormulaTerm, ForwardFn, LayerArgs, LayerDefinition, ModuleBuilder } from '../contract/layer.js'

/**
 * Declares a layer kind. The identity function, typed so that the argument object `validate`, `build`, `explain`
 * and `forward` see is inferred from `signature` (and `variadic`): a misspelt name or a wrong type does not compile.
 */
export function defineLayer<const S extends readonly ArgSpec[], V extends ArgSpec | undefined = undefined>(
  definition: LayerDefinition<LayerArgs<S, V>, S, V>,
): LayerDefinition<LayerArgs<S, V>, S, V> {
  return definition
}
