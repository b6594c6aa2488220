import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { serviceWorkerSource } from '../build/precache.ts'

const scope = 'https://example.test/app/'
const files = ['./', 'assets/index-a1.js', 'assets/index-a1.css', 'favicon.svg']
const page = '<script type="module" src="./assets/index-a1.js"></script><link rel="stylesheet" href="./assets/index-a1.css"><link rel="icon" href="./favicon.svg">'

/** Runs sw.js in a fake worker scope whose network answers from `site`, and returns what its install did. */
async function install(site: Record<string, string | number>): Promise<{ ok: boolean; fetched: Array<[string, string | undefined]>; cached: Map<string, Map<string, string>>; skipped: boolean }> {
  const listeners = new Map<string, (event: unknown) => void>()
  const cached = new Map<string, Map<string, string>>()
  const fetched: Array<[string, string | undefined]> = []
  let skipped = false
  const self = {
    registration: { scope },
    location: { origin: 'https://example.test' },
    addEventListener: (type: string, listener: (event: unknown) => void) => listeners.set(type, listener),
    skipWaiting: async () => void (skipped = true),
  }
  const caches = {
    open: async (name: string) => {
      const entries = cached.get(name) ?? new Map<string, string>()
      cached.set(name, entries)
      return { put: async (url: string, response: Response) => void entries.set(url, await response.text()) }
    },
    delete: async (name: string) => cached.delete(name),
  }
  const fetch = async (url: string, init?: RequestInit) => {
    fetched.push([url, init?.cache])
    const body = site[url.slice(scope.length)]
    return typeof body === 'number' ? new Response('', { status: body }) : new Response(body ?? '', { status: body === undefined ? 404 : 200 })
  }
  runInNewContext(serviceWorkerSource(files, 'v1'), { self, caches, fetch, URL, Response, Error, Promise })
  let done: Promise<unknown> = Promise.resolve()
  listeners.get('install')!({ waitUntil: (promise: Promise<unknown>) => (done = promise) })
  const ok = await done.then(
    () => true,
    () => false,
  )
  return { ok, fetched, cached, skipped }
}

const wholeSite = { '': page, 'assets/index-a1.js': 'js', 'assets/index-a1.css': 'css', 'favicon.svg': 'svg' }

describe('the service worker install', () => {
  it('fetches every file past the HTTP cache and caches them all before taking over', async () => {
    const { ok, fetched, cached, skipped } = await install(wholeSite)
    expect(ok).toBe(true)
    expect(fetched.map(([, mode]) => mode)).toEqual(['reload', 'reload', 'reload', 'reload'])
    expect([...cached.values()].map((entries) => [...entries.keys()].sort())).toEqual([files.map((f) => new URL(f, scope).href).sort()])
    expect(skipped).toBe(true)
  })

  it('caches nothing and does not take over when a file fails', async () => {
    const { ok, cached, skipped } = await install({ ...wholeSite, 'assets/index-a1.css': 404 })
    expect([ok, skipped, [...cached.values()].flatMap((entries) => [...entries.keys()])]).toEqual([false, false, []])
  })

  it('caches nothing when the page names files of another version (a stale page from a cache in between)', async () => {
    const stale = page.replaceAll('index-a1', 'index-z9')
    const { ok, cached, skipped } = await install({ ...wholeSite, '': stale })
    expect([ok, skipped, [...cached.values()].flatMap((entries) => [...entries.keys()])]).toEqual([false, false, []])
  })
})
