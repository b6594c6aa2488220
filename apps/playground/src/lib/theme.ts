/** `system` follows the operating system's light or dark setting. */
export type ThemeChoice = 'system' | 'light' | 'dark'

const storageKey = 'nnsize-theme'

/** The theme the reader chose last time, `system` when none (or when storage is unavailable). */
export function loadTheme(storage: Pick<Storage, 'getItem'> | undefined): ThemeChoice {
  try {
    const value = storage?.getItem(storageKey)
    return value === 'light' || value === 'dark' ? value : 'system'
  } catch {
    return 'system'
  }
}

/** Remembers the choice and applies it to the document (`data-theme` on `<html>`). */
export function applyTheme(choice: ThemeChoice, root: HTMLElement, storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined): void {
  if (choice === 'system') delete root.dataset.theme
  else root.dataset.theme = choice
  try {
    if (choice === 'system') storage?.removeItem(storageKey)
    else storage?.setItem(storageKey, choice)
  } catch {
    // Private windows may refuse storage; the choice then lasts for this visit only.
  }
}
