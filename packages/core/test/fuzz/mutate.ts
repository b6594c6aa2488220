/** A small deterministic PRNG (mulberry32) so that fuzz runs are reproducible from a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FRAGMENTS = [
  '(', ')', '[', ']', '{', '}', ',', '=', '*', '**', '-', '+', '//', '.', ':', ';', '\n', ' ', '"', "'", '#', '\\',
  '0', '-1', '2 ** 62', '10 ** 20', '1e308', '3.5', 'True', 'None', "'same'", 'nn.', 'torch.', 'lambda', 'import os',
  'for _ in range(3)', '[nn.ReLU()] * 3', 'nn.Sequential(', 'groups=', 'bias=False', 'dtype=torch.float16', '__proto__',
  'constructor', '.requires_grad_(False)', '\u0000', '\uD83D\uDE00', 'x', 'nn.Linear(', 'kernel_size=', '*[', '**{',
]

/** Returns a mutated copy of `source`: deletions, insertions, duplications, swaps and splices. */
export function mutate(source: string, random: () => number, others: readonly string[]): string {
  let text = source
  const edits = 1 + Math.floor(random() * 3)
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (text.length + 1))
    const kind = Math.floor(random() * 6)
    if (kind === 0) {
      const len = 1 + Math.floor(random() * 4)
      text = text.slice(0, at) + text.slice(at + len)
    } else if (kind === 1) {
      text = text.slice(0, at) + FRAGMENTS[Math.floor(random() * FRAGMENTS.length)]! + text.slice(at)
    } else if (kind === 2) {
      const len = Math.floor(random() * 12)
      text = text.slice(0, at) + text.slice(at, at + len) + text.slice(at)
    } else if (kind === 3 && text.length > 2) {
      const b = Math.floor(random() * text.length)
      const chars = [...text]
      const tmp = chars[at % chars.length]!
      chars[at % chars.length] = chars[b]!
      chars[b] = tmp
      text = chars.join('')
    } else if (kind === 4) {
      const other = others[Math.floor(random() * others.length)] ?? ''
      const from = Math.floor(random() * other.length)
      text = text.slice(0, at) + other.slice(from, from + Math.floor(random() * 30)) + text.slice(at)
    } else {
      text = text.replace(/\d+/, String(Math.floor(random() * 2 ** (random() * 40))))
    }
  }
  return text
}
