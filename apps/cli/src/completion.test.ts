import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { completionScript, shells } from './completion.js'
import { optionSpecs } from './options.js'

const hasShell = (name: string): boolean => spawnSync(name, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0

describe('completionScript', () => {
  it('offers every flag in every shell', () => {
    for (const shell of shells) {
      const script = completionScript(shell, optionSpecs, ['resnet50'])
      for (const flag of ['input', 'model', 'call', 'root', 'json', 'optimizer', 'units', 'help']) expect(script).toContain(shell === 'fish' ? `-l ${flag}` : `--${flag}`)
      expect(script).toContain('resnet50')
    }
  })
  it('offers the choices of --device and --units', () => {
    expect(completionScript('bash', optionSpecs, [])).toContain('--device) COMPREPLY=( $(compgen -W "cpu cuda" -- "$cur") ); return ;;')
    expect(completionScript('zsh', optionSpecs, [])).toContain("'--units[iec (MiB, GiB) or si (MB, GB)\\: the byte units shown first]:value:(iec si)'")
    expect(completionScript('fish', optionSpecs, [])).toContain("complete -c nnsize -l device -x -a 'cpu cuda'")
  })
  it('offers files and folders for the input and for --compare (weight files, model folders)', () => {
    expect(completionScript('bash', optionSpecs, [])).toContain('--compare) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;')
    expect(completionScript('bash', optionSpecs, [])).toContain('--root) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;')
    expect(completionScript('zsh', optionSpecs, [])).toContain(':value:_files')
    expect(completionScript('zsh', optionSpecs, [])).toContain('"files:file (weights, a model folder, config.json, text):_files"')
    expect(completionScript('fish', optionSpecs, [])).toMatch(/complete -c nnsize -l compare -r -d '[^']*weight file/)
  })
  it('writes a bash script that bash parses', () => {
    const result = spawnSync('bash', ['-n'], { input: completionScript('bash', optionSpecs, ['resnet50']), encoding: 'utf8' })
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
  })
  it.skipIf(!hasShell('zsh'))('writes a zsh script that zsh parses', () => {
    const result = spawnSync('zsh', ['-n'], { input: completionScript('zsh', optionSpecs, ['resnet50']), encoding: 'utf8' })
    expect(result.status).toBe(0)
  })
  it.skipIf(!hasShell('fish'))('writes a fish script that fish parses', () => {
    const result = spawnSync('fish', ['--no-execute'], { input: completionScript('fish', optionSpecs, ['resnet50']), encoding: 'utf8' })
    expect(result.status).toBe(0)
  })
})
