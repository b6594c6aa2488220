#!/usr/bin/env node
// Runs the `--verify` script nnsize prints for every reference case under a real PyTorch, and reports which pass.
//
//   pnpm build
//   node scripts/verify-reference.mjs --python /path/to/python [--torch 2.13] [--ids lstm/004,new/rmsnorm/001]
//       [--files layers.jsonl,torchvision.jsonl,torch2/layers.jsonl] [--max-bytes 1073741824] [--json]
//
// Cases are read from ../shared/reference (or $NNSIZE_REFERENCE_DIR), analysed with the cpu profile of the chosen
// PyTorch release (default: nnsize's default, 2.13), and their scripts run in one Python process (PyTorch is
// imported once). Cases whose model would allocate more than --max-bytes of parameters and buffers are skipped.
// Exit status: 0 when every script ran and printed "all checks passed", 1 otherwise.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const { analyze, verifySnippet } = await import(resolve(root, 'packages/core/dist/index.js'))

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`)
  return at === -1 ? fallback : process.argv[at + 1]
}

const python = option('python', 'python3')
const torch = option('torch', undefined)
const ids = option('ids', undefined)?.split(',')
const files = option('files', 'layers.jsonl,torchvision.jsonl,torch2/layers.jsonl').split(',')
const maxBytes = BigInt(option('max-bytes', String(2 ** 30)))
const referenceDir = process.env.NNSIZE_REFERENCE_DIR ?? resolve(root, '../shared/reference')

const cases = files.flatMap((file) =>
  readFileSync(resolve(referenceDir, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ({ file, ...JSON.parse(line) })),
)
const selected = ids ? cases.filter((c) => ids.includes(c.id)) : cases
if (ids && selected.length !== new Set(ids).size) throw new Error(`unknown case ids: ${ids.filter((id) => !cases.some((c) => c.id === id)).join(', ')}`)

const dir = mkdtempSync(join(tmpdir(), 'nnsize-verify-'))
const results = []
const scripts = []
for (const c of selected) {
  const input = c.input_shapes ?? (c.input_shape ? [c.input_shape] : undefined)
  let analysis
  try {
    // A Hugging Face case holds its config.json instead of an expression.
    analysis = analyze(c.expr ?? c.config, { ...(input ? { input, device: 'cpu' } : {}), ...(torch ? { torch } : {}) })
  } catch (error) {
    results.push({ id: c.id, file: c.file, status: 'not analysed', message: error.message })
    continue
  }
  if (analysis.params.bytes + analysis.buffers.bytes > maxBytes) {
    results.push({ id: c.id, file: c.file, status: 'skipped', message: `allocates ${analysis.params.bytes + analysis.buffers.bytes} bytes` })
    continue
  }
  const path = join(dir, `case${scripts.length}.py`)
  writeFileSync(path, verifySnippet(analysis))
  scripts.push({ id: c.id, file: c.file, path })
}

// One Python process runs every script in a fresh namespace and reports each on one JSON line.
const driver = join(dir, 'driver.py')
writeFileSync(
  driver,
  `import contextlib, io, json, runpy, sys, traceback
import torch
torch.manual_seed(0)
for line in sys.stdin:
    case = json.loads(line)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            torch.manual_seed(0)
            runpy.run_path(case["path"], run_name="__main__")
        status = "passed" if "all checks passed" in out.getvalue() else "failed"
        message = out.getvalue().strip().splitlines()[-1:] or [""]
        print(json.dumps({"id": case["id"], "status": status, "message": message[0]}), flush=True)
    except BaseException as error:
        print(json.dumps({"id": case["id"], "status": "failed", "message": f"{type(error).__name__}: {error}"}), flush=True)
`,
)
const version = execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim()
if (scripts.length > 0) {
  const output = execFileSync(python, [driver], { input: scripts.map((s) => JSON.stringify(s)).join('\n'), encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'ignore'] })
  const byId = new Map(output.split('\n').filter((l) => l.startsWith('{')).map((l) => { const r = JSON.parse(l); return [r.id, r] }))
  for (const s of scripts) results.push({ id: s.id, file: s.file, ...(byId.get(s.id) ?? { status: 'failed', message: 'the script did not report (the process ended)' }) })
}
rmSync(dir, { recursive: true, force: true })

const count = (status) => results.filter((r) => r.status === status).length
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ python, torch: version, results }, null, 2))
} else {
  for (const r of results) if (r.status !== 'passed') console.log(`${r.status.padEnd(12)} ${r.file} ${r.id}: ${r.message}`)
  console.log(`PyTorch ${version}: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped, ${count('not analysed')} not analysed (of ${results.length})`)
}
process.exitCode = count('failed') + count('not analysed') > 0 ? 1 : 0
