/**
 * The built page in a real Chromium (Debian's `chromium` package, driven by playwright-core),
 * served from a sub-path by a static server on 127.0.0.1. Nothing leaves the loopback interface.
 * Screenshots land in apps/playground/test-results/.
 */
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium } from 'playwright-core'
import type { BrowserContext, Page } from 'playwright-core'
import { analyze, encodeShareState, formatCount } from '@nnsize/core'
import { serveStatic } from './static-server.ts'

const chromiumPath = '/usr/bin/chromium'
const hasChromium = existsSync(chromiumPath)
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const results = join(root, 'test-results')
const outDir = join(results, 'e2e-dist')
/** Served from a deep sub-path to prove the default build works under any path. */
const basePath = '/some/deep/sub-path/'

if (!hasChromium) {
  console.warn(`Skipping the browser tests: ${chromiumPath} is absent. Install it with \`apt-get install -y chromium\`.`)
}

describe.skipIf(!hasChromium)(hasChromium ? 'the playground in Chromium' : `the playground in Chromium (skipped: ${chromiumPath} is absent)`, () => {
  let context: BrowserContext
  let close: () => Promise<void>
  let baseUrl: string
  let userDataDir: string
  const cspViolations: string[] = []
  const pageErrors: string[] = []

  beforeAll(async () => {
    mkdirSync(results, { recursive: true })
    await promisify(execFile)(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: root,
      // A production build, whatever the test runner set (vitest sets NODE_ENV=test), with the default relative base.
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'NNSIZE_BASE')), NODE_ENV: 'production' },
    })
    const server = await serveStatic(outDir, basePath)
    baseUrl = server.url
    close = server.close
    userDataDir = mkdtempSync(join(tmpdir(), 'nnsize-chromium-'))
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
      colorScheme: 'light',
    })
    context.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text())
    })
    context.on('weberror', (error) => pageErrors.push(error.error().message))
  })

  afterAll(async () => {
    await context?.close()
    await close?.()
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true })
  })

  /** A new page at `hash`; with `cpuSlowdown`, on a CPU that many times slower (Chromium's throttling, its workers too). */
  async function open(hash = '', width = 1280, cpuSlowdown?: number): Promise<Page> {
    const page = await context.newPage()
    if (cpuSlowdown !== undefined) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown })
    await page.setViewportSize({ width, height: 900 })
    page.on('dialog', (dialog) => {
      pageErrors.push(`unexpected dialog: ${dialog.message()}`)
      void dialog.dismiss()
    })
    await page.goto(`${baseUrl}${hash}`)
    await page.locator('#source').waitFor()
    return page
  }

  async function total(page: Page, expected: string): Promise<void> {
    await page.waitForFunction((text) => document.querySelector('.results:not(.stale) [data-testid=total]')?.textContent === text, expected, { timeout: 10_000 })
  }

  /** Waits until the caret excerpt shows `text`: while typing, earlier errors come and go. */
  async function caretShows(page: Page, text: string): Promise<void> {
    await page.waitForFunction((expected) => document.querySelector('[data-testid=caret]')?.textContent?.includes(expected), text, { timeout: 10_000 })
  }

  async function typeSource(page: Page, text: string): Promise<void> {
    const editor = page.locator('#source')
    await editor.fill('')
    await editor.pressSequentially(text, { delay: 2 })
  }

  it('serves a page whose Content-Security-Policy forbids inline script', () => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8')
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? ''
    const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(csp)?.[1]
    expect(scriptSrc).toBe("'self'")
    expect(/(?:^|;)\s*style-src ([^;]*)/.exec(csp)?.[1]).toBe("'self'")
    expect(csp).toContain("object-src 'none'")
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
  })

  it('answers Conv2d(128, 256, 3) typed key by key: 295,168', async () => {
    const page = await open()
    await typeSource(page, 'Conv2d(128, 256, 3)')
    await total(page, '295,168')
    expect(await page.locator('[data-testid=formula]').textContent()).toContain('= 128 × 256 × 9 + 256 = 294,912 + 256 = 295,168')
    expect(await page.locator('[data-testid=breakdown]').textContent()).toBe('294,912 weights + 256 biases')
    expect(await page.locator('[data-testid=bytes]').textContent()).toMatch(/1\.13 MiB · 1\.18 MB/)
    // The address follows the page.
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('src=Conv2d(128, 256, 3)'))
    await page.close()
  })

  it('turns bias off with the switch: 294,912', async () => {
    const page = await open()
    await total(page, '295,168')
    await page.getByRole('checkbox', { name: 'bias' }).click()
    await total(page, '294,912')
    expect(await page.locator('#source').inputValue()).toBe('Conv2d(128, 256, 3, bias=False)')
    await page.getByRole('checkbox', { name: 'bias' }).click()
    await total(page, '295,168')
    await page.close()
  })

  it('underlines a mistake, shows the caret excerpt, dims the last result and applies the fix', async () => {
    const page = await open()
    await total(page, '295,168')
    await typeSource(page, 'nn.Conv2D(128, 256, 3)')
    const caret = page.locator('[data-testid=caret]')
    await caretShows(page, '1 | nn.Conv2D(128, 256, 3)\n  |    ^^^^^^')
    expect(await page.locator('.overlay .err').allTextContents()).toEqual(['Conv2D'])
    expect(await page.locator('.results.stale [data-testid=total]').textContent()).toBe('295,168')
    expect(await page.locator('#source').getAttribute('aria-invalid')).toBe('true')
    await page.getByRole('button', { name: 'Replace Conv2D with Conv2d' }).click()
    await total(page, '295,168')
    expect(await page.locator('#source').inputValue()).toBe('nn.Conv2d(128, 256, 3)')
    expect(await caret.count()).toBe(0)
    await page.close()
  })

  it('shows markup typed into the editor as text and runs none of it', async () => {
    const page = await open()
    await typeSource(page, '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">')
    await caretShows(page, '1 | <script>window.pwned=1</script><img src=x onerror="window.pwned=2">')
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined()
    expect(await page.locator('.results img, #source-error img, #source-error script').count()).toBe(0)
    await page.close()
  })

  it('plans training memory when Adam is chosen, and says whether it fits', async () => {
    const page = await open(`#${encodeShareState({ source: 'Conv2d(128, 256, 3)', input: '8,128,56,56' })}`)
    await total(page, '295,168')
    await page.getByRole('radio', { name: 'Training' }).check()
    await page.locator('#optimizer').fill('Adam')
    const lines = page.locator('[data-testid=memory-lines]')
    await page.waitForFunction(() => document.querySelector('[data-testid=memory-lines] [data-line=optimizerState]')?.textContent?.includes('torch.optim.Adam():'))
    expect(await lines.locator('[data-line=weights] td').first().textContent()).toBe('1.13 MiB')
    expect(await lines.locator('[data-line=gradients] td').first().textContent()).toBe('1.13 MiB')
    expect(await lines.locator('[data-line=optimizerState]').textContent()).toContain('torch.optim.Adam()')
    expect(await lines.locator('[data-line=activations]').textContent()).toContain('traced forward of (8, 128, 56, 56)')
    // traced activations need no figure from the reader
    expect(await page.locator('#activations').count()).toBe(0)
    await page.locator('#gpu').selectOption('h100-80gb')
    await page.locator('[data-testid=verdict]').waitFor()
    expect(await page.locator('[data-testid=verdict]').textContent()).toMatch(/^Fits: fits on NVIDIA H100 80GB with .* to spare/)
    expect(await page.locator('.memory svg[role=img] desc').textContent()).toMatch(/Weights 1\.13 MiB, Gradients 1\.13 MiB, Optimizer state 2\.25 MiB/)
    // The link carries the memory options.
    await page.waitForFunction(() => location.hash.includes('opt=Adam') && location.hash.includes('gpu=h100-80gb'))
    await page.close()
  })

  it('answers the Adam question at a glance: model states apart from an adjustable framework reserve', async () => {
    const page = await open(`#${encodeShareState({ source: 'Conv2d(128, 256, 3)', mode: 'training', optimizer: 'Adam' })}`)
    await total(page, '295,168')
    const states = page.locator('[data-testid=memory-lines] [data-line=modelStates]')
    await states.waitFor()
    expect(await states.locator('th').textContent()).toBe('Model states')
    expect(await states.locator('td').first().textContent()).toBe('4.50 MiB')
    expect(await states.textContent()).toContain('= 4,722,688 B on the GPU; + step 8 B on the CPU')
    // the reserve is drawn apart, and the model's own lines get a chart of their own scale
    expect(await page.locator('[data-testid=reserve-segment]').count()).toBe(1)
    expect(await page.locator('[data-testid=memory-zoom] rect').count()).toBe(3)
    expect(await page.locator('[data-testid=memory-lines] [data-line=overhead] th').textContent()).toBe('Framework reserve')
    await page.locator('#overhead').fill('0')
    await page.waitForFunction(() => document.querySelector('[data-testid=memory-total]')?.textContent === '4.50 MiB')
    expect(await page.locator('[data-testid=reserve-segment]').count()).toBe(0)
    await page.waitForFunction(() => location.hash.includes('ovh=0'))
    // no input shape: a verdict says what it did not count
    await page.locator('#gpu').selectOption('t4')
    await page.locator('[data-testid=verdict]').waitFor()
    expect(await page.locator('[data-testid=verdict]').textContent()).toMatch(/^Weights and states fit: weights and states fit on NVIDIA T4 16GB with .* to spare \(.*\); activations not counted; .*fewest GPUs by layout: data parallel 1/)
    await page.close()
  })

  it('sizes a config\'s training activations from its architecture at the sequence length', async () => {
    const page = await open(`#${encodeShareState({ source: 'gpt2', mode: 'training', optimizer: 'AdamW' })}`)
    await total(page, '124,439,808')
    const activations = page.locator('[data-testid=memory-lines] [data-line=activations]')
    await activations.waitFor()
    expect(await activations.textContent()).toContain('not counted')
    expect(await page.locator('label[for=seq]').textContent()).toContain('Sequence length')
    await page.locator('#seq').fill('1024')
    await page.waitForFunction(() => document.querySelector('[data-testid=memory-lines] [data-line=activations]')?.textContent?.includes('1,024 tokens × batch 1'))
    expect(await activations.textContent()).toContain('float32 cross-entropy')
    await page.waitForFunction(() => location.hash.includes('seq=1024'))
    await page.close()
  })

  it('estimates speed: training time from the tokens and MFU typed, the decode roofline by batch for inference', async () => {
    const page = await open(`#${encodeShareState({ source: 'llama-3.1-8b', mode: 'training', precision: 'bf16-mixed', seq: '8192', gpu: 'h100-80gb' })}`)
    await total(page, '8,030,261,248')
    const rows = page.locator('[data-testid=speed-rows]')
    await rows.locator('[data-speed=flopsPerToken]').waitFor()
    expect(await rows.locator('[data-speed=flopsPerToken] td').first().textContent()).toBe('57.9 GFLOP')
    await page.locator('#tokens').fill('1T')
    await page.waitForFunction(() => document.querySelector('[data-testid=speed-rows] [data-speed=trainingTime] td')?.textContent === '1,694 days (4.64 years)')
    await page.locator('#mfu').fill('50%')
    await page.waitForFunction(() => document.querySelector('[data-testid=speed-rows] [data-speed=throughput] td')?.textContent === '8,543 tokens/s')
    await page.waitForFunction(() => location.hash.includes('tok=1T') && location.hash.includes('mfu=50%25'))
    await page.locator('#mfu').fill('40')
    await page.locator('.speed-error').waitFor()
    expect(await page.locator('.speed-error').textContent()).toContain('write 40%')
    await page.getByRole('radio', { name: 'Inference' }).check()
    await page.locator('#gpu').selectOption('l4')
    await page.waitForFunction(() => document.querySelector('[data-testid=speed-decode] tbody tr td:nth-child(4)')?.textContent === '57.1 ms')
    expect(await page.locator('#tokens').count()).toBe(0)
    await page.close()
  })

  it('sizes llama-3.1-8b in EXL2 at 4.65 bits per weight from a field of its own, and shows precision bytes as --help does', async () => {
    const page = await open(`#${encodeShareState({ source: 'llama-3.1-8b' })}`)
    await total(page, '8,030,261,248')
    await page.locator('#weights').selectOption('awq')
    await page.waitForFunction(() => document.querySelector('[data-testid=weights-help]')?.textContent === 'AWQ 4-bit, group size 128 (AutoAWQ WQLinear_GEMM), 4.15625 bits per weight')
    await page.locator('#weights').selectOption('exl2')
    const bpw = page.locator('#weights-bpw')
    await bpw.fill('4.65')
    const weights = page.locator('[data-testid=memory-lines] [data-line=weights]')
    await page.waitForFunction(() => document.querySelector('[data-testid=memory-lines] [data-line=weights]')?.textContent?.includes('exl2-4.65bpw'))
    // as `nnsize llama-3.1-8b --inference --weights exl2-4.65bpw` prints it
    expect(await weights.locator('td').first().textContent()).toBe('5.15 GiB')
    expect(await weights.textContent()).toContain('7,504,658,432 weights in exl2-4.65bpw (≈ 4.65 bits) + 525,602,944 other elements in float16 = 5.15 GiB')
    await page.waitForFunction(() => location.hash.includes('w=exl2-4.65bpw'))
    // the core's parser judges the value; its objection sits at the field
    await bpw.fill('9')
    await page.waitForFunction(() => document.querySelector('[data-testid=weights-error]')?.textContent?.includes('EXL2 takes an average of 2 to 8 bits per weight, got 9'))
    expect(await bpw.getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('.memory-error').count()).toBe(0)
    expect(await axeViolations(page)).toEqual([])
    await bpw.fill('6')
    await page.waitForFunction(() => document.querySelector('[data-testid=memory-lines] [data-line=weights]')?.textContent?.includes('exl2-6.0bpw'))
    expect(await page.locator('[data-testid=weights-error]').textContent()).toBe('')
    // training: each precision with its bytes per parameter and with Adam, in the words of --help
    await page.getByRole('radio', { name: 'Training' }).check()
    await page.locator('#precision').selectOption('mixed-bf16')
    expect(await page.locator('#precision option:checked').textContent()).toBe('mixed-bf16: 8 B, with Adam 16 B')
    expect(await page.locator('[data-testid=precision-help]').textContent()).toBe('8 B = 2 + 2 + 4 (float32 master), with Adam 16 B; also bf16-master, zero-bf16, deepspeed-bf16, megatron-bf16')
    // the labels with their bytes take two columns where there are two: none is cut off
    for (const width of [768, 1024, 1280, 1440]) {
      await page.setViewportSize({ width, height: 900 })
      const cut = await page.evaluate(() => {
        const control = document.querySelector<HTMLSelectElement>('#precision')!
        const style = getComputedStyle(control)
        const canvas = document.createElement('canvas').getContext('2d')!
        canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`
        const room = control.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20
        return [...control.options].filter((o) => canvas.measureText(o.textContent ?? '').width > room).map((o) => o.textContent)
      })
      expect(cut, `${width} px`).toEqual([])
    }
    await page.close()
  })

  it('copies the module table as Markdown and CSV, and shows the PyTorch snippet', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'])
    const page = await open(`#${encodeShareState({ source: 'nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))' })}`)
    await total(page, '58')
    await page.locator('.modules').getByRole('button', { name: 'Copy Markdown' }).click()
    await page.locator('.modules').getByText('Markdown copied').waitFor()
    const markdown = await page.evaluate(() => navigator.clipboard.readText())
    expect(markdown.split('\n')[0]).toMatch(/^\| Module \| Type \| Params \| % \|$/)
    expect(markdown).toContain('| Linear | 40 |')
    await page.locator('.modules').getByRole('button', { name: 'Copy CSV' }).click()
    await page.locator('.modules').getByText('CSV copied').waitFor()
    const csv = await page.evaluate(() => navigator.clipboard.readText())
    expect(csv.split('\n')[0]).toBe('path,type,depth,params,trainable_params,params_percent,buffers')
    expect(csv).toContain('\n0,Linear,1,40,40,68.97,0\n')
    const snippet = await page.locator('.verify pre').textContent()
    expect(snippet).toContain('model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))')
    expect(snippet).toContain('check("parameters", sum(p.numel() for p in model.parameters()), 58)')
    await page.close()
  })

  it('loads a torchvision model from the picker and a config.json from a file', async () => {
    const page = await open()
    await total(page, '295,168')
    await page.getByRole('button', { name: 'Load a model' }).click()
    await page.getByRole('menuitem', { name: 'resnet18', exact: true }).click()
    await total(page, formatCount(analyze('resnet18()').params.total))
    expect(await page.locator('#source').inputValue()).toBe('resnet18()')
    expect(await page.locator('#input-shape').inputValue()).toBe('1,3,224,224')
    const config = JSON.stringify({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: 1000, n_positions: 128, n_embd: 64, n_layer: 2, n_head: 4 }, null, 2)
    await page.locator('input[type=file]').setInputFiles({ name: 'config.json', mimeType: 'application/json', buffer: Buffer.from(config) })
    await total(page, formatCount(analyze(config).params.total))
    expect(await page.locator('[data-testid=model]').textContent()).toContain('GPT2LMHeadModel')
    await page.close()
  })

  it('takes activation bytes per sample for a Hugging Face model given no sequence length', async () => {
    const page = await open(`#${encodeShareState({ source: 'gpt2', optimizer: 'AdamW', batch: 2 })}`)
    await total(page, '124,439,808')
    const activations = page.locator('[data-testid=memory-lines] [data-line=activations]')
    await page.waitForFunction(() => document.querySelector('[data-testid=memory-lines] [data-line=activations]')?.textContent?.includes('once the sequence length is given'))
    await page.locator('#activations').fill('1GiB')
    // The plan comes from the worker: wait for the line it writes with the new field ("not counted" says "per sample" too).
    await page.waitForFunction(() => document.querySelector('[data-testid=memory-lines] [data-line=activations]')?.textContent?.includes('per sample × batch'))
    expect(await activations.locator('td').first().textContent()).toBe('2.00 GiB')
    expect(await activations.textContent()).toContain('1.00 GiB per sample × batch 2 = 2.00 GiB')
    await page.waitForFunction(() => location.hash.includes('act=1GiB'))
    await page.close()
  })

  it('models the PyTorch release chosen in its setting, and keeps it in the link', async () => {
    const page = await open(`#${encodeShareState({ source: 'nn.LSTM(10, 20, 2)', input: '5,3,10', device: 'cpu' })}`)
    await total(page, '5,920')
    expect(await page.locator('#torch').inputValue()).toBe('2.13')
    await page.waitForFunction(() => document.querySelector('[data-testid=forward]')?.textContent?.includes('92.22 KiB'))
    await page.locator('#torch').selectOption('1.13')
    await page.waitForFunction(() => document.querySelector('[data-testid=forward]')?.textContent?.includes('17.58 KiB'))
    await page.waitForFunction(() => location.hash.includes('torch=1.13'))
    await page.close()
  })

  it('opens a shared link in the same state', async () => {
    const state = { source: 'block = nn.Sequential(nn.Linear(8, 8), nn.ReLU())\nnn.Sequential(block, block, nn.Linear(8, 2))', input: '4,8', units: 'si' as const }
    const page = await open(`#${encodeShareState(state)}`)
    await total(page, '90')
    expect(await page.locator('#source').inputValue()).toBe(state.source)
    expect(await page.locator('#input-shape').inputValue()).toBe('4,8')
    expect(await page.locator('#units').inputValue()).toBe('si')
    expect(await page.locator('[data-testid=forward]').textContent()).toContain('(4, 2)')
    // The copy-link box holds an address that reproduces the same state.
    const link = await page.locator('#share-link').inputValue()
    expect(link.startsWith(baseUrl)).toBe(true)
    const again = await open(link.slice(baseUrl.length))
    await total(again, '90')
    expect(await again.locator('#source').inputValue()).toBe(state.source)
    await Promise.all([page.close(), again.close()])
  })

  it('falls back to the default example with a notice for a hostile link', async () => {
    const page = await open(`#src=${'%3C'.repeat(40_000)}&b=-1`)
    await total(page, '295,168')
    expect(await page.getByRole('status').first().textContent()).toContain('could not be opened')
    await page.close()
  })

  it('loads examples from the gallery', async () => {
    const page = await open()
    await page.locator('[data-example=conv-no-bias]').click()
    await total(page, '294,912')
    expect(await page.locator('[data-testid=forward]').textContent()).toContain('(1, 256, 54, 54)')
    await page.close()
  })

  it('can be used with the keyboard alone, with a visible focus ring', async () => {
    const page = await open()
    const seen: string[] = []
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab')
      const focus = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null
        if (!el || el === document.body) return null
        const ringed = el.id === 'source' ? el.closest('.editor')! : el
        const style = getComputedStyle(ringed)
        return { id: el.id || el.tagName.toLowerCase(), outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 }
      })
      if (!focus) continue
      seen.push(focus.id)
      expect(focus.outline, `focus ring on ${focus.id}`).toBe(true)
    }
    expect(seen).toContain('source')
    expect(seen).toContain('input-shape')
    await page.close()
  })

  async function axeViolations(page: Page): Promise<string[]> {
    if (!(await page.evaluate(() => 'axe' in window))) {
      // Injected through the debugging protocol: the page's own CSP rightly refuses inline script.
      await page.evaluate(readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8'))
    }
    return page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe
      const result = await axe.run(document, { resultTypes: ['violations'] })
      return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
    })
  }

  it('has no accessibility violations (axe-core) and reflows from 360 px up; screenshots in light and dark', { timeout: 240_000 }, async () => {
    const source = 'nn.Sequential(\n    nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(),\n    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),\n    nn.Conv2d(32, 10, 1),\n)'
    for (const width of [360, 1280]) {
      const page = await open(`#${encodeShareState({ source, input: '8,3,32,32' })}`, width)
      await total(page, '5,418')
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme })
        const file = join(results, `playground-${width}-${scheme}.png`)
        await page.screenshot({ path: file, fullPage: true })
        expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG')
        expect(await axeViolations(page), `${scheme}, ${width} px`).toEqual([])
        // Nothing overflows sideways: the page reflows down to 360 px.
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
      }
      // With an error: the underline, the caret excerpt, the fixes and the dimmed last result.
      await typeSource(page, 'nn.Conv2D(128, 256, 3)')
      await caretShows(page, 'nn.Conv2D(128, 256, 3)')
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme })
        expect(await axeViolations(page), `error state, ${scheme}, ${width} px`).toEqual([])
      }
      await page.screenshot({ path: join(results, `playground-${width}-error.png`), fullPage: true })
      await page.close()
    }
    // And on a 4K screen.
    const wide = await open(`#${encodeShareState({ source, input: '8,3,32,32' })}`, 3840)
    await total(wide, '5,418')
    await wide.screenshot({ path: join(results, 'playground-3840-light.png') })
    expect(await wide.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    await wide.close()
  })

  it('keeps working offline after the first visit', { timeout: 120_000 }, async () => {
    const page = await open()
    await total(page, '295,168')
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
      if (!navigator.serviceWorker.controller) await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }))
    })
    await context.setOffline(true)
    try {
      await page.reload()
      await total(page, '295,168')
      await typeSource(page, 'Linear(10, 5)')
      await total(page, '55')
      await page.locator('[data-testid=memory-lines]').waitFor()
    } finally {
      await context.setOffline(false)
      await page.close()
    }
  })

  it('works offline after a second deploy with other file names, from a host that sends max-age=600', { timeout: 180_000 }, async () => {
    // The second deploy: the same build with every asset renamed (as changed sources would name them) and a new
    // service-worker version, served from the same address after the first.
    const second = join(results, 'e2e-dist-second')
    rmSync(second, { recursive: true, force: true })
    cpSync(outDir, second, { recursive: true })
    const renamed = new Map(readdirSync(join(second, 'assets')).map((name) => [name, name.replace('-', '-next')]))
    for (const [from, to] of renamed) renameSync(join(second, 'assets', from), join(second, 'assets', to))
    const textFiles = ['index.html', 'sw.js', ...[...renamed.values()].filter((n) => /\.(js|css)$/.test(n)).map((n) => `assets/${n}`)]
    for (const file of textFiles) {
      let text = readFileSync(join(second, file), 'utf8')
      for (const [from, to] of renamed) text = text.split(from).join(to)
      if (file === 'sw.js') text = text.replace(/const VERSION = "([0-9a-f]+)"/, 'const VERSION = "$1-next"')
      writeFileSync(join(second, file), text)
    }
    expect(readFileSync(join(second, 'sw.js'), 'utf8')).toMatch(/const VERSION = "[0-9a-f]+-next"/)

    const host = await serveStatic(outDir, '/deployed/', { cacheControl: 'max-age=600' })
    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'] })
    const visitor = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    visitor.on('weberror', (error) => pageErrors.push(error.error().message))
    try {
      const page = await visitor.newPage()
      await page.goto(host.url)
      await total(page, '295,168')
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready
        if (!navigator.serviceWorker.controller) await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }))
      })
      // The second deploy goes live; the page's service worker finds it and takes over once it has it all.
      host.setRoot(second)
      await page.evaluate(async () => {
        const changed = new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }))
        await (await navigator.serviceWorker.getRegistration())!.update()
        await changed
      })
      // Ten minutes later the HTTP cache has expired (max-age=600); then the network goes.
      const cdp = await visitor.newCDPSession(page)
      await cdp.send('Network.clearBrowserCache')
      await visitor.setOffline(true)
      await page.reload()
      await total(page, '295,168')
      expect(await page.locator('script[src*="-next"]').count()).toBe(1)
      await typeSource(page, 'Linear(10, 5)')
      await total(page, '55')
    } finally {
      await visitor.setOffline(false)
      await browser.close()
      await host.close()
    }
  })

  it('lays the coloured text of the editor exactly over the text field: caret geometry agrees, also scrolled', async () => {
    const page = await open()
    const lines = ['nn.Sequential(', ...Array.from({ length: 40 }, (_, i) => `    nn.Linear(${i + 1}, ${i + 2}),  # ${'wide '.repeat(i)}`), ')']
    await page.locator('#source').fill(lines.join('\n'))
    await total(page, formatCount(analyze(lines.join('\n')).params.total))
    /** Where the text field puts the caret at `offset` (a mirror with its font and padding) and where the overlay draws that character. */
    const geometry = (offsets: number[]) =>
      page.evaluate((offsets) => {
        const field = document.querySelector<HTMLTextAreaElement>('#source')!
        const code = document.querySelector('.overlay code')!
        const style = getComputedStyle(field)
        const box = field.getBoundingClientRect()
        const mirror = document.createElement('div')
        for (const p of ['fontFamily', 'fontSize', 'fontWeight', 'lineHeight', 'letterSpacing', 'tabSize', 'paddingTop', 'paddingLeft'] as const) mirror.style[p] = style[p]
        Object.assign(mirror.style, { position: 'fixed', left: `${box.left}px`, top: `${box.top}px`, whiteSpace: 'pre', visibility: 'hidden', margin: '0', border: '0' })
        document.body.append(mirror)
        // the box of the character at `offset`: in the mirror (where the field lays it out) and in the overlay
        const at = (offset: number) => {
          mirror.textContent = field.value.slice(0, offset)
          const marker = mirror.appendChild(document.createElement('span'))
          marker.textContent = field.value[offset]!
          const fieldRect = marker.getBoundingClientRect()
          const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT)
          let left = offset
          let node = walker.nextNode() as Text | null
          while (node && left >= node.length) {
            left -= node.length
            node = walker.nextNode() as Text | null
          }
          const range = document.createRange()
          range.setStart(node!, left)
          range.setEnd(node!, left + 1)
          const drawn = range.getBoundingClientRect()
          return { dx: drawn.left - (fieldRect.left - field.scrollLeft), dy: drawn.top - (fieldRect.top - field.scrollTop) }
        }
        const result = offsets.map(at)
        mirror.remove()
        return { result, fontSizes: [getComputedStyle(code).fontSize, style.fontSize] }
      }, offsets)
    const text = lines.join('\n')
    const offsets = [5, text.indexOf('nn.Linear(10,'), text.indexOf(')', text.indexOf('# wide wide wide wide wide wide wide wide wide wide')), text.length - 1]
    const before = await geometry(offsets)
    expect(before.fontSizes[0]).toBe(before.fontSizes[1])
    for (const { dx, dy } of before.result) expect(Math.max(Math.abs(dx), Math.abs(dy))).toBeLessThan(1)
    // scrolled to the far corner: the overlay and the gutter follow by the same amounts
    await page.locator('#source').evaluate((field: HTMLTextAreaElement) => {
      field.scrollTop = field.scrollHeight
      field.scrollLeft = field.scrollWidth
    })
    await page.waitForFunction(() => {
      const field = document.querySelector<HTMLTextAreaElement>('#source')!
      const overlay = document.querySelector<HTMLElement>('.overlay')!
      return field.scrollTop > 0 && overlay.scrollTop === field.scrollTop && overlay.scrollLeft === field.scrollLeft
    })
    expect(await page.evaluate(() => document.querySelector('.gutter')!.scrollTop === document.querySelector('#source')!.scrollTop)).toBe(true)
    for (const { dx, dy } of (await geometry(offsets.slice(2))).result) expect(Math.max(Math.abs(dx), Math.abs(dy))).toBeLessThan(1)
    await page.close()
  })

  it('opens "Load a model…" as a menu the keyboard can walk without loading anything until Enter', async () => {
    const page = await open()
    await total(page, '295,168')
    // the menu comes with the second chunk; a disabled button holds its place until then
    const button = page.locator('.picker').getByRole('button', { name: 'Load a model' })
    await button.waitFor()
    await button.focus()
    await page.keyboard.press('ArrowDown')
    const focusedItem = () => page.evaluate(() => (document.activeElement?.getAttribute('role') === 'menuitem' ? document.activeElement.textContent : null))
    const names = await page.getByRole('menuitem').allTextContents()
    expect(names.length).toBeGreaterThan(20)
    expect(await focusedItem()).toBe(names[0])
    expect(await button.getAttribute('aria-expanded')).toBe('true')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    expect(await focusedItem()).toBe(names[2])
    await page.keyboard.press('End')
    expect(await focusedItem()).toBe(names.at(-1))
    // moving loads nothing
    expect(await page.locator('#source').inputValue()).toBe('Conv2d(128, 256, 3)')
    await page.keyboard.press('Escape')
    expect(await page.getByRole('menu').count()).toBe(0)
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Load a model')
    // typing a name walks to it; Enter loads it
    await page.keyboard.press('ArrowDown')
    await page.keyboard.type('resnet34', { delay: 20 })
    expect(await focusedItem()).toBe('resnet34')
    await page.keyboard.press('Enter')
    await total(page, formatCount(analyze('resnet34()').params.total))
    expect(await page.locator('#source').inputValue()).toBe('resnet34()')
    expect(await page.getByRole('menu').count()).toBe(0)
    await page.close()
  })

  it('can undo a model, an example and an argument switch: the Undo button and Ctrl+Z in the editor', async () => {
    const page = await open()
    await typeSource(page, 'nn.Linear(3, 4)')
    await page.locator('#input-shape').fill('2,3')
    await total(page, '16')
    // an example replaces the whole page; Undo brings back what was typed, and its input shape
    await page.locator('[data-example=conv-no-bias]').click()
    await total(page, '294,912')
    await page.getByRole('button', { name: 'Undo' }).click()
    await total(page, '16')
    expect([await page.locator('#source').inputValue(), await page.locator('#input-shape').inputValue()]).toEqual(['nn.Linear(3, 4)', '2,3'])
    // a model from the menu sets an input shape for it; Undo brings back the text and the shape
    await page.locator('#input-shape').fill('')
    await page.getByRole('button', { name: 'Load a model' }).click()
    await page.getByRole('menuitem', { name: 'resnet18', exact: true }).click()
    await total(page, formatCount(analyze('resnet18()').params.total))
    expect(await page.locator('#input-shape').inputValue()).toBe('1,3,224,224')
    await page.getByRole('button', { name: 'Undo' }).click()
    await total(page, '16')
    expect([await page.locator('#source').inputValue(), await page.locator('#input-shape').inputValue()]).toEqual(['nn.Linear(3, 4)', ''])
    // an argument switch keeps the focus on the switch; Ctrl+Z in the editor takes it back
    await page.getByRole('checkbox', { name: 'bias' }).click()
    await total(page, '12')
    expect(await page.locator('#source').inputValue()).toBe('nn.Linear(3, 4, bias=False)')
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('checkbox')
    await page.locator('#source').focus()
    await page.keyboard.press('Control+z')
    await total(page, '16')
    expect(await page.locator('#source').inputValue()).toBe('nn.Linear(3, 4)')
    await page.close()
  })

  it('reads a file dropped anywhere on the page, and the browser does not leave the page to show it', async () => {
    const page = await open()
    await total(page, '295,168')
    const address = page.url()
    const drop = (selector: string, name: string, text: string) =>
      page.evaluate(
        ({ selector, name, text }) => {
          const data = new DataTransfer()
          data.items.add(new File([text], name, { type: 'text/plain' }))
          const target = document.querySelector(selector)!
          const over = !target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }))
          const dropped = !target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
          return { over, dropped }
        },
        { selector, name, text },
      )
    expect(await drop('footer', 'model.py', 'nn.Linear(2, 3)')).toEqual({ over: true, dropped: true })
    await total(page, '9')
    expect(await page.locator('#source').inputValue()).toBe('nn.Linear(2, 3)')
    expect(await page.locator('.notice.undo').textContent()).toContain('Loaded model.py.')
    // onto the text field itself: read once
    expect(await drop('#source', 'other.py', 'nn.Linear(4, 5)')).toEqual({ over: true, dropped: true })
    await total(page, '25')
    expect(page.url().split('#')[0]).toBe(address.split('#')[0])
    await page.close()
  })

  it('has a skip link to the editor that leaves the address alone', async () => {
    const page = await open()
    await total(page, '295,168')
    await page.waitForFunction(() => location.hash.length > 1)
    const hash = await page.evaluate(() => location.hash)
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to the editor')
    const link = await page.evaluate(() => document.activeElement!.getBoundingClientRect().top)
    expect(link).toBeGreaterThanOrEqual(0)
    await page.keyboard.press('Enter')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('source')
    expect(await page.evaluate(() => location.hash)).toBe(hash)
    await page.close()
  })

  it('has a web manifest and link-preview tags', async () => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8')
    for (const tag of ['property="og:title"', 'property="og:description"', 'property="og:type"', 'name="twitter:card"', 'name="description"']) expect(html).toContain(tag)
    const page = await open()
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel=manifest]')!
      const json = (await (await fetch(link.href)).json()) as { name: string; start_url: string; scope: string; icons: Array<{ src: string }> }
      const icons = await Promise.all(json.icons.map(async (icon) => (await fetch(new URL(icon.src, link.href))).ok))
      return { name: json.name, start: new URL(json.start_url, link.href).href, scope: new URL(json.scope, link.href).href, icons }
    })
    expect(manifest).toEqual({ name: 'nnsize playground', start: baseUrl, scope: baseUrl, icons: [true] })
    await page.close()
  })

  it('keeps layout shift under 0.1 while the second chunk arrives, and shows the answer on the first screen of a phone', async () => {
    const cases = [
      { width: 1280, height: 900, hash: '' },
      { width: 1280, height: 900, hash: `#${encodeShareState({ source: 'resnet18()', input: '1,3,224,224' })}` },
      { width: 390, height: 844, hash: '' },
    ]
    for (const { width, height, hash } of cases) {
      const page = await context.newPage()
      await page.setViewportSize({ width, height })
      await page.addInitScript(() => {
        const shifts: number[] = []
        ;(window as unknown as { shifts: number[] }).shifts = shifts
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) if (!entry.hadRecentInput) shifts.push(entry.value)
        }).observe({ type: 'layout-shift', buffered: true })
      })
      await page.goto(`${baseUrl}${hash}`)
      await page.locator('.memory').waitFor()
      await page.waitForTimeout(500)
      const cls = await page.evaluate(() => (window as unknown as { shifts: number[] }).shifts.reduce((a, b) => a + b, 0))
      expect(cls, `${width} px ${hash}`).toBeLessThan(0.1)
      if (width === 390) expect(await page.evaluate(() => document.querySelector('[data-testid=total]')!.getBoundingClientRect().bottom)).toBeLessThanOrEqual(height)
      await page.close()
    }
  })

  /**
   * The memory controls whose text does not show whole: a text field's value (or placeholder) wider than the field, a
   * closed select's choice that does not fit the select, laid out as the select lays it out (on one line, or wrapped
   * where it wraps; 20 px are left for its arrow). `selector` picks the controls (all of them by default).
   */
  async function cutOff(page: Page, selector = '.memory .fields input:not([type=radio]), .memory .fields select'): Promise<string[]> {
    return page.evaluate((selector) => {
      const out: string[] = []
      for (const control of document.querySelectorAll<HTMLInputElement | HTMLSelectElement>(selector)) {
        const style = getComputedStyle(control)
        const select = control instanceof HTMLSelectElement
        const text = select ? (control.selectedOptions[0]?.textContent ?? '') : control.value || control.placeholder
        const room = { width: control.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - (select ? 20 : 0), height: control.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom) }
        const probe = document.createElement('div')
        probe.textContent = text
        Object.assign(probe.style, { position: 'absolute', visibility: 'hidden', font: style.font, letterSpacing: style.letterSpacing, width: `${room.width}px`, whiteSpace: select ? style.whiteSpace : 'pre', overflowWrap: style.overflowWrap })
        document.body.append(probe)
        const needed = { width: probe.scrollWidth, height: probe.getBoundingClientRect().height }
        probe.remove()
        if (needed.width > Math.ceil(room.width) || needed.height > room.height + 0.5) out.push(`${control.id}: ${text}`)
      }
      return out
    }, selector)
  }

  it('never breaks a number between its digits, and cuts off no memory control', async () => {
    const source = 'nn.Linear(1000000000, 1000000)'
    const count = formatCount(analyze(source).params.total)
    for (const width of [360, 375, 390, 1024, 1280, 1440]) {
      const page = await open(`#${encodeShareState({ source, input: '1000,1000000000', optimizer: 'AdamW', sharding: '3', gpus: 8, gpu: 'h100-80gb', lora: 'r=16,alpha=32,target=all-linear' })}`, width)
      await total(page, count)
      await page.locator('.memory').waitFor()
      const broken = await page.evaluate(() => {
        const out: string[] = []
        for (const element of document.querySelectorAll('[data-testid=total], .breakdown dd')) {
          const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT)
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of (node.textContent ?? '').matchAll(/\d[\d,.]*\d/g)) {
              const range = document.createRange()
              range.setStart(node, match.index)
              range.setEnd(node, match.index + match[0].length)
              const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)))
              if (tops.size > 1) out.push(match[0])
            }
          }
        }
        return out
      })
      expect(broken, `${width} px`).toEqual([])
      expect(await cutOff(page), `${width} px`).toEqual([])
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${width} px`).toBe(true)
      await page.close()
    }
  })

  it('shows the longest choice of the precision and weight-format selects whole on a phone, while they are closed', async () => {
    // a config: its as-built choice is the longest label of both, `bfloat16, from the config's torch_dtype`
    const source = 'llama-3.1-8b'
    for (const width of [360, 375, 390]) {
      for (const [mode, id] of [['training', 'precision'], ['inference', 'weights']] as const) {
        const page = await open(`#${encodeShareState({ source, mode })}`, width)
        const select = page.locator(`#${id}`)
        await select.waitFor()
        const longest = await select.evaluate((control: HTMLSelectElement) => {
          const canvas = document.createElement('canvas').getContext('2d')!
          canvas.font = getComputedStyle(control).font
          const widths = [...control.options].map((o) => ({ value: o.value, label: o.textContent ?? '', width: canvas.measureText(o.textContent ?? '').width }))
          return widths.reduce((a, b) => (b.width > a.width ? b : a))
        })
        await select.selectOption(longest.value)
        await page.waitForFunction(({ id, label }) => document.querySelector<HTMLSelectElement>(`#${id}`)?.selectedOptions[0]?.textContent === label, { id, label: longest.label })
        // and no other memory control is cut off either (the LoRA field's example among them)
        expect(await cutOff(page), `${width} px, ${id}: ${longest.label}`).toEqual([])
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${width} px`).toBe(true)
        if (width === 375) await select.screenshot({ path: join(results, `playground-375-${id}.png`) })
        await page.close()
      }
    }
  })

  it('has no axe violations in the error state on a phone (the excerpt scrolls and can be focused)', async () => {
    const page = await open(`#${encodeShareState({ source: 'nn.Sequential(nn.Conv2D(128, 256, 3), nn.ReLU(), nn.Linear(256, 10), nn.Dropout(0.5))' })}`, 390)
    await caretShows(page, 'nn.Conv2D')
    expect(await page.evaluate(() => document.querySelector('[data-testid=caret]')!.scrollWidth > document.querySelector('[data-testid=caret]')!.clientWidth)).toBe(true)
    expect(await axeViolations(page)).toEqual([])
    await page.close()
  })

  it('recomputes ResNet-50 after a keystroke', { timeout: 120_000 }, async () => {
    const page = await open(`#${encodeShareState({ source: 'resnet50(num_classes=1)', input: '1,3,224,224' })}`)
    await total(page, formatCount(analyze('resnet50(num_classes=1)').params.total))
    const outputShape = page.locator('.results:not(.stale) [data-testid=forward] dd code').first()
    await outputShape.waitFor()
    const editor = page.locator('#source')
    const at = (await editor.inputValue()).indexOf('num_classes=1') + 'num_classes=1'.length
    await editor.focus()
    await editor.evaluate((el: HTMLTextAreaElement, offset) => el.setSelectionRange(offset, offset), at)
    // Ten keystrokes: a digit that makes 10 classes, then Backspace back to 1, five times.
    const timings: number[] = []
    for (let i = 0; i < 10; i++) {
      const [key, shape] = i % 2 === 0 ? ['0', '(1, 10)'] : ['Backspace', '(1, 1)']
      await page.keyboard.press(key)
      await page.waitForFunction((expected) => document.querySelector('.results:not(.stale) [data-testid=forward] dd code')?.textContent === expected, shape)
      timings.push(Number(await page.locator('.results').getAttribute('data-compute-ms')))
    }
    expect(await editor.inputValue()).toBe('resnet50(num_classes=1)')
    const sorted = [...timings].sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)]!
    console.log(`ResNet-50, input (1, 3, 224, 224): recomputation after a keystroke, core call in Chromium: median ${median.toFixed(1)} ms, fastest ${sorted[0]!.toFixed(1)} ms, slowest ${sorted.at(-1)!.toFixed(1)} ms`)
    // Generous: the budget is 16 ms; a shared CI machine is slower and noisier.
    expect(median).toBeLessThan(250)
    await page.close()
  })

  it('lets the Optimizer field be emptied (training then uses AdamW) and offers every optimizer while it is empty', async () => {
    const page = await open(`#${encodeShareState({ source: 'nn.Linear(64, 64)', mode: 'training', optimizer: 'SGD' })}`)
    await total(page, '4,160')
    const optimizer = page.locator('#optimizer')
    await optimizer.waitFor()
    expect(await optimizer.inputValue()).toBe('SGD')
    await optimizer.fill('')
    await page.waitForFunction(() => document.querySelector('[data-testid=memory-lines] [data-line=optimizerState]')?.textContent?.includes('torch.optim.AdamW()'))
    // The field stays empty (it no longer snaps back to AdamW) and names the default instead.
    expect(await optimizer.inputValue()).toBe('')
    expect(await optimizer.getAttribute('placeholder')).toBe('AdamW')
    await optimizer.pressSequentially('SG')
    expect(await optimizer.inputValue()).toBe('SG')
    await optimizer.fill('')
    // With the field empty, its suggestion list is the whole catalogue.
    const options = await page.locator('#optimizer-names option').evaluateAll((list) => list.map((o) => (o as HTMLOptionElement).value))
    expect(options).toEqual(expect.arrayContaining(['adamw', 'sgd', 'lion', 'adam_8bit', 'torch.optim.LBFGS']))
    expect(await page.getByRole('radio', { name: 'Training' }).isChecked()).toBe(true)
    await page.close()
  })

  it('shows the counts of a link with a bad input shape, and the shape error at the shape field', async () => {
    for (const input of ['1,a,4', '1,4,32,32']) {
      const page = await open(`#${encodeShareState({ source: 'Conv2d(3, 8, 3)', input })}`)
      await total(page, '224')
      const error = page.locator('[data-testid=input-error]')
      await page.waitForFunction(() => (document.querySelector('[data-testid=input-error]')?.textContent ?? '').trim() !== '')
      expect(await error.textContent()).toMatch(input === '1,a,4' ? /a in input shape 1,a,4 is not a positive integer/ : /Conv2d expects/)
      expect(await page.locator('#input-shape').getAttribute('aria-invalid')).toBe('true')
      // The editor holds no mistake.
      expect(await page.locator('#source').getAttribute('aria-invalid')).toBe('false')
      expect(await page.locator('[data-testid=caret]').count()).toBe(0)
      await page.close()
    }
  })

  it('drops the input shape when a config.json is dropped into the editor', async () => {
    const page = await open(`#${encodeShareState({ source: 'resnet18()', input: '1,3,224,224' })}`)
    await total(page, formatCount(analyze('resnet18()').params.total))
    const config = JSON.stringify({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: 1000, n_positions: 128, n_embd: 64, n_layer: 2, n_head: 4 })
    await page.locator('#source').evaluate((editor, text) => {
      const data = new DataTransfer()
      data.items.add(new File([text], 'config.json', { type: 'application/json' }))
      editor.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
    }, config)
    await total(page, formatCount(analyze(config).params.total))
    expect(await page.locator('#input-shape').inputValue()).toBe('')
    expect(await page.locator('[data-testid=input-error]').textContent()).toBe('')
    await page.close()
  })

  it('speaks the page\'s words, never the command line\'s: notes name fields by their labels, weights their dtypes', async () => {
    const page = await open(`#${encodeShareState({ source: 'nn.Linear(64, 64)', mode: 'training' })}`)
    await total(page, '4,160')
    const notes = page.locator('.memory .notes')
    await notes.waitFor()
    expect(await notes.textContent()).toContain('give an input shape (“Input shape”) or activation bytes per sample (“Activations per sample”)')
    await page.getByRole('radio', { name: 'Inference' }).check()
    await page.waitForFunction(() => document.querySelector('[data-testid=memory-lines] [data-line=weights]')?.textContent?.includes('as built'))
    const text = (await page.locator('.memory').textContent()) ?? ''
    expect(text).toContain('4,160 elements as built: 4,160 × 4 B (float32)')
    // the weight format's default names the dtype it resolves to
    expect(await page.locator('#weights option[value=auto]').textContent()).toBe('float32, as built')
    expect(text).not.toMatch(/--[a-z]|in auto|contextLength|activationBytes/)
    await page.close()
  })

  it('reads weight files opened or dropped, in the browser only: the counts are the files\', errors are clear', { timeout: 60_000 }, async () => {
    const files = resolve(process.env['NNSIZE_REFERENCE_DIR'] ?? resolve(root, '../../../shared/reference'), 'files')
    const page = await open()
    await total(page, '295,168')
    const report = page.locator('[data-testid=weights]')
    // a safetensors file from "Open a file…"
    await page.locator('input[type=file]').setInputFiles(join(files, 'safetensors/mlp_f32.safetensors'))
    await total(page, '7,050')
    expect(await report.locator('[data-key=weightsFormat]').textContent()).toContain('safetensors, 1 file, 8 tensors')
    expect(await report.locator('[data-section=dtypes] tbody tr').allTextContents()).toEqual(['F32float3287,05027.54 KiB100.0%'])
    expect(await page.locator('.share').textContent()).toContain("A file's answer cannot be shared as a link; nothing was uploaded.")
    // a GGUF dropped on the editor: its quantised types at their real size, in the memory panel too
    const gguf = readFileSync(join(files, 'gguf/tiny_llama_mixed.gguf')).toString('base64')
    await page.locator('#source').evaluate((editor, base64) => {
      const data = new DataTransfer()
      data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'tiny_llama_mixed.gguf'))
      editor.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
    }, gguf)
    await total(page, '131,392')
    expect(await report.locator('[data-section=dtypes]').textContent()).toContain('Q4_K—232,76818.00 KiB17.5%')
    expect(await report.locator('[data-section=gguf]').textContent()).toContain('llama.context_length128')
    await page.waitForFunction(() => document.querySelector('[data-testid=memory-lines] [data-line=weights]')?.textContent?.includes('103.00 KiB'))
    // a sharded folder's files picked together: index, shards and config.json
    const folder = ['model.safetensors.index.json', 'config.json', 'model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors']
    await page.locator('input[type=file]').setInputFiles(folder.map((f) => join(files, 'safetensors/hf_llama_sharded', f)))
    await total(page, '106,816')
    expect(await report.locator('[data-key=weightsFormat]').textContent()).toContain('safetensors, 3 files, 21 tensors')
    expect(await report.locator('[data-key=configCheck]').textContent()).toContain('the config predicts 106,816 parameters; the files hold 106,816 in 21 tensors')
    // a hostile pickle: a clear error naming the global, nothing run
    await page.locator('input[type=file]').setInputFiles(join(files, 'adversarial/malicious_os_system.pt'))
    await page.waitForFunction(() => document.querySelector('.notice')?.textContent?.includes('os.system'))
    expect(await report.count()).toBe(0)
    // typing goes back to the text's answer
    await typeSource(page, 'nn.Linear(2, 3)')
    await total(page, '9')
    await page.close()
  })

  /** Records the main thread's long tasks (over 50 ms) from the start of the page, in `window.longTasks`. */
  async function watchLongTasks(page: Page): Promise<void> {
    await page.addInitScript(() => {
      const tasks: Array<{ start: number; duration: number }> = []
      ;(window as unknown as { longTasks: typeof tasks }).longTasks = tasks
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration })
      }).observe({ type: 'longtask', buffered: true })
    })
  }

  /** The longest main-thread task that started after `since` (a `performance.now()` time), in milliseconds. */
  async function longestTaskSince(page: Page, since: number): Promise<number> {
    return page.evaluate((from) => Math.max(0, ...(window as unknown as { longTasks: Array<{ start: number; duration: number }> }).longTasks.filter((t) => t.start >= from).map((t) => t.duration)), since)
  }

  const tenThousand = 'nn.Sequential(*[nn.Linear(8, 8) for _ in range(10000)])'

  it('keeps the main thread free while a 10,000-layer model is analysed: keystrokes echo at once', { timeout: 120_000 }, async () => {
    const page = await context.newPage()
    await watchLongTasks(page)
    await page.goto(baseUrl)
    await total(page, '295,168')
    await page.locator('.memory').waitFor()
    const since = await page.evaluate(() => performance.now())
    const editor = page.locator('#source')
    await editor.fill(tenThousand)
    await page.locator('#input-shape').fill('1,8')
    // While the worker computes, each keystroke in the shape field shows at once.
    await page.waitForTimeout(100)
    const echoes: number[] = []
    for (const key of [',', 'Backspace', ',', 'Backspace']) {
      echoes.push(
        await page.evaluate(async (k) => {
          const field = document.querySelector<HTMLInputElement>('#input-shape')!
          const before = field.value
          const started = performance.now()
          field.focus()
          field.value = k === 'Backspace' ? before.slice(0, -1) : before + k
          field.dispatchEvent(new Event('input', { bubbles: true }))
          await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
          return performance.now() - started
        }, key),
      )
    }
    await total(page, formatCount(analyze(tenThousand).params.total))
    await page.locator('.results:not(.stale) [data-testid=forward]').waitFor()
    // The PyTorch snippet (one line per tensor) is drawn in part; Copy code copies it whole.
    expect(await page.locator('[data-testid=snippet-more]').textContent()).toMatch(/^… and [\d,]+ more lines: Copy code copies them all\.$/)
    expect((await page.locator('.verify pre').textContent())!.split('\n')).toHaveLength(200)
    const longest = await longestTaskSince(page, since)
    console.log(`10,000 layers with an input: keystroke echo ${echoes.map((ms) => ms.toFixed(0)).join(', ')} ms; longest main-thread task ${longest.toFixed(0)} ms`)
    // The median, not the slowest: on a machine shared with other work a single frame can come late for its own reasons.
    expect([...echoes].sort((a, b) => a - b)[Math.floor(echoes.length / 2)]).toBeLessThan(100)
    await page.close()
  })

  it('stops a link that computes past the time limit, says so, and stays usable', { timeout: 120_000 }, async () => {
    // Within every limit of the language, but much work: 99,999 modules traced, and a training plan. About a second
    // on a fast machine, so the page runs on a CPU slowed eightfold (Chromium's throttling, which slows its worker
    // too): the answer then takes several times the 2 s limit wherever the tests run.
    const page = await open(`#${encodeShareState({ source: 'nn.Sequential(*[nn.Linear(8, 8) for _ in range(99999)])', input: '1,8', mode: 'training', optimizer: 'AdamW' })}`, 1280, 8)
    await page.waitForFunction(() => document.querySelector('#source-error')?.textContent?.includes('This took longer than 2 s and was stopped'), undefined, { timeout: 20_000 })
    expect(await page.locator('#source-error .code-tag').textContent()).toBe('time-limit')
    // The page still answers what is typed next.
    await typeSource(page, 'Linear(10, 5)')
    await total(page, '55')
    await page.close()
  })

  it('stays usable on a 23-character link that made the engine loop (`[] * 10**18`)', { timeout: 60_000 }, async () => {
    const page = await open(`#${encodeShareState({ source: '[] * 10**18' })}`)
    // Python's `[] * 10**18` is `[]` at once, which is no module; a time limit or a budget would also do: either way a
    // problem, never a frozen tab.
    await page.waitForFunction(() => /^(time-limit|limit|type)$/.test(document.querySelector('#source-error .code-tag')?.textContent ?? ''), undefined, { timeout: 20_000 })
    await typeSource(page, 'Linear(10, 5)')
    await total(page, '55')
    await page.close()
  })

  it('never lets a superseded answer overwrite a newer one', { timeout: 120_000 }, async () => {
    const page = await open()
    await total(page, '295,168')
    const editor = page.locator('#source')
    // A slow model, then at once a quick one: the quick one's answer must be the one that stays.
    await editor.fill(tenThousand)
    await page.waitForTimeout(150)
    await editor.fill('nn.Linear(2, 3)')
    await total(page, '9')
    await page.waitForTimeout(3000)
    expect(await page.locator('[data-testid=total]').textContent()).toBe('9')
    expect(await editor.inputValue()).toBe('nn.Linear(2, 3)')
    await page.close()
  })

  it('explains every number of a model the worker analysed, in the words of its layers', async () => {
    const page = await open()
    await total(page, '295,168')
    await typeSource(page, 'nn.Sequential(nn.Linear(4, 2))')
    await total(page, '10')
    await page.locator('.explain summary').click()
    await page.waitForFunction(() => document.querySelector('.explain')?.textContent?.includes('in_features × out_features + out_features = 4 × 2 + 2'))
    // The worker writes it again for the next model while it is open.
    await typeSource(page, 'nn.Sequential(nn.Linear(4, 3))')
    await total(page, '15')
    await page.waitForFunction(() => document.querySelector('.explain')?.textContent?.includes('= 4 × 3 + 3'))
    await page.close()
  })

  /** Opens the page with its worker's file refused, so that it computes on the main thread; `blocked()` counts the refusals. */
  async function openWithoutWorker(hash: string, width = 1280): Promise<{ page: Page; blocked: () => number }> {
    // A service worker from the tests before would serve the worker's file past the route below: let none control.
    const first = await context.newPage()
    await first.goto(baseUrl)
    await first.evaluate(async () => Promise.all((await navigator.serviceWorker.getRegistrations()).map((r) => r.unregister())))
    await first.close()
    const page = await context.newPage()
    await page.setViewportSize({ width, height: 900 })
    let blocked = 0
    await page.route(/compute\.worker-[^/]*\.js$/, (route) => {
      blocked++
      return route.abort()
    })
    await page.goto(`${baseUrl}${hash}`)
    return { page, blocked: () => blocked }
  }

  it('computes on the main thread when the worker cannot load', async () => {
    const { page, blocked } = await openWithoutWorker(`#${encodeShareState({ source: 'nn.Linear(4, 2)' })}`)
    await total(page, '10')
    expect(blocked()).toBe(1)
    await typeSource(page, 'resnet18')
    await total(page, formatCount(analyze('resnet18').params.total))
    await page.close()
  })

  describe('model files', () => {
    const parts = 'import torch.nn as nn\n\nclass Block(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n        self.fc = nn.Linear(n, n)\n'
    const net = 'import torch.nn as nn\nfrom parts import Block\n\nclass Net(nn.Module):\n    def __init__(self, width=4, depth=2):\n        super().__init__()\n        self.blocks = nn.Sequential(*[Block(width) for _ in range(depth)])\n\nmodel = Net()\n'

    /** Drops files (name and text) on the page, as a file manager drops several files together. */
    const dropFiles = (page: Page, files: Array<[string, string]>) =>
      page.evaluate((files) => {
        const data = new DataTransfer()
        for (const [name, text] of files) data.items.add(new File([text], name, { type: 'text/x-python' }))
        document.querySelector('footer')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
      }, files)

    it('reads two .py files dropped together, one importing the other: the count, the files beside the editor, the link', async () => {
      const page = await open()
      await total(page, '295,168')
      await dropFiles(page, [['parts.py', parts], ['net.py', net]])
      // two Linear(4, 4): 2 × (16 + 4)
      await total(page, '40')
      expect(await page.locator('#source').inputValue()).toBe(net)
      expect(await page.locator('[data-testid=files] li').allTextContents()).toEqual(['net.py main', 'parts.py'])
      expect(await page.locator('.notice.undo').textContent()).toContain('Loaded 2 files; net.py is the main file.')
      await page.getByRole('button', { name: 'parts.py' }).click()
      expect(await page.locator('#source').inputValue()).toBe(parts)
      // an edit of the other file is analysed: Linear(n, n, bias=False) leaves 2 × 16
      await page.locator('#source').fill(parts.replace('nn.Linear(n, n)', 'nn.Linear(n, n, bias=False)'))
      await total(page, '32')
      await page.waitForFunction(() => decodeURIComponent(location.hash).includes('main=net.py') && decodeURIComponent(location.hash).includes('file:parts.py='))
      // the link opens the same files
      const shared = await open(new URL(page.url()).hash)
      await total(shared, '32')
      expect(await shared.locator('[data-testid=files] li').allTextContents()).toEqual(['net.py main', 'parts.py'])
      await shared.close()
      await page.close()
    })

    it('opens several .py files picked together as one program, and Undo brings back the page before them', async () => {
      const page = await open()
      await total(page, '295,168')
      await page.locator('input[type=file]').setInputFiles([
        { name: 'net.py', mimeType: 'text/x-python', buffer: Buffer.from(net) },
        { name: 'parts.py', mimeType: 'text/x-python', buffer: Buffer.from(parts) },
      ])
      await total(page, '40')
      expect(await page.locator('[data-testid=files] li').allTextContents()).toEqual(['net.py main', 'parts.py'])
      // the other file as the main one: it builds nothing and defines a class that needs arguments
      await page.getByRole('button', { name: 'parts.py' }).click()
      await page.getByRole('button', { name: 'Import parts.py as the main file' }).click()
      await page.getByTestId('class-picker').waitFor()
      expect(await page.locator('[data-testid=files] li').allTextContents()).toEqual(['parts.py main', 'net.py'])
      await page.getByRole('button', { name: 'Undo' }).click()
      await total(page, '295,168')
      expect(await page.locator('[data-testid=files]').count()).toBe(0)
      expect(await page.locator('#source').inputValue()).toBe('Conv2d(128, 256, 3)')
      await page.close()
    })

    it('offers the classes of a file that builds none, and builds the one chosen with its arguments', async () => {
      const page = await open()
      await total(page, '295,168')
      const classes = parts + '\nclass Net(nn.Module):\n    def __init__(self, width, depth=2):\n        super().__init__()\n        self.blocks = nn.Sequential(*[Block(width) for _ in range(depth)])\n'
      await dropFiles(page, [['classes.py', classes]])
      const picker = page.getByTestId('class-picker')
      await picker.waitFor()
      // the choice, not a red error
      expect(await page.locator('#source-error .problem').count()).toBe(0)
      expect(await picker.locator('label.choice code').allTextContents()).toEqual(['Block(n)', 'Net(width, depth=2)'])
      expect(await picker.getByRole('radio', { name: /^Net/ }).isChecked()).toBe(true)
      await page.screenshot({ path: join(results, 'playground-class-picker.png'), fullPage: true })
      expect(await axeViolations(page)).toEqual([])
      // any expression can be written instead, in the field the picker points to
      await picker.getByRole('button', { name: 'Model to build' }).click()
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('entry')
      expect(page.url()).not.toContain('#entry')
      await picker.getByLabel('Arguments').fill('8, depth=3')
      await picker.getByRole('button', { name: 'Build', exact: true }).click()
      // three Linear(8, 8): 3 × (64 + 8)
      await total(page, '216')
      expect(await page.locator('#entry').inputValue()).toBe('Net(8, depth=3)')
      await page.screenshot({ path: join(results, 'playground-class-built.png') })
      expect(await picker.count()).toBe(0)
      await page.close()
    })

    it('points an error in the second file at that file: Show in the editor opens it with the caret on the mistake', async () => {
      // on a phone: the file list and the excerpt reflow
      const page = await open('', 360)
      await total(page, '295,168')
      const broken = parts.replace('nn.Linear(n, n)', 'nn.Linear(n, n, bais=True)')
      await dropFiles(page, [['net.py', net], ['parts.py', broken]])
      await caretShows(page, 'parts.py:6:35')
      expect(await page.locator('#source').inputValue()).toBe(net)
      expect(await page.locator('[data-testid=files] li').allTextContents()).toEqual(['net.py main', 'parts.py (has the error)'])
      expect(await axeViolations(page)).toEqual([])
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
      await page.screenshot({ path: join(results, 'playground-360-file-error.png'), fullPage: true })
      await page.getByRole('button', { name: 'Show in the editor' }).click()
      expect(await page.locator('#source').inputValue()).toBe(broken)
      const selection = await page.locator('#source').evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd))
      expect(selection).toBe('bais=True')
      // the fix applies to that file
      await page.getByRole('button', { name: 'Replace bais with bias' }).click()
      await total(page, '40')
      expect(await page.locator('#source').inputValue()).toBe(parts.replace('nn.Linear(n, n)', 'nn.Linear(n, n, bias=True)'))
      await page.close()
    })
    /**
     * Drops files or folders of this machine on the page as a file manager does: Chromium is told of a drag holding
     * their paths (the debugging protocol's `Input.dispatchDragEvent`), so a folder arrives as the browser's own
     * directory entry, read through `webkitGetAsEntry` as a person's drop is.
     */
    async function dropPaths(page: Page, paths: string[], selector = '.top'): Promise<void> {
      const box = (await page.locator(selector).boundingBox())!
      const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 }
      const cdp = await context.newCDPSession(page)
      // dragOperationsMask 1: copy
      const data = { items: [], files: paths, dragOperationsMask: 1 }
      for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data })
      await cdp.detach()
    }

    /** The package `unet/` of test/fixtures (its own U-Net: `__init__.py`, `unet_parts.py`, `unet_model.py` with `from .unet_parts import *`), copied to a folder of its own. */
    function unetFolder(edit: (name: string, text: string) => string = (_name, text) => text): string {
      const dir = join(mkdtempSync(join(tmpdir(), 'nnsize-drop-')), 'unet')
      mkdirSync(dir)
      for (const name of readdirSync(join(root, 'test/fixtures/unet'))) writeFileSync(join(dir, name), edit(name, readFileSync(join(root, 'test/fixtures/unet', name), 'utf8')))
      return dir
    }

    it('offers the same class chooser when it computes on the main thread, for a pasted file and a dropped folder', async () => {
      const { page, blocked } = await openWithoutWorker(`#${encodeShareState({ source: 'nn.Linear(4, 2)' })}`)
      await total(page, '10')
      expect(blocked()).toBe(1)
      const classes = parts + '\nclass Net(nn.Module):\n    def __init__(self, width, depth=2):\n        super().__init__()\n        self.blocks = nn.Sequential(*[Block(width) for _ in range(depth)])\n'
      await page.locator('#source').fill(classes)
      const picker = page.getByTestId('class-picker')
      await picker.waitFor()
      // the choice, not a red error, as the worker's answer gives it
      expect(await page.locator('#source-error .problem').count()).toBe(0)
      expect(await picker.locator('label.choice code').allTextContents()).toEqual(['Block(n)', 'Net(width, depth=2)'])
      await picker.getByLabel('Arguments').fill('8, depth=3')
      await picker.getByRole('button', { name: 'Build', exact: true }).click()
      // three Linear(8, 8): 3 × (64 + 8)
      await total(page, '216')
      expect(await picker.count()).toBe(0)
      // a folder: its files are read once the model collections have loaded, and offer their class the same way
      const dir = unetFolder()
      await dropPaths(page, [dir])
      await picker.waitFor()
      expect(await page.locator('#source-error .problem').count()).toBe(0)
      expect(await picker.locator('label.choice code').allTextContents()).toEqual(['UNet(n_channels, n_classes, base=16, depth=3)'])
      await picker.getByLabel('Arguments').fill('3, 2, depth=2')
      await picker.getByRole('button', { name: 'Build', exact: true }).click()
      // the count worked out in the test of a dropped folder below
      await total(page, '117,378')
      expect(blocked()).toBe(1)
      await page.close()
      rmSync(dirname(dir), { recursive: true, force: true })
    })

    it('reads a dropped folder (a package with relative imports), offers its model class and builds it with the arguments given', async () => {
      const dir = unetFolder()
      const page = await open()
      await total(page, '295,168')
      await dropPaths(page, [dir])
      const picker = page.getByTestId('class-picker')
      await picker.waitFor()
      expect(await page.locator('[data-testid=files] li').allTextContents()).toEqual(['unet/unet_model.py main', 'unet/__init__.py', 'unet/unet_parts.py'])
      expect(await page.locator('#source').inputValue()).toBe(readFileSync(join(dir, 'unet_model.py'), 'utf8'))
      expect(await picker.locator('label.choice code').allTextContents()).toEqual(['UNet(n_channels, n_classes, base=16, depth=3)'])
      expect(await picker.locator('label.choice .muted').allTextContents()).toEqual(['unet/unet_model.py'])
      await picker.getByLabel('Arguments').fill('3, 2, depth=2')
      await picker.getByRole('button', { name: 'Build', exact: true }).click()
      // UNet(3, 2, depth=2), widths 16, 32, 64; each ConvBlock(i, o) is 9·i·o + 2·o + 9·o·o + 2·o (convolutions without
      // bias, two BatchNorms), each Up(i, o) adds ConvTranspose2d(i, i/2, 2): 4·i·i/2 + i/2:
      //   inc ConvBlock(3, 16) 2,800 + Down(16, 32) 13,952 + Down(32, 64) 55,552
      //   + Up(64, 32) 8,224 + 27,776 + Up(32, 16) 2,064 + 6,976 + outc Conv2d(16, 2, 1) 34 = 117,378,
      // as PyTorch 2.13 counts it: sum(p.numel() for p in UNet(3, 2, depth=2).parameters()).
      await total(page, '117,378')
      expect(await page.locator('#entry').inputValue()).toBe('UNet(3, 2, depth=2)')
      await page.locator('#input-shape').fill('1,3,64,64')
      // the forward pass through both files: the skips concatenated, the output at the input's size
      await page.waitForFunction(() => document.querySelector('.results:not(.stale) [data-testid=forward] dd code')?.textContent === '(1, 2, 64, 64)', undefined, { timeout: 10_000 })
      await page.close()
      rmSync(dirname(dir), { recursive: true, force: true })
    })
    it('opens a file of a dropped folder at its error: the line scrolled into view, the caret on the mistake, underlined', async () => {
      const dir = unetFolder((name, text) => (name === 'unet_parts.py' ? text.replace('kernel_size=2, stride=2', 'kernel_size=2, strid=2') : text))
      const page = await open()
      await total(page, '295,168')
      await dropPaths(page, [dir])
      await page.getByTestId('class-picker').waitFor()
      await page.locator('#entry').fill('UNet(3, 2)')
      // line 33 of unet_parts.py, below the editor's 22 rows
      await caretShows(page, 'unet/unet_parts.py:33:70')
      expect(await page.locator('[data-testid=caret]').textContent()).toContain('33 |         self.up = nn.ConvTranspose2d(c_in, c_in // 2, kernel_size=2, strid=2)\n   |')
      expect(await page.locator('#source').inputValue()).toBe(readFileSync(join(dir, 'unet_model.py'), 'utf8'))
      expect(await page.locator('[data-testid=files] li').allTextContents()).toEqual(['unet/unet_model.py main', 'unet/__init__.py', 'unet/unet_parts.py (has the error)'])
      // the main file has no mistake to underline
      expect(await page.locator('.overlay .err').count()).toBe(0)
      await page.getByRole('button', { name: 'Show in the editor' }).click()
      expect(await page.locator('#source').inputValue()).toBe(readFileSync(join(dir, 'unet_parts.py'), 'utf8'))
      expect(await page.locator('[data-testid=files] button[aria-pressed=true]').allTextContents()).toEqual(['unet/unet_parts.py (has the error)'])
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('source')
      const where = await page.locator('#source').evaluate((el: HTMLTextAreaElement) => {
        const before = el.value.slice(0, el.selectionStart)
        return { selected: el.value.slice(el.selectionStart, el.selectionEnd), line: before.split('\n').length, column: before.length - before.lastIndexOf('\n') }
      })
      expect(where).toEqual({ selected: 'strid=2', line: 33, column: 70 })
      // underlined token by token
      await page.waitForFunction(() => [...document.querySelectorAll('.overlay .err')].map((e) => e.textContent).join('') === 'strid=2')
      // the underlined mistake is inside the editor's visible area, not scrolled away
      const seen = await page.evaluate(() => {
        const field = document.querySelector('#source')!.getBoundingClientRect()
        return [...document.querySelectorAll('.overlay .err')].map((e) => e.getBoundingClientRect()).every((mark) => mark.top >= field.top && mark.bottom <= field.bottom && mark.left >= field.left && mark.right <= field.right)
      })
      expect(seen).toBe(true)
      await page.screenshot({ path: join(results, 'playground-folder-file-error.png') })
      // the fix applies to that file, and the model builds: UNet(3, 2) as PyTorch 2.13 counts it
      await page.getByRole('button', { name: 'Replace strid with stride' }).click()
      await total(page, '482,754')
      expect(await page.locator('#source').inputValue()).toBe(readFileSync(join(root, 'test/fixtures/unet/unet_parts.py'), 'utf8'))
      await page.close()
      rmSync(dirname(dir), { recursive: true, force: true })
    })
  })

  it('raised no CSP violation and no page error along the way', () => {
    expect(cspViolations).toEqual([])
    expect(pageErrors).toEqual([])
  })
})
