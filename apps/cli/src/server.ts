// The background server: one long-lived process of the same build that answers the command line's questions, so that
// a question asked again soon after costs a start of Node and a file round trip rather than loading and compiling
// nnsize each time. bin/server.cjs starts it (bin/nnsize.cjs spawns that, detached, after a question it answered
// itself); bin/nnsize.cjs asks it. The launcher's header says when it is used and what is checked.
//
// Questions and answers are files in the user's own cache folder, so that the command needs no socket (node:net and
// the streams it loads cost a start more than the round trip): the command writes `ask-<build>-<id>.req`, the server
// takes it (renames it to `.taken`, which only one server can do), answers, and writes `ask-<build>-<id>.res`, which
// the command reads and removes. Questions are answered one at a time, in the order they were taken.
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync, utimesSync, watch } from 'node:fs'
import { dirname, join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { run } from './program.js'

/** What the client sends: the question, and everything of its process that the answer depends on. */
export interface ServerRequest {
  protocol: typeof protocol
  /** The build the client would run (the launcher's `buildIdentity`); the server answers only for its own. */
  build: string
  argv: string[]
  cwd: string
  env: Record<string, string>
  stdinIsTTY: boolean
  stdoutIsTTY: boolean
  columns: number | undefined
}

/**
 * What the server sends back: the answer (the exit status and the text written to standard output, 1, and standard
 * error, 2, in the order it was written), or why it declined, in which case the client answers the question itself:
 * `build` — another build; `stdin` — the question reads standard input, which only the client has; `request` — not a
 * request this server reads.
 */
export type ServerReply = { kind: 'answer'; code: number; writes: Array<[1 | 2, string]> } | { kind: 'declined'; reason: 'build' | 'stdin' | 'request' }

/** The version of the request and reply formats; a client and server of one build always agree on it. */
export const protocol = 1
/** Largest request read, in bytes: the arguments and the environment. */
export const maxRequestBytes = 4 * 1024 * 1024
/** Question files older than this are left over from a command or server that ended, and are removed. */
const leftoverMs = 2 * 60 * 1000

/** How a server runs: its files, its build and its timing, and the launcher's checked file access. */
export interface ServeOptions {
  /** The user's own cache folder, where the questions, answers and the server's process id lie. */
  folder: string
  /** The hash of {@link build} that names this build's files there: `ask-<name>-…`, `server-<name>.pid`. */
  name: string
  /** The build it runs, as the launcher identified it before loading its bundles. */
  build: string
  /** The build installed now: when it differs from {@link build}, the server ends. */
  currentBuild(): string | undefined
  /** How long the server waits for a question before it ends, in milliseconds. */
  idleMs: number
  /** How often it checks its process-id file and the build, touches the file, and scans for questions it was not told of, in milliseconds. */
  checkMs: number
  /** The text of `path` when it is a regular file of the current user of at most `maxBytes` bytes (never a link). */
  readOwnFile(path: string, maxBytes: number): string | undefined
  /** Writes `text` to `path`, through a new private file renamed into place. */
  writeOwnFile(path: string, text: string): void
}

/**
 * A small model file of the usual shape: a config dataclass, a norm with its own parameters, attention with a causal
 * buffer, blocks in a loop inside a ModuleDict, tied embeddings, weights initialised through `apply` and a loop over
 * `named_parameters`, a parameter count printed.
 */
const warmUpModel = `import math
from dataclasses import dataclass
import torch
import torch.nn as nn
import torch.nn.functional as F

@dataclass
class Config:
    vocab: int = 64
    context: int = 16
    width: int = 32
    heads: int = 4
    layers: int = 3
    bias: bool = True

class Norm(nn.Module):
    def __init__(self, width, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.bias = nn.Parameter(torch.zeros(width)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)

class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        assert c.width % c.heads == 0
        self.qkv = nn.Linear(c.width, 3 * c.width, bias=c.bias)
        self.out = nn.Linear(c.width, c.width, bias=c.bias)
        self.drop = nn.Dropout(0.1)
        self.heads = c.heads
        self.register_buffer("mask", torch.tril(torch.ones(c.context, c.context)).view(1, 1, c.context, c.context), persistent=False)

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.qkv(x).split(C, dim=2)
        q = q.view(B, T, self.heads, C // self.heads).transpose(1, 2)
        k = k.view(B, T, self.heads, C // self.heads).transpose(1, 2)
        v = v.view(B, T, self.heads, C // self.heads).transpose(1, 2)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.drop(self.out(y.transpose(1, 2).contiguous().view(B, T, C)))

class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm1 = Norm(c.width, bias=c.bias)
        self.attn = Attention(c)
        self.norm2 = Norm(c.width, bias=c.bias)
        self.mlp = nn.Sequential(nn.Linear(c.width, 4 * c.width), nn.GELU(), nn.Linear(4 * c.width, c.width), nn.Dropout(0.1))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))

class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.parts = nn.ModuleDict(dict(
            embed=nn.Embedding(c.vocab, c.width),
            position=nn.Embedding(c.context, c.width),
            blocks=nn.ModuleList([Block(c) for _ in range(c.layers)]),
            norm=Norm(c.width, bias=c.bias),
        ))
        self.head = nn.Linear(c.width, c.vocab, bias=False)
        self.parts.embed.weight = self.head.weight
        self.apply(self._init_weights)
        for name, p in self.named_parameters():
            if name.endswith("out.weight"):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * c.layers))
        print("parameters: %.2fK" % (self.count() / 1e3,))

    def count(self):
        return sum(p.numel() for p in self.parameters())

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx):
        b, t = idx.size()
        x = self.parts.embed(idx) + self.parts.position(torch.arange(0, t, dtype=torch.long))
        for block in self.parts.blocks:
            x = block(x)
        return self.head(self.parts.norm(x)[:, [-1], :])

model = Net(Config())
`

/** A small Hugging Face config.json of the usual kind (a Llama), read as a question about a model folder's config is. */
const warmUpConfig = JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 256, intermediate_size: 688, num_hidden_layers: 4, num_attention_heads: 8, num_key_value_heads: 4, vocab_size: 1000, max_position_embeddings: 512, torch_dtype: 'bfloat16' })

/** The files of the warm-up, in a folder of their own in the cache folder: a model file, the same as a package, a config. */
const warmUpFiles: Readonly<Record<string, string>> = {
  'model.py': warmUpModel,
  'package/__init__.py': 'from .net import Net, Config\n\nmodel = Net(Config(layers=2))\n',
  'package/net.py': warmUpModel.replace('\nmodel = Net(Config())\n', '\n'),
  'config.json': warmUpConfig,
}

/**
 * Questions the server asks itself when no question waits, in turn, each `rounds` times in all, so that V8 has
 * compiled and optimised the common paths (an expression, a model file and a package, a forward pass, a config, a
 * memory plan) before the user's next questions; the answers are dropped. A second or two of work, in small questions,
 * so that a question of a command waits little behind one.
 */
const warmUpQuestions: ReadonlyArray<{ argv: readonly string[]; rounds: number }> = [
  { argv: ['Conv2d(128, 256, 3)'], rounds: 20 },
  { argv: ['model.py'], rounds: 100 },
  { argv: ['model.py', '--model', 'Net(Config(layers=6))'], rounds: 30 },
  { argv: ['package/'], rounds: 40 },
  { argv: ['model.py', '--input', '2,16:int64', '--json'], rounds: 30 },
  { argv: ['config.json'], rounds: 30 },
  { argv: ['Linear(4096, 4096)', '--optimizer', 'AdamW', '--precision', 'bf16-mixed', '--json'], rounds: 10 },
]

/** The warm-up's questions in turn (one of each kind while it has rounds left), run in `folder`. */
function warmUpTasks(folder: string): Array<() => Promise<void>> {
  const tasks: Array<() => Promise<void>> = []
  const most = Math.max(...warmUpQuestions.map((q) => q.rounds))
  for (let round = 0; round < most; round++) for (const q of warmUpQuestions) if (round < q.rounds) tasks.push(() => warmUp(q.argv, folder))
  return tasks
}

/**
 * Serves this build's questions in `options.folder` until it has been idle for `options.idleMs`, its process-id file
 * names another server, or the build changes; the questions it took are answered first. The launcher has checked
 * that no other server of the build runs; should two start at once, the one whose process id the file keeps stays.
 */
export function serve(options: ServeOptions): void {
  const pidFile = join(options.folder, `server-${options.name}.pid`)
  const ownId = String(process.pid)
  // the launcher wrote it before loading the bundles, so that commands hand their questions over meanwhile
  if (options.readOwnFile(pidFile, 32) !== ownId) options.writeOwnFile(pidFile, ownId)
  const question = new RegExp(`^ask-${options.name}-[0-9a-z-]{1,64}\\.req$`)
  // questions are answered one at a time, each in a turn of the event loop of its own, so that new questions are
  // taken meanwhile; the warm-up runs only when no question waits
  const questions: Array<() => Promise<void>> = []
  const warmUps = writeWarmUpFiles(options) ? warmUpTasks(join(options.folder, warmUpFolder)) : []
  let busy = false
  let stopping = false
  let idle: NodeJS.Timeout | undefined
  const end = () => {
    if (options.readOwnFile(pidFile, 32) === ownId) rmSync(pidFile, { force: true })
    process.exit(0)
  }
  /** Takes no more questions, and ends once those taken are answered. */
  const stop = () => {
    stopping = true
    if (!busy && questions.length === 0) end()
  }
  const restartIdle = () => {
    clearTimeout(idle)
    idle = busy || questions.length > 0 ? undefined : setTimeout(stop, options.idleMs)
  }
  const collect = collector()
  const pump = () => {
    if (busy) return
    const task = questions.shift() ?? (stopping ? undefined : warmUps.shift())
    if (task === undefined) return stopping ? end() : restartIdle()
    busy = true
    clearTimeout(idle)
    setImmediate(() => {
      void task()
        .catch(() => undefined)
        .then(() => {
          // the garbage of a question is collected before the next, when none waits, rather than during it
          if (questions.length === 0) collect?.()
          busy = false
          pump()
        })
    })
  }

  /** Takes the question in `file` when it is one of this build's and no one took it yet, and queues its answer. */
  const take = (file: string) => {
    if (stopping || !question.test(file)) return
    const asked = join(options.folder, file)
    const taken = `${asked.slice(0, -'.req'.length)}.taken`
    try {
      renameSync(asked, taken)
    } catch {
      return
    }
    const text = options.readOwnFile(taken, maxRequestBytes)
    rmSync(taken, { force: true })
    const reply = `${asked.slice(0, -'.req'.length)}.res`
    const request = text === undefined ? undefined : requestOf(text)
    if (request === undefined || request.build !== options.build) {
      return options.writeOwnFile(reply, JSON.stringify({ kind: 'declined', reason: request === undefined ? 'request' : 'build' } satisfies ServerReply))
    }
    questions.push(async () => options.writeOwnFile(reply, JSON.stringify(await answer(request))))
    pump()
  }
  /** Takes the questions the watcher did not report, and removes files left over by commands and servers that ended. */
  const scan = () => {
    const now = Date.now()
    for (const file of readdirSync(options.folder)) {
      if (!file.startsWith('ask-')) continue
      if (question.test(file)) take(file)
      else if (now - (lstatSync(join(options.folder, file), { throwIfNoEntry: false })?.mtimeMs ?? now) > leftoverMs) rmSync(join(options.folder, file), { force: true })
    }
  }

  watch(options.folder, (_, file) => {
    if (typeof file === 'string') take(file)
  }).on('error', stop)
  scan()
  pump()
  setInterval(() => {
    // the process-id file, touched at each check, tells commands that this server still runs
    if (options.readOwnFile(pidFile, 32) !== ownId || options.currentBuild() !== options.build) return stop()
    const now = new Date()
    utimesSync(pidFile, now, now)
    scan()
  }, options.checkMs)
}

/**
 * A young-generation collection of V8, run between questions; undefined where V8 does not expose it. The launcher sets
 * `--expose-gc` with the server's other flags, which only a new context sees.
 */
function collector(): (() => void) | undefined {
  try {
    const gc = runInNewContext('gc') as unknown
    return typeof gc === 'function' ? () => (gc as (options: { type: 'minor' }) => void)({ type: 'minor' }) : undefined
  } catch {
    return undefined
  }
}

/** The request in `text`, or undefined when it is not one this server reads. */
function requestOf(text: string): ServerRequest | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const r = value as Partial<ServerRequest>
  const strings = (list: unknown): list is string[] => Array.isArray(list) && list.every((item) => typeof item === 'string')
  const env = r.env as unknown
  const isEnv = typeof env === 'object' && env !== null && !Array.isArray(env) && Object.values(env).every((item) => typeof item === 'string')
  const isColumns = r.columns === undefined || (Number.isSafeInteger(r.columns) && (r.columns as number) > 0)
  const valid = r.protocol === protocol && typeof r.build === 'string' && strings(r.argv) && typeof r.cwd === 'string' && isEnv && typeof r.stdinIsTTY === 'boolean' && typeof r.stdoutIsTTY === 'boolean' && isColumns
  return valid ? (r as ServerRequest) : undefined
}

/** Answers `request` as the command line would in the client's process; declined when it reads standard input. */
async function answer(request: ServerRequest): Promise<ServerReply> {
  const writes: Array<[1 | 2, string]> = []
  const writer = (fd: 1 | 2) => ({
    write(chunk: string) {
      const last = writes.at(-1)
      if (last !== undefined && last[0] === fd) last[1] += chunk
      else writes.push([fd, chunk])
    },
  })
  let readsStdin = false
  const code = await run(request.argv, {
    stdout: writer(1),
    stderr: writer(2),
    stdin: {
      isTTY: request.stdinIsTTY,
      [Symbol.asyncIterator]: () => {
        readsStdin = true
        throw new Error('standard input is read by the command line itself')
      },
    },
    env: request.env,
    isTTY: request.stdoutIsTTY,
    columns: request.columns,
    cwd: request.cwd,
  })
  return readsStdin ? { kind: 'declined', reason: 'stdin' } : { kind: 'answer', code, writes }
}

/** The folder of the warm-up's files, in the cache folder. */
const warmUpFolder = 'server-warm-up'

/** Writes the warm-up's files (each a new private file renamed into place); false when it cannot. */
function writeWarmUpFiles(options: ServeOptions): boolean {
  try {
    for (const [path, text] of Object.entries(warmUpFiles)) {
      const file = join(options.folder, warmUpFolder, path)
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
      options.writeOwnFile(file, text)
    }
    return true
  } catch {
    return false
  }
}

/** Asks one warm-up question in `folder`, its answer dropped. */
async function warmUp(argv: readonly string[], folder: string): Promise<void> {
  const sink = { write: () => undefined }
  await run([...argv], { stdout: sink, stderr: sink, stdin: undefined, env: {}, isTTY: false, columns: undefined, cwd: folder })
}

