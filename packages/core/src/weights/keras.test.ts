import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeWeights, bytesReader } from '../index.js'
import { bytes, refusal, zip } from '../../test/weights/build.js'
import { referenceDir } from '../../test/conformance/reference.js'

const keras = new Uint8Array(readFileSync(resolve(referenceDir, 'files/keras/mlp.keras')))

describe('Keras files', () => {
  it('reads a bare HDF5 weights file as it reads the one inside a .keras zip', async () => {
    const inZip = await analyzeWeights(bytesReader('mlp.keras', keras))
    const file = inZip.weights.files[0]!
    if (file.format !== 'keras') throw new Error('not keras')
    const h5 = keras.subarray(file.h5EntryOffset, file.h5EntryOffset + 16816)
    const bare = await analyzeWeights(bytesReader('model.weights.h5', h5))
    expect(bare.weights.tensors.map((t) => [t.name, t.shape, t.bytes])).toEqual(inZip.weights.tensors.map((t) => [t.name, t.shape, t.bytes]))
    expect(bare.weights.files[0]).toMatchObject({ format: 'keras', container: 'hdf5' })
    // Non-trainable BatchNormalization statistics are buffers.
    expect(bare.tensors.filter((t) => t.kind === 'buffer').map((t) => t.name)).toEqual(['layers.batch_normalization.vars.2', 'layers.batch_normalization.vars.3'])
  })

  it('refuses a compressed model.weights.h5 and a truncated HDF5 file', async () => {
    const e = await refusal(analyzeWeights(bytesReader('m.keras', zip([{ name: 'model.weights.h5', data: bytes('x'), method: 8 }]))))
    expect(e.message).toContain('compressed')
    const file = (await analyzeWeights(bytesReader('mlp.keras', keras))).weights.files[0]!
    const offset = file.format === 'keras' ? file.h5EntryOffset : 0
    const cut = await refusal(analyzeWeights(bytesReader('cut.h5', keras.subarray(offset, offset + 2000))))
    expect(cut.code).toBe('weights-format')
    expect(cut.message).toMatch(/runs past the end of the file/)
  })
})
