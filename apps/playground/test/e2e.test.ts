/**
 * The built page in a real Chromium (Debian's `chromium` package, driven by playwright-core),
 * served from a sub-path by a static server on 127.0.0.1. Nothing leaves the loopback interface.
 * Screenshots land in apps/playground/test-results/.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
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

  async function open(hash = '', width = 1280): Promise<Page> {
    const page = await context.newPage()
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
    await page.waitForFunction(() => document.querySelector('[data-testid=memory-lines] [data-line=optimizerState]')?.textContent?.includes('exp_avg_sq'))
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
    await page.getByRole('combobox', { name: 'Load a model' }).selectOption('tv:resnet18')
    await total(page, formatCount(analyze('resnet18()').params.total))
    expect(await page.locator('#source').inputValue()).toBe('resnet18()')
    expect(await page.locator('#input-shape').inputValue()).toBe('1,3,224,224')
    const config = JSON.stringify({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: 1000, n_positions: 128, n_embd: 64, n_layer: 2, n_head: 4 }, null, 2)
    await page.locator('input[type=file]').setInputFiles({ name: 'config.json', mimeType: 'application/json', buffer: Buffer.from(config) })
    await total(page, formatCount(analyze(config).params.total))
    expect(await page.locator('[data-testid=model]').textContent()).toContain('GPT2LMHeadModel')
    await page.close()
  })

  it('takes activation bytes per sample for a Hugging Face model, which has no forward trace', async () => {
    const page = await open(`#${encodeShareState({ source: 'gpt2', optimizer: 'AdamW', batch: 2 })}`)
    await total(page, '124,439,808')
    const activations = page.locator('[data-testid=memory-lines] [data-line=activations]')
    await page.waitForFunction(() => document.querySelector('[data-testid=memory-lines] [data-line=activations]')?.textContent?.includes('has no forward trace'))
    await page.locator('#activations').fill('1GiB')
    await page.waitForFunction(() => document.querySelector('[data-testid=memory-lines] [data-line=activations]')?.textContent?.includes('per sample'))
    expect(await activations.locator('td').first().textContent()).toBe('2.00 GiB')
    expect(await activations.textContent()).toContain('1.00 GiB per sample × batch 2 = 2.00 GiB')
    await page.waitForFunction(() => location.hash.includes('act=1GiB'))
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
    expect(text).not.toMatch(/--[a-z]|in auto|contextLength|activationBytes/)
    await page.close()
  })

  it('raised no CSP violation and no page error along the way', () => {
    expect(cspViolations).toEqual([])
    expect(pageErrors).toEqual([])
  })
})
