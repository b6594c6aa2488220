/** Number of elements of a tensor of this shape, exact at any size. */
export function numel(shape: readonly number[]): bigint {
  let total = 1n
  for (const dim of shape) total *= BigInt(dim)
  return total
}

/** `[2, 3, 4]` → `"(2, 3, 4)"`. */
export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(', ')})`
}
