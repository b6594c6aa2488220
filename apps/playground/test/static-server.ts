import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
}

/**
 * A static file server on 127.0.0.1 that serves `root` under the path prefix `base` (`/a/b/`), as a sub-path host
 * would. `cacheControl` is the header sent with every file (`no-cache` unless given; GitHub Pages sends
 * `max-age=600`); `setRoot` serves another folder from then on, as a deploy would.
 */
export async function serveStatic(
  root: string,
  base: string,
  options: { cacheControl?: string } = {},
): Promise<{ url: string; server: Server; close(): Promise<void>; setRoot(dir: string): void }> {
  let dir = root
  const server = createServer((request, response) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname)
      if (!path.startsWith(base)) {
        response.writeHead(404).end('not found')
        return
      }
      const relative = path.slice(base.length) || 'index.html'
      const file = normalize(join(dir, relative))
      if (!file.startsWith(dir + sep)) {
        response.writeHead(403).end('forbidden')
        return
      }
      try {
        const body = await readFile(file)
        response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': options.cacheControl ?? 'no-cache' })
        response.end(body)
      } catch {
        response.writeHead(404).end('not found')
      }
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}${base}`,
    server,
    setRoot: (next: string) => (dir = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
