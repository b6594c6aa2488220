#!/usr/bin/env node
// @ts-check
// The nnsize command. It runs dist/cli.cjs (the command line) and, on the first real question, dist/core.cjs (the
// engine), which requires dist/zoo.cjs (the model collections), dist/hf.cjs (the Hugging Face families),
// dist/weights.cjs (the weight-file readers), dist/plan.cjs (the memory and speed planners) and dist/libs.cjs (numpy's
// arrays, torch.nn.utils' weight normalisations, torch.linalg, torch.distributions) only when a question reaches them: CommonJS bundles, so that Node starts without its ES-module loader. Most of a cold
// start is V8 compiling those bundles, so their compiled code is kept in the user's cache folder and reused. V8
// compiles a function when it first runs, so each cache names the paths through the command it was written after
// (`input:program`, `output:json`) and is written again, with the code of both, after a run that took another. The
// cache is only ever a speed-up, and it is used only when it is provably ours:
//   - the folder must be a real folder (not a symbolic link) owned by the current user and writable by no one else;
//     otherwise nothing is read from it or written to it;
//   - V8 accepts cached code for any source of the same length, so every cache file records what it was compiled
//     from: the Node and V8 versions, platform and architecture, the SHA-256 of the exact bundle text, and the
//     identity of the bundle file it was read from (device, inode, size, modification and change times). A cache is
//     used only for the same Node and the same text: the file it recorded, unchanged since (a change always moves the
//     change time, which no program sets back), or a text whose SHA-256 matches. V8's data is written twice and
//     its length recorded, and both copies must match byte for byte, so a damaged file is never given to V8. (Whoever can write the user's own folder can run code as the
//     user anyway; what these checks rule out is a cache of other code: another build, another Node, an edited bundle.)
//   - cache files are opened without following symbolic links, must be regular files of the current user no larger
//     than `maxCacheBytes` (checked before reading), and are written to a new file created exclusively (O_EXCL,
//     mode 0600, an unpredictable name) and renamed into place.
// On Node versions with `module.enableCompileCache` (22.1 and later), Node's own compile cache is used instead, in the
// same folder and under the same ownership check. When no cache can be used, nnsize runs the same, compiling as usual.
// After a question it answered itself, the command starts a background server of the same build, which answers the
// next questions without loading nnsize again (see "The background server" below).
//
//   NNSIZE_COMPILE_CACHE=<folder>    keep the cache there instead of $XDG_CACHE_HOME/nnsize (or ~/.cache/nnsize)
//   NNSIZE_DISABLE_COMPILE_CACHE=1   neither read nor write a cache (nor start or ask a server)
'use strict'
const fs = require('node:fs')
const { basename, join } = require('node:path')

const dist = join(__dirname, '..', 'dist')

/** The folder of the code cache, or undefined when it is switched off. */
function compileCacheFolder(/** @type {NodeJS.ProcessEnv} */ env) {
  if (env.NNSIZE_DISABLE_COMPILE_CACHE) return undefined
  if (env.NNSIZE_COMPILE_CACHE) return env.NNSIZE_COMPILE_CACHE
  if (process.platform === 'win32') return env.LOCALAPPDATA ? join(env.LOCALAPPDATA, 'nnsize', 'Cache') : undefined
  try {
    // $HOME is where os.homedir() looks first on POSIX systems; node:os loads only without it
    return join(env.XDG_CACHE_HOME || join(env.HOME || require('node:os').homedir(), '.cache'), 'nnsize')
  } catch {
    return undefined
  }
}

/** The current user's id, or undefined where there are none (Windows, whose per-user folders are protected by ACLs). */
const uid = typeof process.getuid === 'function' ? process.getuid() : undefined

/** Whether `folder` is a folder that only the current user can change: not a symbolic link, owned by the user, not writable by group or others. */
function isOwnFolder(/** @type {string} */ folder) {
  let info
  try {
    info = fs.lstatSync(folder)
  } catch {
    return false
  }
  if (!info.isDirectory()) return false
  if (uid === undefined) return true
  return info.uid === uid && (info.mode & 0o022) === 0
}

/** `folder` as an own folder ({@link isOwnFolder}), created (mode 0700) when missing; false when it is not one. */
function ownFolder(/** @type {string} */ folder) {
  if (isOwnFolder(folder)) return true
  try {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 })
  } catch {
    return false
  }
  return isOwnFolder(folder)
}

/** Largest cache file read, in bytes: the caches of both bundles are well under 2 MiB. */
const maxCacheBytes = 16 * 1024 * 1024
/**
 * The first bytes of every cache file. Then come two lines and V8's data, twice: the header ({@link headerOf}), saying
 * which bundle text and which Node the code was compiled for and how long V8's data is; then the paths through the
 * command whose code it holds ({@link runPaths}). The two copies of the data must match byte for byte: a file damaged
 * after it was written is never given to V8, checked by one compare of memory rather than a checksum (whose module,
 * node:zlib, would cost every start more than reading the second copy).
 */
const magic = Buffer.from('nnsize code cache 4\n', 'latin1')
/** Longest header line read. */
const maxHeaderBytes = 512
const { O_CREAT, O_EXCL, O_RDONLY, O_WRONLY } = fs.constants
/** Flags that refuse a symbolic link and never wait on a FIFO, where the platform has them (0 elsewhere). */
const noFollow = (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0)

/** Everything V8's code depends on besides the source: the Node and V8 versions, the platform and the architecture. */
const runtime = `${process.version}/${process.versions.v8}/${process.platform}/${process.arch}`

/** The text of one bundle as this run read it, and what identifies the file it was read from. */
/** @typedef {{ text: string, identity: string | undefined }} BundleText */

/** Files changed this recently are not identified by their status (below): a change within the clock's tick could keep it. */
const settledMs = 2000
/** What a bundle's text is wrapped in to run as a CommonJS module, as Node's own loader wraps a file. */
const wrapperStart = '(function (exports, require, module, __filename, __dirname) {'
const wrapperEnd = '\n})'

/**
 * Reads a bundle's text and the identity of its file: device, inode, size, modification and change times, all from
 * one open file. Nothing but a change of the file moves its change time, which no program can set back; a file changed
 * less than {@link settledMs} ago has no identity, since a second change within the clock's tick could leave it alike.
 * `source` is the text in the CommonJS wrapper, made as one string (the text is a slice of it), so that V8 compiles
 * it without first copying a joined string.
 */
function readBundle(/** @type {string} */ filename) {
  const fd = fs.openSync(filename, O_RDONLY)
  try {
    const info = fs.fstatSync(fd, { bigint: true })
    // the build escapes every non-ASCII character, so the text reads as one byte per character; read through the
    // scratch buffer, whose pages are already touched, unless the file is longer than its status said
    const size = Number(info.size)
    const bytes = scratchOf(wrapperStart.length + size + wrapperEnd.length)
    bytes.write(wrapperStart, 0, 'latin1')
    bytes.write(wrapperEnd, wrapperStart.length + size, 'latin1')
    const whole = readAt(fd, size, 0, bytes.subarray(wrapperStart.length, wrapperStart.length + size)) !== undefined && fs.readSync(fd, Buffer.alloc(1), 0, 1, size) === 0
    const source = whole ? bytes.toString('latin1') : `${wrapperStart}${fs.readFileSync(fd, 'latin1')}${wrapperEnd}`
    const text = source.slice(wrapperStart.length, source.length - wrapperEnd.length)
    const settled = Date.now() - Number(info.ctimeMs) > settledMs && BigInt(text.length) === info.size
    const bundle = /** @type {BundleText} */ ({ text, identity: settled ? `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}` : undefined })
    return /** @type {BundleText & { source: string }} */ (Object.defineProperty(bundle, 'source', { value: source }))
  } finally {
    fs.closeSync(fd)
  }
}

/** SHA-256 of a bundle's text, in hex: computed when a cache is written, and when one is read for a file that is not the one it recorded. */
function textHashOf(/** @type {string} */ text) {
  return require('node:crypto').createHash('sha256').update(text, 'latin1').digest('hex')
}

/**
 * The header line of a cache of `data` compiled from `bundle`: {@link runtime}, the SHA-256 of the exact bundle text,
 * the identity of the file it was read from (`-` when it had none), and the length of V8's data.
 */
function headerOf(/** @type {BundleText} */ bundle, /** @type {Uint8Array} */ data) {
  return `${runtime} ${textHashOf(bundle.text)} ${bundle.identity ?? '-'} ${data.length}`
}

/**
 * The paths and V8's data in `file` when it is a regular file of the current user, at most {@link maxCacheBytes} long,
 * made for this Node from exactly `bundle`'s text, and its data is whole; otherwise undefined. The text is known to be
 * the one compiled when the file recorded the identity this run read it from; otherwise it is hashed and compared
 * (`rehashed`: the file is then written again with the new identity). Never follows a symbolic link and never reads
 * past the size it checked. The data lies in the start's {@link scratch} buffer: it holds until the next read.
 */
function readCacheFile(/** @type {string} */ file, /** @type {BundleText} */ bundle) {
  return readOwnFile(file, magic.length, (fd, size) => {
    const lines = readAt(fd, Math.min(size, maxLinesBytes), 0)
    if (lines === undefined || !lines.subarray(0, magic.length).equals(magic)) return undefined
    const headerEnd = lines.indexOf(0x0a, magic.length)
    if (headerEnd < 0 || headerEnd - magic.length > maxHeaderBytes) return undefined
    const [recordedRuntime, textHash, identity, length = '', ...rest] = lines.subarray(magic.length, headerEnd).toString('latin1').split(' ')
    if (rest.length > 0 || recordedRuntime !== runtime || !/^\d{1,9}$/.test(length)) return undefined
    const sameFile = bundle.identity !== undefined && identity === bundle.identity
    if (!sameFile && textHash !== textHashOf(bundle.text)) return undefined
    const pathsEnd = lines.indexOf(0x0a, headerEnd + 1)
    const paths = pathsEnd < 0 ? undefined : pathsOf(lines.subarray(headerEnd + 1, pathsEnd).toString('latin1'))
    const data = paths === undefined ? undefined : readStoredTwice(fd, size, pathsEnd + 1, Number(length))
    if (data === undefined) return undefined
    return { paths, data, rehashed: !sameFile && bundle.identity !== undefined }
  })
}

/**
 * What `read` makes of `file`, opened without following a symbolic link (and without waiting on a FIFO), when it is a
 * regular file of the current user of `minBytes` to `maxBytes` bytes (its size, checked before any read, is given to
 * `read`); undefined when it is not, or when reading fails. The file is closed after.
 * @template T
 * @param {string} file
 * @param {number} minBytes
 * @param {(fd: number, size: number) => T | undefined} read
 * @returns {T | undefined}
 */
function readOwnFile(file, minBytes, read, maxBytes = maxCacheBytes) {
  let fd
  try {
    fd = fs.openSync(file, O_RDONLY | noFollow)
  } catch {
    return undefined
  }
  try {
    const info = fs.fstatSync(fd)
    if (!info.isFile() || (uid !== undefined && info.uid !== uid) || info.size < minBytes || info.size > maxBytes) return undefined
    return read(fd, info.size)
  } catch {
    return undefined
  } finally {
    fs.closeSync(fd)
  }
}

/** A new, unpredictable name beside `file` for the file written before it is renamed to `file`. */
function temporaryNameOf(/** @type {string} */ file) {
  const { randomBytes } = require('node:crypto')
  return `${file}.${process.pid}-${randomBytes(8).toString('hex')}.tmp`
}

/**
 * One buffer for the reads of a start: a bundle's text (until it is a string), then its cache's data (until V8 has
 * read it), then the next bundle's. Memory is paged in when first written, so reusing one buffer touches fewer pages
 * than a new buffer for each read; it is allocated large enough for both bundles at once.
 */
let scratch = Buffer.alloc(0)

/** The first `length` bytes of {@link scratch}, grown when too short. */
function scratchOf(/** @type {number} */ length) {
  if (scratch.length < length) scratch = Buffer.allocUnsafeSlow(Math.max(length, 2 * 1024 * 1024))
  return scratch.subarray(0, length)
}

/** Exactly `length` bytes of `fd` from `position` (into `bytes` when given), or undefined when the file ends first. */
function readAt(/** @type {number} */ fd, /** @type {number} */ length, /** @type {number} */ position, bytes = Buffer.allocUnsafe(length)) {
  let filled = 0
  while (filled < length) {
    const read = fs.readSync(fd, bytes, filled, length - filled, position + filled)
    if (read === 0) return undefined
    filled += read
  }
  return bytes
}

/**
 * The data that `fd` (a file of `size` bytes) holds twice from `start`, each copy `length` bytes and the second ending
 * the file, read into the {@link scratch} buffer; undefined unless both copies are there and alike byte for byte.
 */
function readStoredTwice(/** @type {number} */ fd, /** @type {number} */ size, /** @type {number} */ start, /** @type {number} */ length) {
  if (size !== start + 2 * length) return undefined
  const data = readAt(fd, length, start, scratchOf(length))
  return data !== undefined && matchesAt(fd, data, start + length) ? data : undefined
}

/** Whether the bytes of `fd` from `position` are `data`'s, read a piece at a time (the second copy is never kept). */
function matchesAt(/** @type {number} */ fd, /** @type {Buffer} */ data, /** @type {number} */ position) {
  const piece = Buffer.allocUnsafe(Math.min(data.length, 64 * 1024))
  for (let at = 0; at < data.length; at += piece.length) {
    const length = Math.min(piece.length, data.length - at)
    const read = readAt(fd, length, position + at, piece.subarray(0, length))
    if (read === undefined || !read.equals(data.subarray(at, at + length))) return false
  }
  return true
}

/**
 * Writes a cache of `data` (with its `paths`, the data twice) compiled from `bundle` to `file`, through
 * {@link writeFileParts}. Throws when it cannot.
 */
function writeCacheFile(/** @type {string} */ file, /** @type {BundleText} */ bundle, /** @type {readonly string[]} */ paths, /** @type {Uint8Array} */ data, /** @type {string} */ temporary) {
  const lines = Buffer.from(`${headerOf(bundle, data)}\n${[...paths].sort().join(' ')}\n`, 'latin1')
  writeFileParts(file, [magic, lines, data, data], temporary)
}

/**
 * Writes `parts` one after another to `file`: into `temporary`, a new file created exclusively (an existing file or
 * link there is an error, never followed) with mode 0600, then renamed over `file`, so that a reader never sees half
 * of one. Throws when it cannot; the temporary file is removed then.
 */
function writeFileParts(/** @type {string} */ file, /** @type {readonly Uint8Array[]} */ parts, /** @type {string} */ temporary) {
  const fd = fs.openSync(temporary, O_WRONLY | O_CREAT | O_EXCL | noFollow, 0o600)
  try {
    try {
      for (const part of parts) {
        let written = 0
        while (written < part.length) written += fs.writeSync(fd, part, written, part.length - written)
      }
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(temporary, file)
  } catch (error) {
    fs.rmSync(temporary, { force: true })
    throw error
  }
}

/** The build's first line in each bundle, `// nnsize <version> <hash> …`: caches are named by version and hash (a name only; the text itself is checked). */
const bundleHeader = /^\/\/ nnsize (\S+) ([0-9a-f]{16})\n/

/** Cache files are named `<bundle>-<version>-<text hash>-<Node version>-<architecture>.bin`: the parts around the hash. */
function cacheFileParts(/** @type {string} */ bundle, /** @type {string} */ version) {
  return { prefix: `${bundle}-${version}-`, suffix: `-${process.version}-${process.arch}.bin` }
}

/** The cache file of a build of a bundle in `folder`, named as {@link cacheFileParts} says. */
function cacheFileOf(/** @type {string} */ folder, /** @type {string} */ bundle, /** @type {string} */ version, /** @type {string} */ hash) {
  const { prefix, suffix } = cacheFileParts(bundle, version)
  return join(folder, prefix + hash + suffix)
}

/**
 * The paths this run took through the command: the bundles it loaded (`bundle:core`) and what the command noted
 * through `globalThis[Symbol.for('nnsize.noteCodePath')]` (`input:program`, `output:json`). V8 compiles a function
 * when it first runs, so a cache written after one kind of question lacks the code of another; a cache whose paths
 * do not include all of this run's is written again at exit, with the code of both. Paths only grow, so each cache is
 * rewritten at most once for each new path.
 */
const runPaths = new Set()

/** Most paths one run notes, and the longest path name. */
const maxPaths = 64
const pathName = /^[\w:.-]{1,64}$/
/** Most bytes before V8's data: the magic, the header line and the paths line, each with its newline. */
const maxLinesBytes = magic.length + maxHeaderBytes + 1 + maxPaths * 65 + 1

/** Notes a path this run took (see {@link runPaths}); anything else is ignored. */
function noteCodePath(/** @type {unknown} */ path) {
  if (typeof path === 'string' && pathName.test(path) && runPaths.size < maxPaths) runPaths.add(path)
}

/** The paths a cache file's second line names; undefined when the line is malformed. */
function pathsOf(/** @type {string} */ line) {
  const paths = line === '' ? [] : line.split(' ')
  if (paths.length > maxPaths || !paths.every((p) => pathName.test(p))) return undefined
  return new Set(paths)
}

/**
 * Caches to write once the command is done, when its functions have been compiled too: new ones, those whose paths
 * miss some of this run's, and those accepted by their text's hash, which then record the file's identity.
 */
const pendingCaches = /** @type {Array<{ folder: string, file: string, bundle: string, version: string, text: BundleText, script: import('node:vm').Script, paths: Set<string> | undefined }>} */ ([])

/** Writes the pending caches and removes the caches of earlier builds of the same version (other versions may still be installed elsewhere). */
function writeCaches() {
  for (const { folder, file, bundle, version, text, script, paths } of pendingCaches) {
    if (paths !== undefined && [...runPaths].every((p) => paths.has(p))) continue
    const name = basename(file)
    const { prefix, suffix } = cacheFileParts(bundle, version)
    try {
      if (!ownFolder(folder)) return
      writeCacheFile(file, text, [...new Set([...(paths ?? []), ...runPaths])], script.createCachedData(), temporaryNameOf(file))
      for (const other of fs.readdirSync(folder)) {
        const isEarlierBuild = other !== name && other.startsWith(prefix) && other.endsWith(suffix) && /^[0-9a-f]{16}$/.test(other.slice(prefix.length, -suffix.length))
        if (isEarlierBuild) fs.rmSync(join(folder, other), { force: true })
      }
    } catch {
      // a cache folder that cannot be written only means the next start compiles again
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Kept entries: what the command keeps from one run to the next beside the code caches, in the same folder and under
// the same checks (the syntax tree of each Python file read, as Python keeps compiled files in __pycache__). The
// command reads and writes them through `globalThis[Symbol.for('nnsize.keptEntries')]`; what an entry holds is the
// command's business (a syntax tree is used only for the exact text it was parsed from), this file only keeps it
// whole and private. An entry is named `<kind>-<hash of its key>.bin`, is written for one build of the core (the
// version and hash on the first line of dist/core.cjs) and read only by that build, holds its data twice (both copies
// must match byte for byte), and is written at exit, as the code caches are.

/** The first bytes of every kept entry; then a line `<build> <data length>`, and the data twice. */
const keptMagic = Buffer.from('nnsize kept entry 1\n', 'latin1')
/** Most entries written by one run, and most kept in the folder: beyond it, the least recently written are removed. */
const maxKeptWrites = 256
const maxKeptEntries = 2000
const keptKind = /^[a-z]{1,16}$/
const keptName = /^[a-z]{1,16}-[0-9a-f]{16}\.bin$/

/** The build of the core this run uses, `<version> <hash>` from the first line of dist/core.cjs; undefined when unknown. */
let coreBuild = /** @type {string | undefined} */ (undefined)

function coreBuildOf() {
  if (coreBuild !== undefined) return coreBuild
  try {
    const fd = fs.openSync(join(dist, 'core.cjs'), O_RDONLY | noFollow)
    try {
      const head = Buffer.alloc(96)
      const header = bundleHeader.exec(head.subarray(0, fs.readSync(fd, head, 0, head.length, 0)).toString('latin1'))
      if (header) coreBuild = `${header[1]} ${header[2]}`
    } finally {
      fs.closeSync(fd)
    }
  } catch {
    // without a build to tell entries apart, none is read or written
  }
  return coreBuild
}

/** 16 hex digits naming `text` in a file name: two FNV-1a-style hashes, 32 bits each, of its UTF-16 code units (a name, not a check). */
function hashOf(/** @type {string} */ text) {
  let a = 0x811c9dc5
  let b = 0x01000193
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15)
  }
  return `${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`
}

/** The file name of an entry: its kind and the {@link hashOf} its key. */
function keptFileName(/** @type {string} */ kind, /** @type {string} */ key) {
  return `${kind}-${hashOf(key)}.bin`
}

/**
 * The data of the entry `file` when it is a regular file of the current user, at most {@link maxCacheBytes} long,
 * written for `build`, and whole (both copies alike); otherwise undefined. Never follows a symbolic link and never
 * reads past the size it checked.
 */
function readKeptFile(/** @type {string} */ file, /** @type {string} */ build) {
  return readOwnFile(file, keptMagic.length, (fd, size) => {
    const lines = readAt(fd, Math.min(size, keptMagic.length + maxHeaderBytes + 1), 0)
    if (lines === undefined || !lines.subarray(0, keptMagic.length).equals(keptMagic)) return undefined
    const headerEnd = lines.indexOf(0x0a, keptMagic.length)
    if (headerEnd < 0) return undefined
    const header = lines.subarray(keptMagic.length, headerEnd).toString('latin1')
    const at = header.lastIndexOf(' ')
    const length = header.slice(at + 1)
    if (header.slice(0, at) !== build || !/^\d{1,9}$/.test(length)) return undefined
    return readStoredTwice(fd, size, headerEnd + 1, Number(length))?.toString('utf8')
  })
}

/** Entries to write at exit, by file name: the makers are called then, once the command is done. */
const pendingKept = /** @type {Map<string, () => string>} */ (new Map())

/** The kept entries of `folder`, as the command uses them (see above); undefined when the folder is not the user's own. */
function keptEntries(/** @type {string} */ folder) {
  if (!isOwnFolder(folder) && !isMissing(folder)) return undefined
  return {
    /** The entry of `kind` kept for `key` by this build of the core, or undefined. */
    read(/** @type {string} */ kind, /** @type {string} */ key) {
      const build = coreBuildOf()
      if (build === undefined || !keptKind.test(kind) || typeof key !== 'string') return undefined
      return readKeptFile(join(folder, keptFileName(kind, key)), build)
    },
    /** Keeps the entry that `make` gives for `key`, written at exit. */
    write(/** @type {string} */ kind, /** @type {string} */ key, /** @type {() => string} */ make) {
      if (!keptKind.test(kind) || typeof key !== 'string' || typeof make !== 'function') return
      const name = keptFileName(kind, key)
      if (pendingKept.size >= maxKeptWrites && !pendingKept.has(name)) return
      if (pendingKept.size === 0) process.once('exit', () => writeKept(folder))
      pendingKept.set(name, make)
    },
  }
}

/** Writes the pending entries to `folder`, then removes the least recently written beyond {@link maxKeptEntries}. */
function writeKept(/** @type {string} */ folder) {
  const build = coreBuildOf()
  const pending = [...pendingKept]
  pendingKept.clear()
  if (build === undefined || !ownFolder(folder)) return
  for (const [name, make] of pending) {
    try {
      const data = Buffer.from(make(), 'utf8')
      if (2 * data.length > maxCacheBytes) continue
      const file = join(folder, name)
      writeFileParts(file, [keptMagic, Buffer.from(`${build} ${data.length}\n`, 'latin1'), data, data], temporaryNameOf(file))
    } catch {
      // an entry that cannot be made or written only means the next run parses the file again
    }
  }
  try {
    const kept = fs.readdirSync(folder).filter((name) => keptName.test(name))
    if (kept.length <= maxKeptEntries) return
    const written = kept.map((name) => ({ name, ms: fs.lstatSync(join(folder, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    written.sort((x, y) => x.ms - y.ms)
    for (const { name } of written.slice(0, written.length - maxKeptEntries)) fs.rmSync(join(folder, name), { force: true })
  } catch {
    // a folder that cannot be listed keeps what it has
  }
}

/** @type {Map<string, unknown>} */
const loaded = new Map()
/** Whether {@link loadBundle} reads and writes code caches: everywhere but in the background server. */
let useCodeCache = true

/** Runs one bundle of dist/ as a CommonJS module through node:vm, with its compiled code from `folder`'s cache when that is ours. */
function loadBundle(/** @type {string} */ name, /** @type {string} */ folder) {
  if (loaded.has(name)) return loaded.get(name)
  const { Script } = require('node:vm')
  const filename = join(dist, name)
  const bundleText = readBundle(filename)
  const header = bundleHeader.exec(bundleText.text)
  const bundle = basename(name, '.cjs')
  // a folder that is missing is made at exit (and checked again then); one that is not the user's own is not used
  const [, version = '', hash = ''] = header ?? []
  const cache = useCodeCache && header !== null && (isOwnFolder(folder) || isMissing(folder)) ? { version, file: cacheFileOf(folder, bundle, version, hash) } : undefined
  const cached = cache && readCacheFile(cache.file, bundleText)
  const script = new Script(bundleText.source, { filename, cachedData: cached?.data })
  noteCodePath(`bundle:${bundle}`)
  if (bundle === 'core' && header !== null) coreBuild = `${version} ${hash}`
  if (cache) {
    if (pendingCaches.length === 0) process.once('exit', writeCaches)
    const accepted = cached !== undefined && !script.cachedDataRejected && !cached.rehashed
    pendingCaches.push({ folder, file: cache.file, bundle, version: cache.version, text: bundleText, script, paths: accepted ? cached.paths : undefined })
  }
  const module = { exports: {} }
  loaded.set(name, module.exports)
  const bundleRequire = (/** @type {string} */ id) => (id.startsWith('./') && id.endsWith('.cjs') ? loadBundle(id.slice(2), folder) : require(id))
  script.runInThisContext()(module.exports, bundleRequire, module, filename, dist)
  loaded.set(name, module.exports)
  return module.exports
}

/** Whether nothing at all, not even a dangling link, is at `path`. */
function isMissing(/** @type {string} */ path) {
  try {
    fs.lstatSync(path)
    return false
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT'
  }
}

/**
 * How the bundles are loaded: `node` — Node's own compile cache (`module.enableCompileCache`, Node >= 22.1), which
 * checks what it loads against the source itself, in the user's own folder; `own` — this file's verified cache, on
 * Node versions without it; `none` — a plain `require`, when the cache is switched off or the folder is not the
 * user's own. Node's cache is preferred where it exists, though it keeps only the code compiled before the first run
 * (it measured about 12 ms of CPU slower per start than this file's cache on Node 22 and 24).
 */
function cacheMode(/** @type {string | undefined} */ folder, /** @type {{ enableCompileCache?: unknown }} */ nodeModule) {
  if (folder === undefined) return 'none'
  if (typeof nodeModule.enableCompileCache !== 'function') return 'own'
  return ownFolder(folder) ? 'node' : 'none'
}

/** Whether a Node version may have `module.enableCompileCache` (added in 22.1.0): false only for versions known to lack it. */
function mayHaveCompileCache(/** @type {string} */ version) {
  const [major, minor] = version.split('.').map(Number)
  return !(major !== undefined && minor !== undefined && (major < 22 || (major === 22 && minor < 1)))
}

/** Answers this process's question here, loading the command line through Node's compile cache, this file's code cache, or a plain `require` (see {@link cacheMode}). */
function runHere(/** @type {string | undefined} */ folder) {
  // `enableCompileCache` is typed only in the @types/node of Node versions that have it; on older Nodes, node:module
  // (which sets up parts of the ES-module loader) is not loaded at all
  const nodeModule = /** @type {{ enableCompileCache?: (directory: string) => unknown }} */ (/** @type {unknown} */ (mayHaveCompileCache(process.versions.node) ? require('node:module') : {}))
  const mode = cacheMode(folder, nodeModule)
  if (mode === 'node' && nodeModule.enableCompileCache) nodeModule.enableCompileCache(join(/** @type {string} */ (folder), 'node'))
  const kept = mode === 'none' ? undefined : keptEntries(/** @type {string} */ (folder))
  if (kept) /** @type {Record<symbol, unknown>} */ (globalThis)[Symbol.for('nnsize.keptEntries')] = kept
  if (mode === 'own') /** @type {Record<symbol, unknown>} */ (globalThis)[Symbol.for('nnsize.noteCodePath')] = noteCodePath
  const cli = /** @type {CommandLine} */ (mode === 'own' ? loadBundle('cli.cjs', /** @type {string} */ (folder)) : require(join(dist, 'cli.cjs')))
  const question = questionOfProcess()
  const stdout = fdWriter(1)
  const stderr = fdWriter(2)
  const stdin = { isTTY: question.stdinIsTTY, [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() }
  void cli.run(question.argv, { stdout, stderr, stdin, env: question.env, isTTY: question.stdoutIsTTY, columns: question.columns, cwd: question.cwd }).then((code) => finish(code, stdout, stderr))
}

/** What dist/cli.cjs exports (src/cli.ts). */
/** @typedef {{ run(argv: string[], io: import('../src/program.js').CliIO): Promise<number>, serve(options: import('../src/server.js').ServeOptions): void }} CommandLine */

/**
 * Ends the process with the command's status once everything is written: at once, rather than wait for the event
 * loop to wind down (timers and collections it would run first); output still queued on a stream is left to finish,
 * with the status set.
 */
function finish(/** @type {number} */ code, /** @type {FdWriter} */ stdout, /** @type {FdWriter} */ stderr) {
  if (stdout.streamed || stderr.streamed) process.exitCode = code
  else process.exit(code)
}

// ---------------------------------------------------------------------------------------------
// What the command takes from its process, whether it answers here or hands the question to its server: its
// arguments and folder, the environment variables it reads, whether standard input and output are terminals, and
// writers of standard output and error straight to their file descriptors, with no stream objects to set up.

/**
 * The environment variables the command line reads (src/style.ts: colour or not); a test checks that it reads no
 * other. The command is given only these, here and in the background server alike.
 */
const commandVariables = ['FORCE_COLOR', 'NO_COLOR', 'TERM']

/** This process's question: everything of it that the answer depends on, but standard input's contents. */
function questionOfProcess() {
  /** @type {Record<string, string>} */
  const env = {}
  for (const variable of commandVariables) {
    const value = process.env[variable]
    if (value !== undefined) env[variable] = value
  }
  const stdoutIsTTY = isTerminal(1)
  return { argv: process.argv.slice(2), cwd: process.cwd(), env, stdinIsTTY: isTerminal(0), stdoutIsTTY, columns: stdoutIsTTY ? process.stdout.columns : undefined }
}

/** @typedef {{ write(chunk: string): void, readonly streamed: boolean }} FdWriter */

/**
 * A writer of standard output (`fd` 1) or standard error (2). A reader that closes early (`nnsize … | head`) is not
 * an error: the process ends quietly with status 0, as `head` asked. A descriptor that would block (a non-blocking
 * pipe) hands the rest, and everything after it, to Node's stream, which finishes writing before the process exits.
 * @param {1 | 2} fd
 * @returns {FdWriter}
 */
function fdWriter(fd) {
  let useStream = false
  /** @type {NodeJS.WriteStream | undefined} */
  let opened
  const stream = () => {
    if (opened) return opened
    opened = fd === 1 ? process.stdout : process.stderr
    opened.on('error', (/** @type {NodeJS.ErrnoException} */ error) => {
      if (error.code === 'EPIPE') process.exit(0)
      throw error
    })
    return opened
  }
  return {
    write(chunk) {
      if (useStream) {
        stream().write(chunk)
        return
      }
      let bytes = Buffer.from(chunk, 'utf8')
      while (bytes.length > 0) {
        try {
          bytes = bytes.subarray(fs.writeSync(fd, bytes))
        } catch (error) {
          const code = /** @type {NodeJS.ErrnoException} */ (error).code
          if (code === 'EPIPE') process.exit(0)
          if (code !== 'EAGAIN') throw error
          useStream = true
          stream().write(bytes)
          return
        }
      }
    },
    /** Whether some output went to the stream, which may still be writing it. */
    get streamed() {
      return useStream
    },
  }
}

/** Linux's major device number of a `dev_t` (glibc's `gnu_dev_major`), from the number Node gives for it. */
function linuxMajor(/** @type {number} */ rdev) {
  return ((rdev >>> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff)
}

/**
 * Whether a descriptor is a terminal. Pipes and files answer from one fstat, and so do Linux's memory devices
 * (major 1: `/dev/null`, `/dev/zero`, where benchmarks and scripts send output); node:tty, and the streams it pulls
 * in, loads only for another character device.
 */
function isTerminal(/** @type {number} */ fd) {
  let info
  try {
    info = fs.fstatSync(fd)
  } catch {
    return false
  }
  if (!info.isCharacterDevice()) return false
  if (process.platform === 'linux' && linuxMajor(info.rdev) === 1) return false
  return require('node:tty').isatty(fd)
}

// ---------------------------------------------------------------------------------------------
// The background server (src/server.ts): after a question it answered itself, the command starts one process of the
// same build, detached, that stays for {@link serverIdleMs} after its last question; the next questions are handed to
// it and answered in a few milliseconds, without loading or compiling nnsize again. The server reads the files named
// on the command line itself, relative to the command's folder, and is given the environment variables the command
// reads ({@link commandVariables}), no others; a question that reads standard input is answered by the command itself. Question
// and answer are files in the cache folder (written as the code caches are: a new private file, renamed into place),
// which needs no socket, whose module costs a start more than the round trip. The server is used only when it is
// provably the same build, under the same checks as the code cache:
//   - everything lies in the cache folder, which must be the user's own (above): no other user can write or read
//     there; each file read must be a regular file of the current user, opened without following links;
//   - the files are named by a hash of the build: the Node binary and version, and the identity (device, inode, size,
//     modification and change times) of this file, bin/server.cjs and every bundle, read at each start; a question
//     carries the build in full, and the server answers only its own. A server ends when its files change or its
//     process-id file names another (checked every {@link serverCheckMs}), and when it has been idle for
//     {@link serverIdleMs}; a process-id file untouched for {@link serverStaleMs} is not trusted;
//   - its answer is written only once it is whole: when no server runs, none takes the question within
//     {@link serverTakeMs}, it declines, ends, or takes longer than {@link serverWaitMs}, the command answers the
//     question itself, and nothing was written before.
// Not on Windows.
//
//   NNSIZE_SERVER=0      never ask or start a server
//   NNSIZE_SERVER=only   ask the server and fail (status 70) when none answers: for checks and benchmarks

/** How long a server waits for a question before it ends. */
const serverIdleMs = 10 * 60 * 1000
/** How often a server checks that it is still the server of its build, touches its process-id file, and looks for questions it was not told of. */
const serverCheckMs = 1000
/** A process-id file untouched for this long is a server's that ended (or hangs). */
const serverStaleMs = 5 * serverCheckMs
/** How long a question may wait to be taken by a running server (which takes it as soon as it sees it) before the command answers it itself. */
const serverTakeMs = 1000
/** Longest wait for the server's answer to a question it took before the command answers the question itself. */
const serverWaitMs = 60 * 1000
/** Largest answer read from the server, in bytes. */
const maxServerReplyBytes = 512 * 1024 * 1024
/**
 * V8's flags for the server: it compiles and optimises sooner, which a long-lived process repays, and may collect its
 * garbage between questions. They are set when it starts, before any of nnsize is compiled, rather than given to
 * `node`, which refuses a flag its V8 does not know.
 */
const serverFlags = ['--maglev', '--always-sparkplug', '--no-lazy-feedback-allocation', '--expose-gc']
/** The server's scheduling priority (`nice`): below the commands that ask it. */
const serverNice = 10
/** The exit status when NNSIZE_SERVER=only and no server answered. */
const noServerStatus = 70
/** The bundles a server loads, and whose identity is part of its build. */
const bundleNames = ['cli.cjs', 'core.cjs', 'zoo.cjs', 'hf.cjs', 'weights.cjs', 'plan.cjs', 'libs.cjs']

/** Whether to use the server: `off`, `on` (ask it, answer here when it does not) or `only` (NNSIZE_SERVER=only). */
function serverSetting(/** @type {NodeJS.ProcessEnv} */ env) {
  const value = env.NNSIZE_SERVER
  if (value === 'only') return 'only'
  if (process.platform === 'win32' || value === '0' || value === 'off' || value === 'false' || value === 'no') return 'off'
  return 'on'
}

/**
 * The build this file would run: the Node binary and its version, and the identity of this file, bin/server.cjs and
 * each bundle (as {@link readBundle} identifies a file); undefined when one is missing or changed within
 * {@link settledMs}, when a server must not be trusted to run it.
 */
function buildIdentity() {
  const parts = [runtime, process.execPath]
  for (const file of [__filename, join(__dirname, 'server.cjs'), ...bundleNames.map((name) => join(dist, name))]) {
    let info
    try {
      info = fs.statSync(file, { bigint: true })
    } catch {
      return undefined
    }
    if (Date.now() - Number(info.ctimeMs) <= settledMs) return undefined
    parts.push(`${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`)
  }
  return parts.join(' ')
}

/** The text of `file` when it is a regular file of the current user of at most `maxBytes` bytes (see {@link readOwnFile}). */
function readOwnText(/** @type {string} */ file, /** @type {number} */ maxBytes) {
  return readOwnFile(file, 0, (fd, size) => readAt(fd, size, 0)?.toString('utf8'), maxBytes)
}

/**
 * Writes `text` to `file` through a new private file renamed into place ({@link writeFileParts}); throws when it cannot.
 * The temporary name needs no `node:crypto` ({@link temporaryNameOf}): this runs on a command's start, and only in a
 * folder no other user can write.
 */
function writeOwnText(/** @type {string} */ file, /** @type {string} */ text) {
  writeFileParts(file, [Buffer.from(text, 'utf8')], `${file}.${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}.tmp`)
}

/**
 * The process id of the server of the build named `name` in `folder`, when one runs: its process-id file names a
 * process that exists and was touched within {@link serverStaleMs} (a server touches it every {@link serverCheckMs}, so
 * that a process id used again by another program is not taken for it).
 */
function runningServer(/** @type {string} */ folder, /** @type {string} */ name) {
  const pid = readOwnFile(join(folder, `server-${name}.pid`), 1, (fd, size) => {
    const fresh = Date.now() - fs.fstatSync(fd).mtimeMs < serverStaleMs
    return fresh ? Number(readAt(fd, size, 0)?.toString('latin1')) : undefined
  }, 32)
  if (pid === undefined || !Number.isSafeInteger(pid) || pid <= 0) return undefined
  try {
    process.kill(pid, 0)
    return pid
  } catch {
    return undefined
  }
}

/** Sleeps `ms` milliseconds, holding the thread (the command has nothing else to do meanwhile). */
function sleep(/** @type {number} */ ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * Hands this process's question to the server `pid` of the build named `name` and waits for its reply (see above):
 * the reply, or undefined when the server did not take the question or ended before answering.
 */
function askServer(/** @type {string} */ folder, /** @type {string} */ name, /** @type {string} */ build, /** @type {number} */ pid) {
  let question
  try {
    question = questionOfProcess()
  } catch {
    // a folder removed under the command: it fails here as it would
    return undefined
  }
  const request = { protocol: 1, build, ...question }
  const base = join(folder, `ask-${name}-${process.pid}-${Math.random().toString(36).slice(2, 12)}`)
  try {
    writeOwnText(`${base}.req`, JSON.stringify(request))
  } catch {
    return undefined
  }
  const start = Date.now()
  let checked = start
  // polled often at first, when most answers come, then less (at most 2 ms apart for the first second, 10 ms after)
  for (let step = 0.1; ; step = Math.min(step * 1.1, Date.now() - start < 1000 ? 2 : 10)) {
    sleep(step)
    const text = readOwnText(`${base}.res`, maxServerReplyBytes)
    if (text !== undefined) {
      withdraw(`${base}.res`)
      try {
        return JSON.parse(text)
      } catch {
        return undefined
      }
    }
    const now = Date.now()
    if (now - start > serverTakeMs && withdraw(`${base}.req`)) return undefined
    if (now - start > serverWaitMs) return undefined
    if (now - checked > 100) {
      checked = now
      try {
        process.kill(pid, 0)
      } catch {
        withdraw(`${base}.req`)
        return undefined
      }
    }
  }
}

/** Removes a question no server took (or an answer read); false when it was taken meanwhile (or is gone). */
function withdraw(/** @type {string} */ file) {
  try {
    fs.unlinkSync(file)
    return true
  } catch {
    return false
  }
}

/** The exit status and writes of a server's answer; undefined for anything else (a declined question, a malformed reply). */
function answerOf(/** @type {unknown} */ reply) {
  if (typeof reply !== 'object' || reply === null) return undefined
  const { kind, code, writes } = /** @type {{ kind?: unknown, code?: unknown, writes?: unknown }} */ (reply)
  if (kind !== 'answer' || typeof code !== 'number' || !Number.isInteger(code) || code < 0 || code > 255 || !Array.isArray(writes)) return undefined
  const valid = writes.every((w) => Array.isArray(w) && w.length === 2 && (w[0] === 1 || w[0] === 2) && typeof w[1] === 'string')
  return valid ? { code, writes: /** @type {Array<[1 | 2, string]>} */ (writes) } : undefined
}

/** Whether `reply` is a server's refusal to answer (another build, standard input) rather than no reply. */
function isDeclined(/** @type {unknown} */ reply) {
  return typeof reply === 'object' && reply !== null && /** @type {{ kind?: unknown }} */ (reply).kind === 'declined'
}

/** Writes a server's answer and ends with its status. */
function writeAnswer(/** @type {{ code: number, writes: Array<[1 | 2, string]> }} */ answer) {
  const writers = { 1: fdWriter(1), 2: fdWriter(2) }
  for (const [fd, text] of answer.writes) writers[fd].write(text)
  finish(answer.code, writers[1], writers[2])
}

/**
 * Starts a server (bin/server.cjs), detached from this process and its terminal. The first time in a cache folder,
 * and only when standard error is a terminal, it says so.
 */
function startServer(/** @type {string} */ folder) {
  if (!isOwnFolder(folder)) return
  try {
    const { spawn } = require('node:child_process')
    spawn(process.execPath, [join(__dirname, 'server.cjs')], { detached: true, stdio: 'ignore', cwd: folder, env: process.env }).unref()
  } catch {
    // without a server, the next question is answered here again
    return
  }
  const told = join(folder, 'server-noticed')
  if (!isMissing(told) || !isTerminal(2)) return
  try {
    writeOwnText(told, '')
    fs.writeSync(2, `nnsize: started a background nnsize process that answers the next questions faster; it ends after ${serverIdleMs / 60000} idle minutes (NNSIZE_SERVER=0 turns it off)\n`)
  } catch {
    // said the next time
  }
}

/** Starts the command line: through the server when one of this build answers, otherwise here (see {@link runHere}). */
function main() {
  const folder = compileCacheFolder(process.env)
  const setting = folder === undefined ? 'off' : serverSetting(process.env)
  const build = setting === 'off' ? undefined : buildIdentity()
  if (setting === 'off' || folder === undefined || build === undefined) {
    if (setting === 'only') return noServer()
    return runHere(folder)
  }
  const name = hashOf(build)
  const pid = isOwnFolder(folder) ? runningServer(folder, name) : undefined
  const reply = pid === undefined ? undefined : askServer(folder, name, build, pid)
  const answer = answerOf(reply)
  if (answer !== undefined) return writeAnswer(answer)
  if (setting === 'only') return noServer()
  runHere(folder)
  // when no server answered (rather than one that declined), one is started for the next questions: only once a real
  // question was answered here (the core loaded), and after the code caches are written
  if (!isDeclined(reply)) process.once('exit', () => (loaded.has('core.cjs') || require.cache[join(dist, 'core.cjs')] !== undefined) && startServer(folder))
}

/** Ends the command when NNSIZE_SERVER=only and no server answered. */
function noServer() {
  fs.writeSync(2, 'nnsize: NNSIZE_SERVER=only, and no nnsize server of this build answered\n')
  process.exit(noServerStatus)
}

/**
 * Runs as the server (bin/server.cjs): says so in its process-id file, loads every bundle, checks that the build did
 * not change meanwhile, and serves this build's questions in the cache folder (see above). Ends at once when the
 * folder is not the user's own, the build cannot be identified, or a server of the build runs already.
 */
function serveHere() {
  const folder = compileCacheFolder(process.env)
  const build = buildIdentity()
  if (process.platform === 'win32' || folder === undefined || build === undefined || !ownFolder(folder)) return
  const name = hashOf(build)
  if (runningServer(folder, name) !== undefined) return
  // said at once, before the bundles load: commands hand their questions over meanwhile, and start no other server
  try {
    writeOwnText(join(folder, `server-${name}.pid`), String(process.pid))
  } catch {
    return
  }
  // named in the process list (`ps`, `pkill -f 'nnsize server'`) rather than by its script's path
  process.title = 'nnsize server'
  // below the commands that ask it: its warm-up never slows their start, and while it answers, the command waits
  try {
    require('node:os').setPriority(serverNice)
  } catch {
    // a system that refuses keeps the server's priority as it is
  }
  try {
    require('node:v8').setFlagsFromString(serverFlags.join(' '))
  } catch {
    // a V8 without them compiles as usual
  }
  // it neither reads nor writes code caches: V8 refuses a cache made under other flags ({@link serverFlags}), and after
  // its many questions a cache of all it compiled would be larger, and slower to read, than a command answering for
  // itself needs; nor does it keep syntax trees, since it parses a file faster warm than it reads a kept tree
  useCodeCache = false
  const cli = /** @type {CommandLine} */ (loadBundle('cli.cjs', folder))
  for (const name of bundleNames) loadBundle(name, folder)
  if (buildIdentity() !== build) return
  cli.serve({ folder, name, build, currentBuild: buildIdentity, idleMs: serverIdleMs, checkMs: serverCheckMs, readOwnFile: readOwnText, writeOwnFile: writeOwnText })
}

if (require.main === module) main()
else module.exports = { serveHere, commandVariables, fdWriter, isTerminal, linuxMajor, buildIdentity, hashOf, serverSetting, answerOf, noServerStatus, serverTakeMs, isOwnFolder, ownFolder, readBundle, readCacheFile, writeCacheFile, textHashOf, magic, maxCacheBytes, settledMs, cacheMode, mayHaveCompileCache, keptEntries, keptFileName, readKeptFile, writeKept, keptMagic, maxKeptEntries }
