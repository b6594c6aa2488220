/** Edit distance between two strings (Damerau: a swap of neighbours costs 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[] = new Array<number>(rows * cols).fill(0)
  for (let i = 0; i < rows; i++) d[i * cols] = i
  for (let j = 0; j < cols; j++) d[j] = j
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1)
      }
      d[i * cols + j] = best
    }
  }
  return d[rows * cols - 1]!
}

/** Names longer than this get no suggestions (and are no suggestion): the edit distance is quadratic in length. */
const maxSuggestedLength = 100

/**
 * The candidates closest to `word`, best first: a case-insensitive exact match,
 * then those within an edit distance that grows with the word's length.
 */
export function suggest(word: string, candidates: Iterable<string>, max = 3): string[] {
  // A name this long is no typo of a short one; comparing it would cost its length times each candidate's.
  if (word.length > maxSuggestedLength) return []
  const lower = word.toLowerCase()
  const limit = Math.max(1, Math.floor(word.length / 3))
  const scored: Array<[number, string]> = []
  for (const candidate of candidates) {
    if (candidate.length > maxSuggestedLength) continue
    const c = candidate.toLowerCase()
    if (c === lower) {
      scored.push([-1, candidate])
      continue
    }
    // The distance is at least the difference in length: skip the quadratic work when that alone is too far.
    const distance = Math.abs(c.length - lower.length) > limit ? limit + 1 : editDistance(lower, c)
    // A word of one to three characters is one edit from many unrelated ones (`tf` → `F`, `gpu` → `cpu`): there a
    // candidate must also start with the same letter (`lrr` → `lr`, `Rlu` → `ReLU`).
    if (distance <= limit && (lower.length >= 4 || c[0] === lower[0])) scored.push([distance, candidate])
    // A prefix counts when it leaves out little (`resnet` → `resnet50`), not a different word (`Dense` → `densenet121`).
    else if (lower.length >= 4 && (c.startsWith(lower) || lower.startsWith(c)) && Math.abs(c.length - lower.length) <= Math.max(3, Math.floor(Math.min(c.length, lower.length) / 2))) scored.push([limit + 1, candidate])
  }
  const exact = scored.filter(([score]) => score === -1)
  if (exact.length > 0) return exact.map(([, candidate]) => candidate).slice(0, max)
  scored.sort((x, y) => x[0] - y[0] || x[1].localeCompare(y[1]))
  return scored.slice(0, max).map(([, candidate]) => candidate)
}

/** " Did you mean `a` or `b`?" or "" when there is nothing to suggest. */
export function didYouMean(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return ''
  const quoted = suggestions.map((s) => `\`${s}\``)
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`
  return ` Did you mean ${list}?`
}
