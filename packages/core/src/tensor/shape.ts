/** Number of elements of a tensor of this shape, exact at any size. */
export function numel(shape: readonly number[]): bigint {
  // Below 2^53 a float product is exact, and one bigint is made instead of one per dimension.
  let product = 1
  for (const dim of shape) product *= dim
  if (Number.isSafeInteger(product)) return BigInt(product)
  let total = 1n
  for (const dim of shape) total *= BigInt(dim)
  return total
}

/** `[2, 3, 4]` → `"(2, 3, 4)"`. */
export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(', ')})`
}
