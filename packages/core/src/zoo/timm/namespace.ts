import { NnsizeError } from '../../errors.js'
import type { SourceSpan } from '../../errors.js'
import { any, bool } from '../../bind/args.js'
import { bindArguments } from '../../bind/bind.js'
import { showValue, typeName } from '../../contract/values.js'
import type { ArgValue, CallableValue, Value } from '../../contract/values.js'
import type { ConstructionBudget } from '../../model/construct.js'
import { createModel, listModels, listModules, modelEntrypoints } from './create-model.js'

function strings(value: Value, name: string, span: SourceSpan | undefined): string | string[] {
  if (value.kind === 'str') return value.value
  if ((value.kind === 'list' || value.kind === 'tuple') && value.items.every((v) => v.kind === 'str')) return value.items.map((v) => (v as { value: string }).value)
  throw new NnsizeError('argument-type', `\`${name}\` must be a string or a list of strings, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
}

const listSignature = [
  any('filter', { default: { kind: 'str', value: '' } }),
  any('module', { default: { kind: 'str', value: '' } }),
  bool('pretrained', { default: false }),
  any('exclude_filters', { default: { kind: 'str', value: '' } }),
  bool('name_matches_cfg', { default: false }),
  any('include_tags', { default: { kind: 'none' } }),
]

function callable(name: string, invoke: (args: ArgValue[], span: SourceSpan) => Value): CallableValue {
  return { kind: 'callable', name, invoke }
}

/**
 * The `timm` namespace of the expression language: `timm.create_model(name, **kwargs)`,
 * `timm.list_models(filter, module, pretrained, exclude_filters, include_tags)` and
 * `timm.list_modules()` (also under `timm.models`), and each model's own function, under `timm.models`
 * (`timm.models.resnet50(pretrained=False, **kwargs)`) and its module (`timm.models.resnet.resnet50`). Any interpreter
 * can call this with its module budget.
 */
export function timmNamespace(budget: ConstructionBudget): Value {
  const createModelFn = callable('timm.create_model', (args, span) => ({ kind: 'module', module: createModel(args, span, budget) }))
  const listModelsFn = callable('timm.list_models', (args, span) => {
    const { values, spans } = bindArguments('timm.list_models', listSignature, args, span)
    const includeTags = values['include_tags'] as Value
    if (includeTags.kind !== 'none' && includeTags.kind !== 'bool') throw new NnsizeError('argument-type', `\`include_tags\` must be True, False or None, got \`${showValue(includeTags)}\`.`, { span: spans['include_tags'] })
    const names = listModels({
      filter: strings(values['filter'] as Value, 'filter', spans['filter']),
      module: strings(values['module'] as Value, 'module', spans['module']),
      pretrained: values['pretrained'] as boolean,
      exclude_filters: strings(values['exclude_filters'] as Value, 'exclude_filters', spans['exclude_filters']),
      include_tags: includeTags.kind === 'bool' ? includeTags.value : null,
    })
    return { kind: 'list', items: names.map((value): Value => ({ kind: 'str', value })) }
  })
  const listModulesFn = callable('timm.list_modules', (args, span) => {
    bindArguments('timm.list_modules', [], args, span)
    return { kind: 'list', items: listModules().map((value): Value => ({ kind: 'str', value })) }
  })
  const members: Record<string, Value> = { create_model: createModelFn, list_models: listModelsFn, list_modules: listModulesFn }
  const entrypoints: Record<string, Value> = {}
  const modules: Record<string, Record<string, Value>> = {}
  for (const { name, module } of modelEntrypoints()) {
    const fn = callable(`timm.models.${module}.${name}`, (args, span) => ({ kind: 'module', module: createModel(args, span, budget, name) }))
    entrypoints[name] = fn
    ;(modules[module] ??= {})[name] = fn
  }
  const moduleNamespaces = Object.fromEntries(Object.entries(modules).map(([module, fns]): [string, Value] => [module, { kind: 'namespace', name: `timm.models.${module}`, members: fns }]))
  return { kind: 'namespace', name: 'timm', members: { ...members, models: { kind: 'namespace', name: 'timm.models', members: { ...moduleNamespaces, ...entrypoints, ...members } } } }
}
