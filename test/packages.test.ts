import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { publint } from 'publint'
import { beforeAll, describe, expect, it } from 'vitest'
import { pack, repoRoot, tempDir } from './helpers.js'

let coreTarball = ''
let dir = ''

beforeAll(() => {
  dir = tempDir('pack')
  coreTarball = pack('packages/core', dir)
})

describe('@nnsize/core package', () => {
  it('passes publint in strict mode', async () => {
    const tarball = readFileSync(coreTarball)
    const { messages } = await publint({ pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) as ArrayBuffer }, strict: true })
    expect(messages.map((m) => `${m.type} ${m.code} ${m.path.join('.')}`)).toEqual([])
  })

  it('has no runtime dependencies', () => {
    const manifest = JSON.parse(readFileSync(resolve(repoRoot, 'packages/core/package.json'), 'utf8')) as Record<string, unknown>
    expect(manifest['dependencies']).toBeUndefined()
    expect(manifest['sideEffects']).toBe(false)
    expect(manifest['type']).toBe('module')
  })

  it('ships compiled JavaScript and declarations, no tests or sources', () => {
    const listing = execFileSync('tar', ['-tzf', coreTarball], { encoding: 'utf8' }).split('\n')
    expect(listing).toContain('package/dist/index.js')
    expect(listing).toContain('package/dist/index.d.ts')
    expect(listing.filter((f) => /\.test\.|\/src\/|\.map$/.test(f))).toEqual([])
  })

  it('installs into a fresh TypeScript project that type-checks and runs analyze, with its subpath entry points', () => {
    const app = tempDir('consumer')
    const target = join(app, 'node_modules/@nnsize/core')
    mkdirSync(target, { recursive: true })
    execFileSync('tar', ['-xzf', coreTarball, '-C', target, '--strip-components=1'])
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: [] } }),
    )
    writeFileSync(
      join(app, 'main.ts'),
      [
        "import { analyze, formatBytes, NnsizeError, type Analysis } from '@nnsize/core'",
        "import { planMemory, type MemoryPlan } from '@nnsize/core/memory'",
        "import { memoryRows, type MemoryRow } from '@nnsize/core/present'",
        "import { parseRequest, type Request } from '@nnsize/core/request'",
        "import { syntaxTokens, type SyntaxToken } from '@nnsize/core/syntax'",
        "const result: Analysis = analyze('nn.Conv2d(128, 256, 3)')",
        'const total: bigint = result.params.total',
        "const label: string = formatBytes(result.params.bytes, 'si')",
        'const isError: boolean = NnsizeError.isInstance(new Error())',
        "const request: Request = parseRequest({ source: 'nn.Linear(2, 3)', optimizer: 'Adam' })",
        'const plan: MemoryPlan = planMemory(result, { optimizer: request.memory?.optimizer })',
        'const rows: MemoryRow[] = memoryRows(plan)',
        "const tokens: SyntaxToken[] = syntaxTokens('nn.ReLU()')",
        'export { total, label, isError, rows, tokens }',
      ].join('\n'),
    )
    const tsc = resolve(repoRoot, 'node_modules/typescript/bin/tsc')
    execFileSync(process.execPath, [tsc, '-p', app], { cwd: app, stdio: 'pipe' })
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', "import { analyze } from '@nnsize/core'; console.log(String(analyze('nn.Conv2d(128, 256, 3)').params.total))"], { cwd: app, encoding: 'utf8' })
    expect(out.trim()).toBe('295168')
    const present = execFileSync(process.execPath, ['--input-type=module', '-e', "import { memoryLineLabels } from '@nnsize/core/present'; console.log(memoryLineLabels.gatheredWeights)"], { cwd: app, encoding: 'utf8' })
    expect(present.trim()).toBe('Gathered weights')
  })

  it('also loads through require() on Node versions that load ES modules from CommonJS', () => {
    const app = tempDir('require')
    const target = join(app, 'node_modules/@nnsize/core')
    mkdirSync(target, { recursive: true })
    execFileSync('tar', ['-xzf', coreTarball, '-C', target, '--strip-components=1'])
    const out = execFileSync(process.execPath, ['-e', "console.log(String(require('@nnsize/core').analyze('nn.Linear(3, 4)').params.total))"], { cwd: app, encoding: 'utf8', stdio: 'pipe' })
    expect(out.trim()).toBe('16')
  })
})
