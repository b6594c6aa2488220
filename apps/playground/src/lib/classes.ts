import type { ModelClass } from '@nnsize/core'

/** A class's constructor as Python writes it after the class name: `(n_channels, n_classes, bilinear=False)`. */
export function parametersText(cls: ModelClass): string {
  const parts: string[] = []
  let keywordOnly = false
  for (const p of cls.parameters) {
    if (p.kind === 'keyword' && !keywordOnly) {
      parts.push('*')
      keywordOnly = true
    }
    if (p.kind === 'varargs') keywordOnly = true
    const name = p.kind === 'varargs' ? `*${p.name}` : p.kind === 'kwargs' ? `**${p.name}` : p.name
    parts.push(p.default === undefined ? name : `${name}=${p.default}`)
  }
  return `(${parts.join(', ')})`
}

/** The model to build: the class called with the arguments as written (`UNet(3, 2)`). */
export function entryFor(cls: ModelClass, args: string): string {
  return `${cls.name}(${args.trim()})`
}
