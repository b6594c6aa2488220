import { dtypeBytes } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'

/** An element type of a weight format: its size and the PyTorch dtype it corresponds to. */
export interface ElementType {
  /** Bits per element (4 for `F4`, 6 for `F6_E2M3`). */
  bits: number
  /** The PyTorch dtype name, or null when PyTorch has no dtype with the same elements. */
  torch: string | null
  /** A real-number type (what it dequantises to is floating point). */
  float: boolean
}

const t = (bits: number, torch: string | null, float: boolean): ElementType => ({ bits, torch, float })

/** safetensors dtypes (safetensors 0.8) and the PyTorch dtypes `safetensors.torch` maps them to. */
export const safetensorsTypes: Readonly<Record<string, ElementType>> = {
  BOOL: t(8, 'bool', false),
  U8: t(8, 'uint8', false),
  I8: t(8, 'int8', false),
  F8_E5M2: t(8, 'float8_e5m2', true),
  F8_E4M3: t(8, 'float8_e4m3fn', true),
  F8_E8M0: t(8, 'float8_e8m0fnu', true),
  F8_E4M3FNUZ: t(8, 'float8_e4m3fnuz', true),
  F8_E5M2FNUZ: t(8, 'float8_e5m2fnuz', true),
  // PyTorch's float4_e2m1fn_x2 packs two values in one element: its shapes count pairs, safetensors' count values.
  F4: t(4, null, true),
  F6_E2M3: t(6, null, true),
  F6_E3M2: t(6, null, true),
  I16: t(16, 'int16', false),
  U16: t(16, 'uint16', false),
  F16: t(16, 'float16', true),
  BF16: t(16, 'bfloat16', true),
  I32: t(32, 'int32', false),
  U32: t(32, 'uint32', false),
  F32: t(32, 'float32', true),
  C64: t(64, 'complex64', true),
  F64: t(64, 'float64', true),
  I64: t(64, 'int64', false),
  U64: t(64, 'uint64', false),
}

/** Bytes per element of the PyTorch dtypes a checkpoint can name (`torch.<dtype>` globals and storage classes). */
export const torchItemBytes: Readonly<Record<string, number>> = {
  ...dtypeBytes,
  complex32: 4,
  float4_e2m1fn_x2: 1,
  qint8: 1,
  quint8: 1,
  qint32: 4,
  quint4x2: 1,
  quint2x4: 1,
  bits8: 1,
  bits16: 2,
  bits1x8: 1,
  bits2x4: 1,
  bits4x2: 1,
  ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7].flatMap((n) => [[`int${n}`, 1], [`uint${n}`, 1]])),
}

/** Legacy typed storage classes (`torch.FloatStorage`) and their dtypes. */
export const storageClassDTypes: Readonly<Record<string, string>> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  ComplexFloatStorage: 'complex64',
  ComplexDoubleStorage: 'complex128',
  QInt8Storage: 'qint8',
  QUInt8Storage: 'quint8',
  QInt32Storage: 'qint32',
  QUInt4x2Storage: 'quint4x2',
  QUInt2x4Storage: 'quint2x4',
}

/** A ggml tensor type: elements per block and bytes per block (1 and the element size for plain types). */
export interface GGMLType {
  name: string
  blockSize: number
  typeSize: number
  torch: string | null
}

const g = (name: string, blockSize: number, typeSize: number, torch: string | null = null): GGMLType => ({ name, blockSize, typeSize, torch })

/** ggml tensor types by number (ggml `ggml_type`, gguf-py `GGML_QUANT_SIZES`). */
export const ggmlTypes: ReadonlyMap<number, GGMLType> = new Map([
  [0, g('F32', 1, 4, 'float32')],
  [1, g('F16', 1, 2, 'float16')],
  [2, g('Q4_0', 32, 18)],
  [3, g('Q4_1', 32, 20)],
  [6, g('Q5_0', 32, 22)],
  [7, g('Q5_1', 32, 24)],
  [8, g('Q8_0', 32, 34)],
  [9, g('Q8_1', 32, 40)],
  [10, g('Q2_K', 256, 84)],
  [11, g('Q3_K', 256, 110)],
  [12, g('Q4_K', 256, 144)],
  [13, g('Q5_K', 256, 176)],
  [14, g('Q6_K', 256, 210)],
  [15, g('Q8_K', 256, 292)],
  [16, g('IQ2_XXS', 256, 66)],
  [17, g('IQ2_XS', 256, 74)],
  [18, g('IQ3_XXS', 256, 98)],
  [19, g('IQ1_S', 256, 50)],
  [20, g('IQ4_NL', 32, 18)],
  [21, g('IQ3_S', 256, 110)],
  [22, g('IQ2_S', 256, 82)],
  [23, g('IQ4_XS', 256, 136)],
  [24, g('I8', 1, 1, 'int8')],
  [25, g('I16', 1, 2, 'int16')],
  [26, g('I32', 1, 4, 'int32')],
  [27, g('I64', 1, 8, 'int64')],
  [28, g('F64', 1, 8, 'float64')],
  [29, g('IQ1_M', 256, 56)],
  [30, g('BF16', 1, 2, 'bfloat16')],
  [34, g('TQ1_0', 256, 54)],
  [35, g('TQ2_0', 256, 66)],
  [39, g('MXFP4', 32, 17)],
  [40, g('NVFP4', 64, 36)],
  [41, g('Q1_0', 128, 18)],
])

/** ONNX `TensorProto.DataType` by number: name, bits per element, PyTorch dtype. */
export const onnxTypes: ReadonlyMap<number, { name: string } & ElementType> = new Map(
  (
    [
      [1, 'FLOAT', 32, 'float32', true],
      [2, 'UINT8', 8, 'uint8', false],
      [3, 'INT8', 8, 'int8', false],
      [4, 'UINT16', 16, 'uint16', false],
      [5, 'INT16', 16, 'int16', false],
      [6, 'INT32', 32, 'int32', false],
      [7, 'INT64', 64, 'int64', false],
      [8, 'STRING', 0, null, false],
      [9, 'BOOL', 8, 'bool', false],
      [10, 'FLOAT16', 16, 'float16', true],
      [11, 'DOUBLE', 64, 'float64', true],
      [12, 'UINT32', 32, 'uint32', false],
      [13, 'UINT64', 64, 'uint64', false],
      [14, 'COMPLEX64', 64, 'complex64', true],
      [15, 'COMPLEX128', 128, 'complex128', true],
      [16, 'BFLOAT16', 16, 'bfloat16', true],
      [17, 'FLOAT8E4M3FN', 8, 'float8_e4m3fn', true],
      [18, 'FLOAT8E4M3FNUZ', 8, 'float8_e4m3fnuz', true],
      [19, 'FLOAT8E5M2', 8, 'float8_e5m2', true],
      [20, 'FLOAT8E5M2FNUZ', 8, 'float8_e5m2fnuz', true],
      [21, 'UINT4', 4, null, false],
      [22, 'INT4', 4, null, false],
      [23, 'FLOAT4E2M1', 4, null, true],
      [24, 'FLOAT8E8M0', 8, 'float8_e8m0fnu', true],
      [25, 'UINT2', 2, null, false],
      [26, 'INT2', 2, null, false],
      [27, 'FLOAT6E2M3', 6, null, true],
      [28, 'FLOAT6E3M2', 6, null, true],
    ] as const
  ).map(([n, name, bits, torch, float]) => [n, { name, ...t(bits, torch, float) }]),
)

/** True for PyTorch dtype names of real or complex numbers. */
export function isFloatName(torch: string): boolean {
  return /^(float|bfloat|complex|half|double)/.test(torch)
}

/**
 * The nnsize {@link DType} a file tensor is analysed with: its PyTorch dtype when nnsize models it; else, for
 * types PyTorch has no dtype for, `float32` for real-number types (block-quantised GGUF types dequantise to
 * it) and `uint8` for the rest (packed integers, strings). The tensor keeps its exact stored bytes.
 */
export function analysisDType(torch: string | null, formatType: string): DType {
  if (torch !== null && Object.hasOwn(dtypeBytes, torch)) return torch as DType
  if (torch !== null) return isFloatName(torch) ? 'float32' : 'uint8'
  return /^(I|U|INT|UINT|BOOL|STRING)/.test(formatType) && !/^IQ/.test(formatType) ? 'uint8' : 'float32'
}
