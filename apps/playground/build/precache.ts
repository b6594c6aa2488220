import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import type { Plugin } from 'vite'

function listFiles(dir: string): string[] {
  let entries: string[]
  try {
    entries = readdirSync(dir)
  } catch {
    return []
  }
  return entries.flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? listFiles(path) : [path]
  })
}

/** The service worker, with the file list and a version that changes whenever any file does. */
export function serviceWorkerSource(files: readonly string[], version: string): string {
  return `// Precaches the playground so it works offline after the first visit.
const VERSION = ${JSON.stringify(version)}
const FILES = ${JSON.stringify(files)}
const PREFIX = 'nnsize-playground:' + self.registration.scope + ':'
const CACHE = PREFIX + VERSION
const PAGE = new URL('./', self.registration.scope).href

/**
 * Caches every file of this version, all or none. Each is fetched past the HTTP cache ('reload'): a host's max-age
 * would otherwise hand back the previous deploy's page, whose files this version does not have. The page must name
 * only files of this version; if it does not, or any file fails, the install fails and the version in use stays.
 */
async function precache() {
  const urls = FILES.map((file) => new URL(file, self.registration.scope).href)
  const responses = await Promise.all(
    urls.map(async (url) => {
      const response = await fetch(url, { cache: 'reload' })
      if (!response.ok) throw new Error(url + ' answered ' + response.status)
      return response
    }),
  )
  const page = await responses[urls.indexOf(PAGE)].clone().text()
  for (const match of page.matchAll(/\\b(?:src|href)="([^"]+)"/g)) {
    const url = new URL(match[1], PAGE).href
    if (url.startsWith(self.registration.scope) && !urls.includes(url)) throw new Error('the page names ' + url + ', which is not part of this version')
  }
  const cache = await caches.open(CACHE)
  try {
    await Promise.all(urls.map((url, i) => cache.put(url, responses[i])))
  } catch (error) {
    await caches.delete(CACHE)
    throw error
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()))
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith(PREFIX) && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  )
})

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return
  if (request.mode === 'navigate') {
    // The page from the network when there is one, so a new version shows at once; the cached page offline.
    event.respondWith(fetch(request).catch(() => caches.open(CACHE).then((cache) => cache.match(PAGE)).then((hit) => hit || Response.error())))
    return
  }
  event.respondWith(caches.open(CACHE).then((cache) => cache.match(request, { ignoreSearch: true })).then((hit) => hit || fetch(request)))
})
`
}

/** Emits `sw.js`, listing every built file and every file of `public/`, relative to the page. */
export function precache(): Plugin {
  let publicDir = ''
  return {
    name: 'nnsize-precache',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      publicDir = config.publicDir
    },
    generateBundle(_options, bundle) {
      const hash = createHash('sha256')
      const files = new Set<string>(['./'])
      for (const [fileName, output] of Object.entries(bundle)) {
        if (fileName.endsWith('.map')) continue
        files.add(fileName === 'index.html' ? './' : fileName)
        hash.update(fileName)
        hash.update(output.type === 'chunk' ? output.code : output.source)
      }
      for (const path of listFiles(publicDir)) {
        const fileName = relative(publicDir, path).split(sep).join('/')
        files.add(fileName)
        hash.update(fileName)
        hash.update(readFileSync(path))
      }
      const version = hash.digest('hex').slice(0, 16)
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: serviceWorkerSource([...files].sort(), version) })
    },
  }
}
