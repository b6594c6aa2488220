import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bin, settled } from './helpers.js'

// `script` (util-linux) runs a command in a real pseudo-terminal, with the width set by `stty`.
const hasScript = spawnSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore' }).status === 0

const model = 'nn.Sequential(nn.Conv2d(3, 64, 7, stride=2, padding=3), nn.ReLU(), nn.Sequential(nn.Conv2d(64, 128, 3, padding=1), nn.ReLU()))'

/** Runs nnsize in a pseudo-terminal `columns` wide; returns what the terminal showed and the exit code. */
function inTerminal(args: string, columns: number, env: Record<string, string | undefined> = {}): { screen: string; code: number | null } {
  const environment: Record<string, string> = {}
  for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm-256color', ...env })) if (v !== undefined) environment[k] = v
  const command = `stty cols ${columns} rows 60; exec "${process.execPath}" "${bin}" ${args}`
  const result = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: environment, timeout: 30_000 })
  return { screen: result.stdout.replace(/\r/g, ''), code: result.status }
}

const visible = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '')

describe.skipIf(!hasScript)('nnsize in a real terminal', () => {
  it('colours the report and fits it to 72 columns', () => {
    const { screen, code } = inTerminal(`'${model}' --input 8,3,224,224`, 72)
    expect(code).toBe(0)
    expect(screen).toContain('\u001b[1m\u001b[32m83,328\u001b[39m\u001b[22m')
    expect(screen).toContain('\u001b[36mConv2d\u001b[39m')
    const lines = visible(screen).trimEnd().split('\n')
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(72)
    expect(lines.some((l) => l.includes('…'))).toBe(true)
  })

  it('uses the room of a wide terminal', () => {
    const { screen } = inTerminal(`'${model}' --input 8,3,224,224`, 160)
    const text = visible(screen)
    expect(text).toContain(model)
    expect(text).toMatch(/Module +Type +Output shape +Params +% +MACs +Activations/)
    expect(text).not.toContain('…')
  })

  it('stays plain with NO_COLOR', () => {
    const { screen } = inTerminal("'Conv2d(128, 256, 3)'", 100, { NO_COLOR: '1' })
    expect(screen).toContain('295,168')
    expect(screen).not.toContain('\u001b[')
  })

  it('does not wait for a terminal to type input', () => {
    const { screen, code } = inTerminal('', 100)
    expect(code).toBe(2)
    expect(screen).toContain('nnsize: no input: give an expression, a model name or a file')
  })

  it('answers through its background server as it answers itself, and says once that the server started', { timeout: 60_000 }, async () => {
    await settled()
    const folder = mkdtempSync(join(tmpdir(), 'nnsize-tty-server-'))
    try {
      const args = `'${model}' --input 8,3,224,224`
      const here = inTerminal(args, 72, { NNSIZE_COMPILE_CACHE: folder, NNSIZE_SERVER: undefined })
      const notice = 'nnsize: started a background nnsize process that answers the next questions faster; it ends after 10 idle minutes (NNSIZE_SERVER=0 turns it off)\n'
      expect(here.code).toBe(0)
      expect(here.screen.endsWith(notice)).toBe(true)
      for (let waited = 0; waited < 20_000 && !readdirSync(folder).some((f) => f.endsWith('.pid')); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100))
      const served = inTerminal(args, 72, { NNSIZE_COMPILE_CACHE: folder, NNSIZE_SERVER: 'only' })
      expect(served.code).toBe(0)
      expect(served.screen).toBe(here.screen.slice(0, -notice.length))
      expect(served.screen).toContain('\u001b[1m\u001b[32m83,328\u001b[39m\u001b[22m')
      // said once: a later question answered here says nothing of it
      expect(inTerminal(args, 72, { NNSIZE_COMPILE_CACHE: folder, NNSIZE_SERVER: '0' }).screen).toBe(served.screen)
      expect(existsSync(join(folder, 'server-noticed'))).toBe(true)
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })
})
