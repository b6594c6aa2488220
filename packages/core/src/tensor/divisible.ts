/**
 * The channel rounding of torchvision's `_make_divisible` and timm's `make_divisible`: `value` to the nearest multiple
 * of `divisor` (halves up), at least `minValue`, and one `divisor` more when that falls below `roundLimit` of `value`.
 * The callers differ only in what an absent `minValue` means: torchvision's `None` is `divisor`, timm's `None` and
 * `0` are.
 */
export function makeDivisible(value: number, divisor: number, minValue = divisor, roundLimit = 0.9): number {
  let rounded = Math.max(minValue, Math.floor(Math.trunc(value + divisor / 2) / divisor) * divisor)
  if (rounded < roundLimit * value) rounded += divisor
  return rounded
}
