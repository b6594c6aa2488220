import { describe, expect, it } from 'vitest'
import { limits } from '@nnsize/core'
import { fileKey, isPythonFile, maxPythonDepth, readPythonFiles } from './python-files.ts'

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

describe('filesOfEntries for a dropped folder of model code', () => {
  /** A dropped folder as the browser's entries give it: files, and folders read in batches. */
  function folder(fullPath: string, children: FileSystemEntry[]): FileSystemEntry {
    return {
      isFile: false,
      isDirectory: true,
      fullPath,
      createReader: () => {
        const batches = [children, []]
        return { readEntries: (ok: (batch: FileSystemEntry[]) => void) => ok(batches.shift() ?? []) }
      },
    } as unknown as FileSystemEntry
  }
  function file(fullPath: string, text = ''): FileSystemEntry {
    return { isFile: true, isDirectory: false, fullPath, file: (ok: (f: File) => void) => ok(new File([text], fullPath.split('/').at(-1)!)) } as unknown as FileSystemEntry
  }

  it('walks deeper for .py files only, and the program reads them by their paths in the folder', async () => {
    const { filesOfEntries } = await import('./weights.ts')
    const dropped = folder('/proj', [file('/proj/README.md'), folder('/proj/models', [folder('/proj/models/blocks', [file('/proj/models/blocks/attn.py', 'import torch\n')]), file('/proj/models/__init__.py')]), file('/proj/train.py', 'x = 1\n')])
    // the weights walk: the folder and one level below it
    expect((await filesOfEntries([dropped])).map((f) => f.name)).toEqual(['proj/README.md', 'proj/models/__init__.py', 'proj/train.py'])
    const code = await filesOfEntries([dropped], { maxDepth: maxPythonDepth, accept: isPythonFile })
    expect(code.map((f) => f.name)).toEqual(['proj/models/blocks/attn.py', 'proj/models/__init__.py', 'proj/train.py'])
    expect(Object.keys((await readPythonFiles(code)).files)).toEqual(['proj/models/blocks/attn.py', 'proj/models/__init__.py', 'proj/train.py'])
  })
})
