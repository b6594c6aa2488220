import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { completionScript, shells } from './completion.js'

const hasShell = (name: string): boolean => spawnSync(name, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0

describe('completionScript', () => {
  it('offers every flag in every shell', () => {
    for (const shell of shells) {
      const script = completionScript(shell, ['resnet50'])
      for (const flag of ['input', 'json', 'optimizer', 'units', 'help']) expect(script).toContain(shell === 'fish' ? `-l ${flag}` : `--${flag}`)
      expect(script).toContain('resnet50')
    }
  })
  it('offers the choices of --device and --units', () => {
    expect(completionScript('bash', [])).toContain('--device) COMPREPLY=( $(compgen -W "cpu cuda" -- "$cur") ); return ;;')
    expect(completionScript('zsh', [])).toContain("'--units[iec (MiB, GiB) or si (MB, GB)\\: the byte units shown first]:value:(iec si)'")
    expect(completionScript('fish', [])).toContain("complete -c nnsize -l device -x -a 'cpu cuda'")
  })
  it('writes a bash script that bash parses', () => {
    const result = spawnSync('bash', ['-n'], { input: completionScript('bash', ['resnet50']), encoding: 'utf8' })
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
  })
  it.skipIf(!hasShell('zsh'))('writes a zsh script that zsh parses', () => {
    const result = spawnSync('zsh', ['-n'], { input: completionScript('zsh', ['resnet50']), encoding: 'utf8' })
    expect(result.status).toBe(0)
  })
  it.skipIf(!hasShell('fish'))('writes a fish script that fish parses', () => {
    const result = spawnSync('fish', ['--no-execute'], { input: completionScript('fish', ['resnet50']), encoding: 'utf8' })
    expect(result.status).toBe(0)
  })
})
