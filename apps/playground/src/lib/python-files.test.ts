import { describe, expect, it } from 'vitest'
import { limits } from '@nnsize/core'
import { fileKey, isPythonFile, readPythonFiles } from './python-files.ts'

const named = (name: string, text: string) => ({ name, file: new File([text], name.split('/').at(-1)!) })

describe('readPythonFiles', () => {
  it('reads the .py files by path and chooses the main one', async () => {
    const program = await readPythonFiles([
      named('unet/unet_parts.py', 'import torch.nn as nn\nclass DoubleConv(nn.Module):\n    pass\n'),
      named('unet/unet_model.py', 'from .unet_parts import *\nclass UNet(nn.Module):\n    pass\n'),
      named('unet/README.md', '# U-Net'),
    ])
    expect(program.main).toBe('unet/unet_model.py')
    expect(Object.keys(program.files)).toEqual(['unet/unet_parts.py', 'unet/unet_model.py'])
  })

  it('takes a file given alone as the main one', async () => {
    expect((await readPythonFiles([named('/x/parts.py', 'x = 1\n')])).main).toBe('x/parts.py')
  })

  it('refuses no .py file and too much text', async () => {
    await expect(readPythonFiles([named('a.txt', '')])).rejects.toThrow('No `.py` file was given.')
    const half = 'x'.repeat(limits.maxSourceChars / 2 + 1)
    await expect(readPythonFiles([named('a.py', half), named('b.py', half)])).rejects.toThrow('These `.py` files hold more than 1,000,000 characters, more than the page reads.')
  })
})

describe('fileKey and isPythonFile', () => {
  it('write paths with / and without a leading ./', () => {
    expect(fileKey('./models\\resnet.py')).toBe('models/resnet.py')
    expect(isPythonFile('Model.PY')).toBe(true)
    expect(isPythonFile('model.pyc')).toBe(false)
  })
})
