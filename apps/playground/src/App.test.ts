import { describe, expect, it } from 'vitest'
import { render } from 'svelte/server'
import App from './App.svelte'
import { readHash, writeHash } from './lib/state.ts'
import type { HashReading } from './lib/state.ts'
import { compute } from './lib/compute.ts'

/** Renders the page as a server would: it computes the first answer and passes it in. */
function renderPage(initial: HashReading): string {
  return render(App, { props: { initial, firstOutcome: compute(initial.state) } }).body
}

/** The page as the server renderer draws it for a state: the same markup the browser builds first. */
function page(hash: string): string {
  return renderPage(readHash(hash))
}

function hashOf(source: string, extra: Record<string, string> = {}): string {
  const written = writeHash({ source, ...extra })
  if (!written.ok) throw new Error(written.problem)
  return `#${written.fragment}`
}

describe('App', () => {
  it('answers the default question on a first visit', () => {
    const body = page('')
    expect(body).toContain('295,168')
    expect(body).toContain('parameters = in_channels × out_channels × kernel_size² + out_channels = 128 × 256 × 9 + 256 = 294,912 + 256 = 295,168')
    expect(body).toContain('294,912 weights + 256 biases')
  })

  it('restores the state of a shared link', () => {
    const body = page(hashOf('Conv2d(128, 256, 3, bias=False)', { input: '1,128,56,56' }))
    expect(body).toContain('294,912')
    expect(body).toContain('value="1,128,56,56"')
    expect(body).toContain('(1, 256, 54, 54)')
  })

  it('shows a script tag typed as an expression as text, never as markup', () => {
    const body = page(hashOf('<script>alert(1)</script><img src=x onerror=alert(2)>'))
    expect(body).not.toMatch(/<script/i)
    expect(body).not.toMatch(/<img/i)
    expect(body).toContain('&lt;script>alert(1)&lt;/script>')
    expect(body).toContain('syntax')
  })

  it('shows a script tag inside a string as text in the error message', () => {
    const body = page(hashOf('nn.Linear("<script>alert(1)</script>", 2)'))
    expect(body).not.toMatch(/<script/i)
    expect(body).toContain('&lt;script>')
  })

  it('falls back to the default example, saying why, for a hostile link', () => {
    const body = page(`#src=${'x'.repeat(200_000)}`)
    expect(body).toContain('This link could not be opened')
    expect(body).toContain('295,168')
  })

  it('lists the files of a shared program, the main one first, with hostile paths as text', () => {
    const written = writeHash({ source: 'from parts import Block\n', main: 'net.py', files: { 'parts.py': 'import torch\n', '<img src=x onerror=alert(1)>.py': '' }, entry: 'Net(4)' })
    if (!written.ok) throw new Error(written.problem)
    const body = page(`#${written.fragment}`)
    expect(body).toContain('data-testid="files"')
    // the main file first, marked so (hydration markers left out)
    expect(body.replace(/<!--[^>]*-->/g, '')).toMatch(/>net\.py <span class="tag[^"]*">main<\/span><\/button><\/li><li><button[^>]*>&lt;img/)
    expect(body).toContain('parts.py')
    expect(body).not.toMatch(/<img/i)
    expect(body).toContain('&lt;img src=x onerror=alert(1)>.py')
    expect(body).toContain('value="Net(4)"')
  })

  it('offers the misspelt name fixes as buttons', () => {
    const body = page(hashOf('nn.Conv2D(128, 256, 3)'))
    expect(body).toContain('aria-label="Replace Conv2D with Conv2d"')
    expect(body).toMatch(/<pre class="excerpt[^"]*" data-testid="caret" role="region" aria-label="Where the error is" tabindex="0">/)
  })

  it('survives a huge input with an error instead of a hang', () => {
    const started = performance.now()
    const body = renderPage({ state: { source: `Linear(1, 1)${'#'.repeat(1_000_001)}` } })
    expect(body).toContain('limit')
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})
