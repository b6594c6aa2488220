import type { OptionSpec } from './options.js'

/** Shells `nnsize completion <shell>` writes a script for. */
export const shells = ['bash', 'zsh', 'fish'] as const
export type Shell = (typeof shells)[number]

interface Flag {
  long: string
  short?: string | undefined
  takesValue: boolean
  choices: readonly string[]
  description: string
  /** Its value is a path. */
  files: boolean
}

function flags(specs: readonly OptionSpec[]): Flag[] {
  const list: Flag[] = specs.map((o: OptionSpec) => ({
    long: /--[\w-]+/.exec(o.flags)![0],
    short: /^-(\w),/.exec(o.flags)?.[1],
    takesValue: o.flags.includes('<'),
    choices: o.choices ?? [],
    description: o.description,
    files: o.files === true,
  }))
  list.push({ long: '--help', short: 'h', takesValue: false, choices: [], description: 'show the help', files: false }, { long: '--version', short: 'v', takesValue: false, choices: [], description: 'print the version', files: false })
  return list
}

function shellWords(words: readonly string[]): string {
  return words.join(' ')
}

function bash(specs: readonly OptionSpec[], modelNames: readonly string[]): string {
  const all = flags(specs)
  const valueFlags = all.filter((f) => f.takesValue && !f.files).flatMap((f) => [f.long, ...(f.short ? [`-${f.short}`] : [])])
  const choiceCases = [
    ...all.filter((f) => f.choices.length > 0).map((f) => `    ${f.long}) COMPREPLY=( $(compgen -W "${shellWords(f.choices)}" -- "$cur") ); return ;;`),
    ...all.filter((f) => f.files).map((f) => `    ${f.long}) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;`),
  ].join('\n')
  return `# bash completion for nnsize. Install: nnsize completion bash > ~/.local/share/bash-completion/completions/nnsize
_nnsize() {
  local cur prev
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [[ "\${COMP_WORDS[1]}" == completion && $COMP_CWORD -eq 2 ]]; then
    COMPREPLY=( $(compgen -W "bash zsh fish" -- "$cur") ); return
  fi
  case "$prev" in
${choiceCases}
    ${valueFlags.join('|')}) return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "${shellWords(all.map((f) => f.long))}" -- "$cur") )
  else
    COMPREPLY=( $(compgen -W "${shellWords(['completion', ...modelNames])}" -- "$cur") $(compgen -f -- "$cur") )
  fi
}
complete -o filenames -F _nnsize nnsize
`
}

function zshQuote(text: string): string {
  return text.replace(/'/g, "'\\''").replace(/\[/g, '\\[').replace(/\]/g, '\\]').replace(/:/g, '\\:')
}

function zsh(options: readonly OptionSpec[], modelNames: readonly string[]): string {
  const specs = flags(options).map((f) => {
    const action = f.takesValue ? (f.choices.length > 0 ? `:value:(${f.choices.join(' ')})` : f.files ? ':value:_files' : ':value: ') : ''
    const desc = `[${zshQuote(f.description)}]${action}`
    return f.short ? `    '(-${f.short} ${f.long})'{-${f.short},${f.long}}'${desc}'` : `    '${f.long}${desc}'`
  })
  return `#compdef nnsize
# zsh completion for nnsize. Install: nnsize completion zsh > "\${fpath[1]}/_nnsize"
_nnsize() {
  if (( CURRENT == 3 )) && [[ \${words[2]} == completion ]]; then
    _values 'shell' bash zsh fish
    return
  fi
  _arguments -s \\
${specs.join(' \\\n')} \\
    '1:input:{_alternative "models:model:(completion ${modelNames.join(' ')})" "files:file (weights, a model folder, config.json, text):_files"}'
}
if [[ "\${funcstack[1]}" == _nnsize ]]; then _nnsize "$@"; else compdef _nnsize nnsize; fi
`
}

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

function fish(specs: readonly OptionSpec[], modelNames: readonly string[]): string {
  const lines = flags(specs).map((f) => {
    const parts = ['complete -c nnsize', `-l ${f.long.slice(2)}`]
    if (f.short) parts.push(`-s ${f.short}`)
    if (f.takesValue) parts.push(f.choices.length > 0 ? `-x -a ${fishQuote(f.choices.join(' '))}` : '-r')
    parts.push(`-d ${fishQuote(f.description)}`)
    return parts.join(' ')
  })
  return `# fish completion for nnsize. Install: nnsize completion fish > ~/.config/fish/completions/nnsize.fish
${lines.join('\n')}
complete -c nnsize -n '__fish_use_subcommand' -a completion -d 'print a shell completion script'
complete -c nnsize -n '__fish_seen_subcommand_from completion' -x -a 'bash zsh fish'
${modelNames.length > 0 ? `complete -c nnsize -n 'not __fish_seen_subcommand_from completion' -a ${fishQuote(modelNames.join(' '))} -d 'model'\n` : ''}`
}

/** The completion script for a shell: every option with its help line and choices, model names and files. */
export function completionScript(shell: Shell, specs: readonly OptionSpec[], modelNames: readonly string[]): string {
  return shell === 'bash' ? bash(specs, modelNames) : shell === 'zsh' ? zsh(specs, modelNames) : fish(specs, modelNames)
}
