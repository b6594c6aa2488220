/** Bytes per element of every PyTorch dtype nnsize knows. */
export const dtypeBytes = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  float8_e4m3fn: 1,
  float8_e5m2: 1,
  float8_e4m3fnuz: 1,
  float8_e5m2fnuz: 1,
  float8_e8m0fnu: 1,
  complex64: 8,
  complex128: 16,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  bool: 1,
} as const

/** A PyTorch dtype name (`float32`, `bfloat16`, `int64`, …). */
export type DType = keyof typeof dtypeBytes

/** `torch.<alias>` names that PyTorch accepts for each dtype. */
export const dtypeAliases: Record<string, DType> = {
  float: 'float32',
  float32: 'float32',
  double: 'float64',
  float64: 'float64',
  half: 'float16',
  float16: 'float16',
  bfloat16: 'bfloat16',
  float8_e4m3fn: 'float8_e4m3fn',
  float8_e5m2: 'float8_e5m2',
  float8_e4m3fnuz: 'float8_e4m3fnuz',
  float8_e5m2fnuz: 'float8_e5m2fnuz',
  float8_e8m0fnu: 'float8_e8m0fnu',
  cfloat: 'complex64',
  complex64: 'complex64',
  cdouble: 'complex128',
  complex128: 'complex128',
  long: 'int64',
  int64: 'int64',
  int: 'int32',
  int32: 'int32',
  short: 'int16',
  int16: 'int16',
  int8: 'int8',
  uint8: 'uint8',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
  bool: 'bool',
}

/** True for dtypes whose tensors can require gradients (floating point and complex). */
export function isFloatingDType(dtype: DType): boolean {
  return dtype.startsWith('float') || dtype.startsWith('bfloat') || dtype.startsWith('complex')
}

const scalarTypeNames: Partial<Record<DType, string>> = {
  float32: 'Float',
  float64: 'Double',
  float16: 'Half',
  bfloat16: 'BFloat16',
  complex64: 'ComplexFloat',
  complex128: 'ComplexDouble',
  int64: 'Long',
  int32: 'Int',
  int16: 'Short',
  int8: 'Char',
  uint8: 'Byte',
  bool: 'Bool',
}

/** The name PyTorch's error messages give a dtype (c10's `ScalarType`: `Float`, `Long`, `Half`). */
export function scalarTypeName(dtype: DType): string {
  return scalarTypeNames[dtype] ?? dtype
}
