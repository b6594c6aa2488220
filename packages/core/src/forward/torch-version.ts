import { NnsizeError } from '../errors.js'
import { walkModules } from '../model/module.js'
import type { ModuleNode } from '../model/module.js'
import type { TorchVersion } from '../contract/forward.js'

export type { TorchVersion } from '../contract/forward.js'

/** Every {@link TorchVersion} nnsize models, newest first. */
export const torchVersions: readonly TorchVersion[] = ['2.13', '1.13']

/** The version used when none is chosen. */
export const defaultTorchVersion: TorchVersion = '2.13'

/** The `torch` option checked: `undefined` gives the default; anything but a {@link TorchVersion} is an `option` error. */
export function resolveTorchVersion(value: unknown): TorchVersion {
  if (value === undefined) return defaultTorchVersion
  if (typeof value === 'string' && (torchVersions as readonly string[]).includes(value)) return value as TorchVersion
  const shown = typeof value === 'string' ? `'${value}'` : typeof value === 'number' ? String(value) : typeof value
  throw new NnsizeError('option', `\`torch\` must be one of ${torchVersions.map((v) => `'${v}'`).join(', ')} (the PyTorch release to model), got ${shown}.`, { suggestions: [...torchVersions] })
}

/** Whether release `version` (`'2.13'`) is at least `since` (`'2.4'`), comparing major then minor numbers. */
export function torchAtLeast(version: TorchVersion, since: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  const [sinceMajor = 0, sinceMinor = 0] = since.split('.').map(Number)
  return major !== sinceMajor ? major > sinceMajor : minor >= sinceMinor
}

/**
 * Refuses a module tree that release `version` could not build: a class added later (`nn.RMSNorm` under
 * 1.13) or an argument added later given in the source (`nn.BatchNorm2d(16, bias=False)`).
 */
export function checkTorchVersion(root: ModuleNode, version: TorchVersion): void {
  // The newest release modelled has every class and argument nnsize knows.
  if (version === torchVersions[0]) return
  for (const { node } of walkModules(root)) {
    const layer = node.layer
    if (!layer) continue
    if (layer.since !== undefined && !torchAtLeast(version, layer.since)) {
      throw new NnsizeError('option', `PyTorch ${version} (the \`torch\` option) has no \`nn.${layer.name}\`; PyTorch ${layer.since} and later have it. Model PyTorch ${defaultTorchVersion} (the default) to use it.`, { span: node.span })
    }
    if (layer.argsSince === undefined || node.argSpans === undefined) continue
    for (const [arg, since] of Object.entries(layer.argsSince)) {
      const span = node.argSpans[arg]
      if (span === undefined || torchAtLeast(version, since)) continue
      throw new NnsizeError('option', `PyTorch ${version} (the \`torch\` option) has no argument \`${arg}\` on \`nn.${layer.name}\`; PyTorch ${since} and later have it. Model PyTorch ${defaultTorchVersion} (the default) to use it.`, { span })
    }
  }
}
