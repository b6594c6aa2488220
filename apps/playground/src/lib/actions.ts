/**
 * Sets CSS custom properties through the CSSOM, which a strict Content-Security-Policy allows
 * (an inline `style` attribute would need `'unsafe-inline'`).
 */
export function cssVars(node: HTMLElement, vars: Record<string, string | number>): { update(next: Record<string, string | number>): void } {
  const apply = (next: Record<string, string | number>): void => {
    for (const [name, value] of Object.entries(next)) node.style.setProperty(name, String(value))
  }
  apply(vars)
  return { update: apply }
}
