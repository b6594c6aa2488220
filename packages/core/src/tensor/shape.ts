/**
 * Number of elements of a tensor of this shape, exact at any size: a `number` below 2^53 (where float
 * products are exact, and nothing is allocated), a `bigint` from there on.
 */
export function elementCount(shape: readonly number[]): number | bigint {
  let product = 1
  for (let i = 0; i < shape.length; i++) product *= shape[i]!
  if (Number.isSafeInteger(product)) return product
  let total = 1n
  for (const dim of shape) total *= BigInt(dim)
  return total
}

/** Number of elements of a tensor of this shape, exact at any size. */
export function numel(shape: readonly number[]): bigint {
  return BigInt(elementCount(shape))
}

/** `[2, 3, 4]` → `"(2, 3, 4)"`. */
export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(', ')})`
}
