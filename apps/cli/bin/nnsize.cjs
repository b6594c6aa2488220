#!/usr/bin/env node
// @ts-check
// The nnsize command. It runs dist/cli.cjs (the command line) and, on the first real question, dist/core.cjs (the
// engine): two CommonJS bundles, so that Node starts without its ES-module loader. Most of a cold start is V8
// compiling those bundles, so their compiled code is kept in a V8 code cache in the user's cache folder and reused
// while the bundle's text, Node and the platform are the same (Node ≥ 22.1 has module.enableCompileCache for the
// same purpose; this works on Node 20 too). The cache is only ever a speed-up: when it cannot be read or written
// nnsize runs the same, compiling as usual.
//
//   NNSIZE_COMPILE_CACHE=<folder>    keep the cache there instead of $XDG_CACHE_HOME/nnsize (or ~/.cache/nnsize)
//   NNSIZE_DISABLE_COMPILE_CACHE=1   neither read nor write a cache
'use strict'
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs')
const { homedir } = require('node:os')
const { basename, dirname, join } = require('node:path')
const { Script } = require('node:vm')

const dist = join(__dirname, '..', 'dist')
const cacheFolder = compileCacheFolder(process.env)

/** The folder of the code cache, or undefined when it is switched off. */
function compileCacheFolder(/** @type {NodeJS.ProcessEnv} */ env) {
  if (env.NNSIZE_DISABLE_COMPILE_CACHE) return undefined
  if (env.NNSIZE_COMPILE_CACHE) return env.NNSIZE_COMPILE_CACHE
  if (process.platform === 'win32') return env.LOCALAPPDATA ? join(env.LOCALAPPDATA, 'nnsize', 'Cache') : undefined
  try {
    return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nnsize')
  } catch {
    return undefined
  }
}

/** The build's first line in each bundle, `// nnsize <version> <hash of the rest>`: the cache belongs to exactly that text. */
const bundleHeader = /^\/\/ nnsize (\S+) ([0-9a-f]{16})\n/

/** The version and text hash a bundle's first line names, if it has that line. */
function headerOf(/** @type {string} */ text) {
  const match = bundleHeader.exec(text)
  return match === null ? undefined : { version: String(match[1]), hash: String(match[2]) }
}

/** Cache files are named `<bundle>-<version>-<text hash>-<Node version>-<architecture>.bin`: the parts around the hash. */
function cacheFileParts(/** @type {string} */ bundle, /** @type {string} */ version) {
  return { prefix: `${bundle}-${version}-`, suffix: `-${process.version}-${process.arch}.bin` }
}

/** The cache file of one bundle's text. */
function cacheFileName(/** @type {string} */ bundle, /** @type {{ version: string, hash: string }} */ header) {
  const { prefix, suffix } = cacheFileParts(bundle, header.version)
  return prefix + header.hash + suffix
}

/** Caches to write once the command is done, when its functions have been compiled too. */
const pendingCaches = /** @type {Array<{ file: string, bundle: string, version: string, script: Script }>} */ ([])

/**
 * Writes the pending caches, each to a temporary file renamed into place so that a reader never sees half of one,
 * and removes the caches of earlier builds of the same version (other versions may still be installed elsewhere).
 */
function writeCaches() {
  for (const { file, bundle, version, script } of pendingCaches) {
    const folder = dirname(file)
    const name = basename(file)
    const { prefix, suffix } = cacheFileParts(bundle, version)
    const temporary = `${file}.${process.pid}.tmp`
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 })
      writeFileSync(temporary, script.createCachedData(), { mode: 0o600 })
      renameSync(temporary, file)
      for (const other of readdirSync(folder)) {
        const isEarlierBuild = other !== name && other.startsWith(prefix) && other.endsWith(suffix) && /^[0-9a-f]{16}$/.test(other.slice(prefix.length, -suffix.length))
        if (isEarlierBuild) rmSync(join(folder, other), { force: true })
      }
    } catch {
      // a cache folder that cannot be written only means the next start compiles again
    }
  }
}

/** @type {Map<string, unknown>} */
const loaded = new Map()

/** Runs one bundle of dist/ as a CommonJS module, with its compiled code from the cache when there is one. */
function loadBundle(/** @type {string} */ name) {
  if (loaded.has(name)) return loaded.get(name)
  const filename = join(dist, name)
  // the build escapes every non-ASCII character, so the text reads as one byte per character
  const text = readFileSync(filename, 'latin1')
  const header = headerOf(text)
  const bundle = basename(name, '.cjs')
  const cacheFile = cacheFolder !== undefined && header !== undefined ? join(cacheFolder, cacheFileName(bundle, header)) : undefined
  /** @type {Buffer | undefined} */
  let cachedData
  if (cacheFile !== undefined) {
    try {
      cachedData = readFileSync(cacheFile)
    } catch {
      cachedData = undefined
    }
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${text}\n})`, { filename, cachedData })
  if (cacheFile !== undefined && header !== undefined && (cachedData === undefined || script.cachedDataRejected)) {
    if (pendingCaches.length === 0) process.once('exit', writeCaches)
    pendingCaches.push({ file: cacheFile, bundle, version: header.version, script })
  }
  const module = { exports: {} }
  loaded.set(name, module.exports)
  script.runInThisContext()(module.exports, bundleRequire, module, filename, dist)
  loaded.set(name, module.exports)
  return module.exports
}

/** `require` as the bundles see it: their sibling bundles load through the cache, everything else as usual. */
function bundleRequire(/** @type {string} */ id) {
  return id.startsWith('./') && id.endsWith('.cjs') ? loadBundle(id.slice(2)) : require(id)
}

loadBundle('cli.cjs')
