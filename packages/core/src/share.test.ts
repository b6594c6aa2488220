import { describe, expect, it } from 'vitest'
import { decodeShareState, encodeShareState, maxShareFiles, maxShareFragmentChars, programShareState, shareUrl } from './share.js'
import { analyze } from './analyze.js'
import { parseRequest, readRequest, requestToRaw } from './request/request.js'
import { errorOf } from '../test/support.js'


describe('encodeShareState and decodeShareState', () => {
  it('round-trip every field under its stable key', () => {
    const state = { source: 'nn.Linear(4, 4)', input: '2,4', device: 'cpu', torch: '1.13', mode: 'training', optimizer: 'AdamW(lr=1e-4)', batch: '8', sharding: 'full_shard', gpus: '16', lora: 'r=8,target=q_proj', units: 'si', depth: '3' }
    const fragment = encodeShareState(state)
    expect(fragment).toBe('src=nn.Linear(4%2C%204)&in=2%2C4&dev=cpu&torch=1.13&mode=training&opt=AdamW(lr%3D1e-4)&b=8&gpus=16&zero=full_shard&lora=r%3D8%2Ctarget%3Dq_proj&units=si&depth=3')
    expect(decodeShareState(`#${fragment}`)).toEqual(state)
  })

  it('reads links written before the mode key: training with an optimizer, else inference with the weight format under prec', () => {
    expect(decodeShareState('src=x&opt=AdamW&b=2')).toMatchObject({ mode: 'training', optimizer: 'AdamW', batch: '2' })
    expect(decodeShareState('src=x&prec=int8&seq=512')).toMatchObject({ mode: 'inference', weights: 'int8', seq: '512' })
    expect(decodeShareState('src=x')).toEqual({ source: 'x' })
  })

  it('refuses oversized and malformed fragments and a missing source', () => {
    expect(errorOf(() => decodeShareState(`src=${'a'.repeat(maxShareFragmentChars)}`)).message).toContain('the limit is 100,000')
    expect(errorOf(() => decodeShareState('src=%E0%A4%A')).message).toBe('The shared link is malformed.')
    expect(errorOf(() => decodeShareState('in=1,2')).message).toContain('no `src`')
  })

  it('never writes a link the decoder refuses: too long is an error, not a link', () => {
    const e = errorOf(() => encodeShareState({ source: 'x'.repeat(maxShareFragmentChars) }))
    expect(e.code).toBe('limit')
    expect(e.message).toMatch(/^This state is too large to share: its link would be 100,004 characters long; links hold 100,000\.$/)
    expect(decodeShareState(encodeShareState({ source: 'x'.repeat(maxShareFragmentChars - 4) })).source.length).toBe(maxShareFragmentChars - 4)
  })

  it('gives a typed error for text a URL cannot carry (an unpaired surrogate), not a URIError', () => {
    const e = errorOf(() => encodeShareState({ source: 'nn.Linear(2, 3)  # \ud800' }))
    expect(e).toMatchObject({ code: 'option', field: 'source' })
    expect(shareUrl({ source: 'nn.ReLU()  # 😀' })).toBe('https://nnsize.github.io/nnsize/#src=nn.ReLU()%20%20%23%20%F0%9F%98%80')
  })

  it('agrees with the request parser on every limit: what the command line accepts, the link carries and the page reads', () => {
    const request = parseRequest({ source: 'nn.Linear(4, 4)', batch: '1_000_000_000', seq: 2 ** 31 - 1, mode: 'inference' })
    const decoded = decodeShareState(encodeShareState(requestToRaw(request)))
    expect(parseRequest(decoded)).toEqual(request)
    expect(readRequest(decodeShareState('src=x&b=1000000001')).problems.map((p) => [p.field, p.reason])).toEqual([['batch', 'must be a whole number from 1 to 1,000,000,000, got `1000000001`.']])
  })

  it('carries a program of files: the main file as the source, its path, the others by path, and the entry', () => {
    const state = { source: 'from parts import Block\n', main: 'unet/model.py', files: { 'unet/parts.py': 'import torch.nn as nn\n', 'unet/__init__.py': '' }, entry: 'UNet(3, 2)' }
    const fragment = encodeShareState(state)
    expect(fragment).toBe('src=from%20parts%20import%20Block%0A&model=UNet(3%2C%202)&main=unet%2Fmodel.py&file%3Aunet%2Fparts.py=import%20torch.nn%20as%20nn%0A&file%3Aunet%2F__init__.py=')
    expect(decodeShareState(fragment)).toEqual(state)
  })

  it('refuses files it cannot carry, and links with files but no main file or a file twice', () => {
    const big = { source: 'x', main: 'a.py', files: { 'b.py': 'y'.repeat(maxShareFragmentChars) } }
    expect(errorOf(() => encodeShareState(big)).message).toBe('These 2 files are too large to share as a link: it would be 100,028 characters long; links hold 100,000. Nothing was uploaded.')
    const many = Object.fromEntries(Array.from({ length: maxShareFiles + 1 }, (_, i) => [`f${i}.py`, '']))
    expect(errorOf(() => encodeShareState({ source: 'x', main: 'a.py', files: many })).message).toBe('These 201 files are too many to share: a link carries at most 200.')
    expect(errorOf(() => decodeShareState('src=x&file%3Ab.py=y')).message).toBe('The shared link holds files but not which one is the main file (`main`).')
    expect(errorOf(() => decodeShareState('src=x&main=a.py&file%3Ab.py=y&file%3Ab.py=z')).message).toBe('The shared link is malformed: it holds the file `b.py` twice, or a file without a name.')
    expect(decodeShareState('src=x&main=a.py&file%3A__proto__=y').files).toEqual(Object.fromEntries([['__proto__', 'y']]))
  })
})

describe('programShareState', () => {
  const unet = {
    'unet/__init__.py': 'from .model import UNet\n',
    'unet/model.py': [
      'import torch.nn as nn',
      'from .parts import Block',
      'class UNet(nn.Module):',
      '    def __init__(self, c_in, c_out):',
      '        super().__init__()',
      '        self.block = Block(c_in, c_out)',
      '    def forward(self, x):',
      '        from .ops import act',
      '        return act(self.block(x))',
      '',
    ].join('\n'),
    'unet/parts.py': 'import torch.nn as nn\nclass Block(nn.Module):\n    def __init__(self, a, b):\n        super().__init__()\n        self.conv = nn.Conv2d(a, b, 3)\n    def forward(self, x):\n        return self.conv(x)\n',
    'unet/ops.py': 'import torch.nn.functional as F\ndef act(x):\n    return F.relu(x)\n',
    'unet/unused.py': 'this is not ( python\n',
    'train.py': 'import unet\n',
  }

  it('carries the files the analysis read (those imported while building and in forward), not every file given', () => {
    const analysis = analyze({ files: unet, main: 'unet/__init__.py', entry: 'UNet(3, 2)' }, { input: '1,3,8,8' })
    expect(analysis.filesRead).toEqual(['unet/__init__.py', 'unet/model.py', 'unet/parts.py', 'unet/ops.py'])
    const state = programShareState(analysis, { source: 'ignored', batch: '4' })
    expect(state).toEqual({ source: unet['unet/__init__.py'], batch: '4', main: 'unet/__init__.py', entry: 'UNet(3, 2)', files: { 'unet/model.py': unet['unet/model.py'], 'unet/parts.py': unet['unet/parts.py'], 'unet/ops.py': unet['unet/ops.py'] } })
    // the page builds the same model from what the link carries: 3·2·3·3 + 2 = 56 parameters
    const opened = decodeShareState(encodeShareState(state))
    const again = analyze({ files: { ...opened.files, [opened.main!]: opened.source }, main: opened.main!, entry: String(opened.entry) }, { input: '1,3,8,8' })
    expect(again.params.total).toBe(56n)
    expect(again.outputShape).toEqual(analysis.outputShape)
  })

  it('writes paths below the import root, which a link does not carry, and leaves one text as it is', () => {
    const analysis = analyze({ files: { 'src/pkg/__init__.py': '', 'src/pkg/net.py': 'import torch.nn as nn\nfrom . import layers\nmodel = layers.make()\n', 'src/pkg/layers.py': 'import torch.nn as nn\ndef make():\n    return nn.Linear(2, 3)\n' }, main: 'src/pkg/net.py', root: 'src' })
    expect(analysis.filesRead).toEqual(['src/pkg/__init__.py', 'src/pkg/net.py', 'src/pkg/layers.py'])
    const state = programShareState(analysis, { source: '' })
    expect(state.main).toBe('pkg/net.py')
    expect(Object.keys(state.files ?? {})).toEqual(['pkg/__init__.py', 'pkg/layers.py'])
    expect(state.entry).toBeUndefined()
    expect(analyze({ files: { ...state.files, [state.main!]: state.source }, main: state.main! }).params.total).toBe(9n)
    const text = analyze('nn.Linear(2, 3)')
    expect(text.filesRead).toBeUndefined()
    expect(programShareState(text, { source: 'nn.Linear(2, 3)', input: '1,2' })).toEqual({ source: 'nn.Linear(2, 3)', input: '1,2' })
  })
})
