import { Command, CommanderError, Option } from 'commander'
import type { Analysis, NnsizeError, WeightsAnalysis } from '@nnsize/core'
import type { MemoryPlan } from '@nnsize/core/memory'
import type { SpeedPlan } from '@nnsize/core/speed'
import type { ExplainSection } from '@nnsize/core/present'
import { precisionHelpLines } from '@nnsize/core/present'
import type { RawRequest, Request } from '@nnsize/core/request'
import { noteCodePath } from './code-path.js'
import { exitCodes, InputError, SourcedError, UsageError } from './errors.js'
import { resolveSource } from './input.js'
import { readPythonProgram } from './python-input.js'
import { jsonlError, jsonlItems } from './jsonl-input.js'
import { openWeightsInput } from './weights-input.js'
import type { Source, StdinLike } from './input.js'
import { fieldFlag, longFlag, memoryKeys, optionSpecs, outputModes, splitArgs, wantsMemory } from './options.js'
import type { CliOptions, OptionSpec } from './options.js'
import { terminalSafe } from './safe.js'
import { chooseStyle } from './style.js'
import type { Style } from './style.js'

/** What the CLI reads from and writes to. A real process passes its own; tests pass fakes. */
export interface CliIO {
  stdout: { write(chunk: string): unknown }
  stderr: { write(chunk: string): unknown }
  /** Standard input: text, a stream, or undefined when there is none. A stream with `isTTY` is a terminal and is not read. */
  stdin: StdinLike
  env: Record<string, string | undefined>
  /** Whether standard output is a terminal. */
  isTTY: boolean
  /** Terminal width in columns, when known. */
  columns: number | undefined
  /** Folder that relative paths start from. */
  cwd: string
}

const VERSION = typeof NNSIZE_VERSION === 'string' ? NNSIZE_VERSION : '0.0.0-dev'

const EXAMPLES = `
Examples:
  nnsize "Conv2d(128, 256, 3)"                  parameters, weights/bias, bytes, formula
  nnsize "Conv2d(128, 256, 3)" --explain        the derivation, in words and numbers
  nnsize "Conv2d(128, 256, 3)" --compare "Conv2d(128, 256, 3, bias=False)"
  nnsize resnet50 --input 1,3,224,224           per-module shapes, MACs, activation memory
  nnsize model.txt -i 8,3,224,224 --markdown    the same as Markdown tables
  nnsize models/resnet.py -m "ResNet18()" -i 1,3,32,32   your own model file, never run
  nnsize unet/ --model "UNet(3, 2)"             a package folder: imports between its files
  nnsize "Linear(4096, 4096)" --verify | python3   check the numbers with PyTorch
  nnsize model.safetensors                      a weight file: tensors, dtypes, exact bytes (headers only)
  nnsize ./Llama-3.1-8B/ --inference --gpu l4   a model folder: shards, index, config.json checked
  nnsize model.gguf --inference --seq 8192      a quantised file at its real size, KV cache from its metadata
  nnsize ckpt.pt --compare ckpt-old.pt          which tensors were added, removed, reshaped, re-typed
  nnsize llama-3.1-8b --optimizer AdamW --precision bf16-mixed --gpus 8 --zero 3 --gpu h100-80gb
  nnsize ./config.json --inference --weights int8 --seq 8192 --gpu l4
  printf 'Linear(10, 20)\\nConv2d(3, 8, 3)\\n' | nnsize --jsonl
  nnsize gpus                                    the GPUs --gpu knows: memory, bandwidth, TFLOP/s
  nnsize completion bash > ~/.local/share/bash-completion/completions/nnsize

Input is a PyTorch expression ("nn.Linear(10, 20)", "Sequential(...)", several
statements ending in the module), a torchvision model (resnet50), a catalogue
checkpoint (llama-3.1-8b, gpt2), a path to a Hugging Face config.json or a text
file, a Python model file or package folder (imports as "python -c 'import m'"
from the current folder or --root), a weight file (.safetensors, .bin/.pt/.pth/.ckpt, .gguf, .onnx, .keras/.h5;
known by its first bytes, read only in its headers, pickles never run) or a
model folder (config.json, shards and their index), or - for standard input.

Exit codes: 0 success, 1 invalid input, 2 usage error.
`

/** The per-option "needs a value" hint: `--input needs a value, e.g. --input 1,3,224,224`. */
function needsValue(spec: OptionSpec | undefined, flag: string): string {
  return spec?.example ? `${flag} needs a value, e.g. ${flag} ${spec.example}` : `${flag} needs a value`
}

function findSpec(flag: string): OptionSpec | undefined {
  return optionSpecs.find((o) => o.flags.split(/[ ,]+/).includes(flag))
}

interface Parsed {
  input: string | undefined
  options: CliOptions
  /** Options given on the command line (not defaults). */
  given: Set<keyof CliOptions>
}

/** Builds the commander program; `onRun` receives the parsed main command, `onCompletion` the completion subcommand. */
function buildProgram(io: CliIO, style: Style, handlers: { onRun(parsed: Parsed): void; onCompletion(shell: string): void; onGpus(options: { markdown?: boolean; units?: string }): void }): Command {
  const program = new Command('nnsize')
  program
    .description('Exact parameter counts, tensor shapes, compute and memory of PyTorch layers and models.')
    .argument('[input]', 'expression, model name, config.json, text file, model.py or package folder, weight file or model folder; - for stdin')
    .usage('[options] <expression | model | file | folder | ->')
    .helpCommand(false)
    .exitOverride()
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: () => undefined,
      outputError: () => undefined,
      getOutHelpWidth: () => Math.min(io.columns ?? 100, 120),
      getOutHasColors: () => style.enabled,
    })
    .configureHelp({ styleTitle: (text) => style.bold(text), sortOptions: false })
    // made when help is shown: most runs never show it
    .addHelpText('after', () => `\n${precisionHelpLines().join('\n')}\n${EXAMPLES}`)

  const groups: Record<OptionSpec['group'], string> = { Input: 'Input:', Output: 'Output:', Memory: 'Memory planning:', Other: 'Other:' }
  for (const spec of optionSpecs) {
    const description = spec.example && !spec.choices ? `${spec.description} (e.g. ${spec.example})` : spec.description
    const option = new Option(spec.flags, description).helpGroup(groups[spec.group])
    const flag = longFlag(spec)
    if (spec.flags.includes('<')) {
      option.argParser((value: string) => {
        // a forgotten value swallows the next flag: `--input --json`; the core checks the value itself
        if ((!spec.dashValue && /^--?[a-zA-Z]/.test(value)) || value.trim() === '') throw new UsageError(needsValue(spec, flag))
        return value
      })
    }
    if (spec.conflicts) option.conflicts(spec.conflicts as string[])
    program.addOption(option)
  }
  program.optionsGroup(groups.Other).version(VERSION, '-v, --version', 'print the version').helpOption('-h, --help', 'show this help')
  program.action((input: string | undefined, options: CliOptions, command: Command) => {
    const given = new Set<keyof CliOptions>()
    for (const spec of optionSpecs) if (command.getOptionValueSource(spec.key) === 'cli') given.add(spec.key)
    handlers.onRun({ input, options, given })
  })
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: () => undefined, outputError: () => undefined })
    .action((shell: string) => handlers.onCompletion(shell))
  program
    .command('gpus')
    .description('list the GPUs --gpu knows: memory, bandwidth and peak dense TFLOP/s per number format (--markdown, --units si)')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: () => undefined, outputError: () => undefined })
    // `--markdown` and `--units` are the main command's options
    .action((_options: unknown, command: Command) => handlers.onGpus(command.parent?.opts<{ markdown?: boolean; units?: string }>() ?? {}))
  return program
}

/** Turns commander's errors into one clear line. */
function usageMessage(error: CommanderError): string {
  const message = error.message.replace(/^error: /, '')
  switch (error.code) {
    case 'commander.unknownOption': {
      const [, flag] = /unknown option '([^']*)'/.exec(message) ?? []
      const [, suggestion] = /Did you mean (\S+)\?/.exec(message) ?? []
      return `unknown option '${flag}'${suggestion ? `; did you mean ${suggestion}?` : ''} (see nnsize --help)`
    }
    case 'commander.optionMissingArgument': {
      const [, flags] = /option '([^']*)' argument missing/.exec(message) ?? []
      const flag = /--[\w-]+/.exec(flags ?? '')?.[0] ?? flags ?? ''
      return needsValue(findSpec(flag), flag)
    }
    case 'commander.excessArguments':
      return error.message.includes("for 'completion'")
        ? 'completion takes one shell: bash, zsh or fish'
        : 'expected one input but got more; quote the expression: nnsize "Conv2d(128, 256, 3)"'
    case 'commander.missingArgument':
      return 'completion needs a shell: nnsize completion bash|zsh|fish'
    case 'commander.conflictingOption': {
      const [a, b] = [...message.matchAll(/'(-[^']*)'/g)].map((m) => /--[\w-]+/.exec(m[1]!)?.[0] ?? m[1])
      return `${a} cannot be used with ${b}`
    }
    default:
      return message.split('\n').join(' ')
  }
}

/**
 * Runs the nnsize command with `argv` (the arguments after the program name) and returns the
 * exit code: 0 success, 1 invalid input, 2 usage error. Never throws.
 */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const debug = argv.includes('--debug')
  const colorFlag = argv.includes('--no-color') ? false : argv.includes('--color') ? true : undefined
  const style = chooseStyle({ color: colorFlag, env: io.env, isTTY: io.isTTY })
  // Everything printed goes through one filter: control characters from the input (terminal escape sequences in a
  // module name or a config string) are written out visibly, never sent to the terminal.
  io = { ...io, stdout: terminalSafe(io.stdout, style), stderr: terminalSafe(io.stderr, style) }
  try {
    let parsed: Parsed | undefined
    let shell: string | undefined
    let gpus: { markdown?: boolean; units?: string } | undefined
    const program = buildProgram(io, style, { onRun: (p) => (parsed = p), onCompletion: (s) => (shell = s), onGpus: (o) => (gpus = o) })
    try {
      // `nnsize help` is the help, not a variable named help
      await program.parseAsync(argv.length === 1 && argv[0] === 'help' ? ['--help'] : [...argv], { from: 'user' })
    } catch (error) {
      if (error instanceof CommanderError) {
        if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return exitCodes.ok
        throw new UsageError(usageMessage(error))
      }
      throw error
    }
    if (shell !== undefined) return await completion(shell, io)
    if (gpus !== undefined) return await listGpus(gpus, io, style)
    if (!parsed) return exitCodes.ok
    return await execute(parsed, io, style)
  } catch (error) {
    return report(error, io, style, debug)
  }
}

/** An invalid option value (`--input 1,abc`, `--gpu h10`) is a usage error; anything wrong with the model is invalid input. */
function codeFor(error: { code: string }): number {
  return error.code === 'option' ? exitCodes.usage : exitCodes.invalidInput
}

/** A core error as the command line shows it: its field named by its flag, its place in the text it points into. */
function printError(error: NnsizeError, source: string, origin: string, io: CliIO, style: Style, debug: boolean): number {
  const { diagnose, diagnosticLines } = core!
  const d = diagnose(error, source, { origin, fieldLabel: fieldFlag })
  io.stderr.write(`${diagnosticLines(d, { header: (t) => style.bold(style.red(t)), caret: (t) => style.red(t) }).join('\n')}\n`)
  if (debug && error.stack) io.stderr.write(`${error.stack}\n`)
  return codeFor(error)
}

function report(error: unknown, io: CliIO, style: Style, debug: boolean): number {
  if (error instanceof SourcedError) return printError(error.error, error.source, error.origin, io, style, debug)
  if (core?.NnsizeError.isInstance(error)) return printError(error, '', '', io, style, debug)
  if (error instanceof UsageError) {
    io.stderr.write(`nnsize: ${error.message}\n`)
    return exitCodes.usage
  }
  if (error instanceof InputError) {
    io.stderr.write(`nnsize: ${error.message}\n`)
    return exitCodes.invalidInput
  }
  const message = error instanceof Error ? error.message : String(error)
  io.stderr.write(`nnsize: unexpected error: ${message.split('\n')[0]}${debug ? '' : ' (run with --debug for details)'}\n`)
  if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`)
  return exitCodes.invalidInput
}

type Core = typeof import('./engine.js')
let core: Core | undefined

/** The core and the reports, loaded on first use: `--help`, `--version` and usage errors never load them. */
async function loadCore(): Promise<Core> {
  core ??= await import('./engine.js')
  return core
}

/**
 * The request the command line describes: each option that fills a request field, checked by the core's one parser.
 * An error inside `--optimizer`'s text is shown at its place there.
 */
function requestOf(source: Source | undefined, options: CliOptions, given: ReadonlySet<keyof CliOptions>): Request {
  const raw: RawRequest = { source: source?.text ?? '' }
  for (const spec of optionSpecs) {
    if (!spec.field || !given.has(spec.key)) continue
    const value = options[spec.key]
    if (spec.key === 'inference') raw.mode = value ? 'inference' : 'training'
    else (raw as Record<string, unknown>)[spec.field] = value
  }
  if (wantsMemory(given) && raw.mode === undefined) raw.mode = 'training'
  try {
    return core!.parseRequest(raw)
  } catch (error) {
    if (core!.NnsizeError.isInstance(error) && error.field === 'optimizer' && error.span && options.optimizer !== undefined) throw new SourcedError(error, options.optimizer, '--optimizer')
    throw error
  }
}

/** The memory plan the request asks for, if any. */
function planFor(analysis: Analysis, request: Request): MemoryPlan | undefined {
  const options = core!.memoryOptionsOf(request)
  return options ? core!.planMemory(analysis, options) : undefined
}

/** The speed plan the request asks for (a GPU, `--tokens` or `--mfu` with a memory plan), if any. */
function speedFor(analysis: Analysis, plan: MemoryPlan | undefined, request: Request): SpeedPlan | undefined {
  const options = core!.speedOptionsOf(request)
  return plan && options ? core!.planSpeed(analysis, plan, options) : undefined
}

/** How the command line wants things said: its byte units and its flags for request fields. */
function presentOptions(request: Request): { units: 'iec' | 'si'; fieldLabel: typeof fieldFlag } {
  return { units: request.units, fieldLabel: fieldFlag }
}

/** The derivations `--explain` shows: the analysis, then the memory plan, then the speed plan. */
function explanation(analysis: Analysis, plan: MemoryPlan | undefined, speed: SpeedPlan | undefined, request: Request): ExplainSection[] {
  const { explainAnalysis, explainMemory, explainSpeed } = core!
  return [...explainAnalysis(analysis, presentOptions(request)), ...(plan ? explainMemory(plan, presentOptions(request)) : []), ...(speed ? explainSpeed(speed, presentOptions(request)) : [])]
}

/** `nnsize gpus`: the accelerator catalogue, from the core's table. */
async function listGpus(options: { markdown?: boolean; units?: string }, io: CliIO, style: Style): Promise<number> {
  const { acceleratorTable, renderMarkdownTable, renderTextTable } = await loadCore()
  if (options.units !== undefined && options.units !== 'iec' && options.units !== 'si') throw new UsageError(`--units is iec or si, not '${options.units}'`)
  const table = acceleratorTable({ units: options.units === 'si' ? 'si' : 'iec' })
  if (options.markdown) io.stdout.write(`${renderMarkdownTable(table)}\n`)
  else io.stdout.write(`${renderTextTable(table, style, io.isTTY && io.columns ? io.columns : Infinity, { drop: ['aliases', 'fp4', 'tf32', 'int8'] }).join('\n')}\n`)
  return exitCodes.ok
}

async function completion(shell: string, io: CliIO): Promise<number> {
  const { completionScript, shells, models, catalogue } = await loadCore()
  if (!(shells as readonly string[]).includes(shell)) throw new UsageError(`completion supports bash, zsh and fish, not '${shell}'`)
  // torchvision builders and the short names of catalogue checkpoints (`llama-3.1-8b`)
  const names = [...models.map((m) => m.name), ...catalogue.flatMap((e) => e.aliases ?? [])]
  io.stdout.write(completionScript(shell as (typeof shells)[number], optionSpecs, names))
  return exitCodes.ok
}

/** Default module-table depth in the terminal and in Markdown. */
const defaultDepth = 2

/** The name a report shows for its input: the file of a JSON config, else the text itself. */
function titleOf(source: Source, analysis: Analysis): string {
  if (source.json) return source.origin === '' ? analysis.model?.architecture ?? 'config.json' : source.origin
  return analysis.input
}

async function execute(parsed: Parsed, io: CliIO, style: Style): Promise<number> {
  const { options, given } = parsed
  const modes = outputModes.filter((m) => options[m])
  if (modes.length > 1) throw new UsageError(`--${modes[0]} cannot be used with --${modes[1]}; choose one output format`)
  if (options.qlora && options.lora === undefined) throw new UsageError('--qlora needs --lora, e.g. --lora "r=16,alpha=32,target=all-linear" --qlora')
  if (options.share && options.call !== undefined) throw new UsageError('--share cannot carry --call: the playground calls the model as m(*x)')
  const c = await loadCore()

  if (options.jsonl) return jsonl(parsed, io)

  const weights = await analyzeWeightsArg(parsed.input, io)
  if (weights) checkWeightsOptions(options, given)
  const source = weights ? weightsSource(parsed.input!) : await resolveInput(parsed.input, io, options)
  const request = requestOf(weights ? undefined : source, options, given)
  noteCodePath(`input:${weights ? 'weights' : source.program ? (source.program.program.main.endsWith('__init__.py') ? 'package' : 'program') : source.json ? 'config' : 'text'}`)
  const analysis = weights ?? analyzeSource(source, request, options)
  const plan = planFor(analysis, request)
  const speed = speedFor(analysis, plan, request)
  noteCodePath(`output:${options.compare !== undefined ? 'compare' : (outputModes.find((m) => options[m]) ?? 'report')}${plan ? ':memory' : ''}`)

  if (options.compare !== undefined) return compare(analysis, plan, source, request, parsed, io, style)
  const units = request.units
  if (options.share) {
    // a model file's program: the files its analysis read, with paths below the root, and the model to build
    io.stdout.write(`${c.shareUrl(c.programShareState(analysis, c.requestToRaw(request)))}\n`)
    return exitCodes.ok
  }
  if (options.verify) {
    io.stdout.write(c.verifySnippet(analysis, plan))
    return exitCodes.ok
  }
  if (options.json) {
    io.stdout.write(`${JSON.stringify(toJSON(analysis, plan, request), null, 2)}\n`)
    return exitCodes.ok
  }
  if (options.csv) {
    io.stdout.write(c.renderCsv(weights ? c.fileTensorTable(weights.weights, { raw: true }) : c.moduleTable(analysis, { raw: true, depth: request.depth, units })))
    return exitCodes.ok
  }
  const { renderMarkdownReport, renderReport } = c
  const common = {
    title: weights ? source.origin : titleOf(source, analysis),
    weights: weights?.weights,
    units,
    depth: request.depth ?? defaultDepth,
    allTensors: options.tensors === true,
    explanation: options.explain ? explanation(analysis, plan, speed, request) : undefined,
    plan,
    speed,
    fieldLabel: fieldFlag,
  }
  if (options.markdown) {
    io.stdout.write(renderMarkdownReport(analysis, common))
    return exitCodes.ok
  }
  io.stdout.write(renderReport(analysis, { ...common, style, width: io.isTTY && io.columns ? io.columns : Infinity }))
  return exitCodes.ok
}

/** `--grad-accum` for the `gradAccum` option. */
function flagOf(key: keyof CliOptions): string {
  const spec = optionSpecs.find((o) => o.key === key)
  return spec ? longFlag(spec) : `--${key}`
}

/**
 * The `--json` object: the analysis, the weight files' facts under `weights` and, with memory options, its plan
 * under `memory` and, with a GPU, `--tokens` or `--mfu`, its speed plan under `speed`.
 */
function toJSON(analysis: Analysis, plan: MemoryPlan | undefined, request: Request): unknown {
  const json = { ...core!.analysisToJSON(analysis), ...(analysis.weights ? { weights: core!.weightsToJSON(analysis.weights) } : {}) }
  if (!plan) return json
  const speed = speedFor(analysis, plan, request)
  return { ...json, memory: core!.memoryPlanToJSON(plan, presentOptions(request)), ...(speed ? { speed: core!.speedPlanToJSON(speed, presentOptions(request)) } : {}) }
}

/** The weight files an argument names (a file, a shard index, a folder), analysed; null when it names none. */
async function analyzeWeightsArg(arg: string | undefined, io: CliIO): Promise<WeightsAnalysis | null> {
  if (arg === undefined || arg === '-') return null
  const input = await openWeightsInput(arg, io.cwd, core!)
  if (input === null) return null
  try {
    return await core!.analyzeWeights(input.readers, { entry: input.entry })
  } finally {
    await input.close()
  }
}

/** The source of a weights analysis: no text, the path as given. */
function weightsSource(arg: string): Source {
  return { text: '', origin: arg, json: false }
}

/** Options that need an expression's text or code, which weight files do not have. */
function checkWeightsOptions(options: CliOptions, given: ReadonlySet<keyof CliOptions>): void {
  if (options.share) throw new UsageError("--share makes a link of an expression, a model name or a config; a weight file's answer cannot be shared as a link")
  if (options.verify) throw new UsageError('--verify prints a PyTorch script that builds an expression; a weight file is checked by loading it')
  if (given.has('input')) throw new UsageError('--input traces a forward pass through an expression or a model; weight files hold tensors, not the code to run them')
}

/**
 * The input an argument names: a Python model file or folder (a program of files, `--model` building from it), else
 * what {@link resolveSource} finds. `--model` and `--root` need a model file or folder.
 */
async function resolveInput(arg: string | undefined, io: CliIO, options: CliOptions): Promise<Source> {
  const python = arg === undefined || arg === '-' ? null : await readPythonProgram(arg, { cwd: io.cwd, root: options.root, entry: options.model })
  if (python) return { text: python.program.files[python.program.main] ?? '', origin: arg!, json: false, program: python }
  if (options.model !== undefined) throw new UsageError(`--model builds a model from a Python file or folder, e.g. nnsize models/resnet.py --model "ResNet18()"; '${arg ?? '-'}' is not one`)
  if (options.root !== undefined) throw new UsageError(`--root is the folder first on the module path of a Python model file or folder; '${arg ?? '-'}' is not one`)
  return resolveSource(arg, io)
}

/** Analyses a source; an NnsizeError comes back as a {@link SourcedError} pointing into the text (for a program of files, into the file it names). */
function analyzeSource(source: Source, request: Request, options: CliOptions): Analysis {
  if (source.text.trim() === '' && !source.program) {
    throw new InputError(`${source.origin === '' ? 'the input' : source.origin === '<stdin>' ? 'standard input' : `'${source.origin}'`} is empty: give an expression such as "Conv2d(128, 256, 3)", a model name or a config.json`)
  }
  const analyzeOptions = { ...core!.analyzeOptionsOf(request), ...(options.call === undefined ? {} : { call: options.call }) }
  try {
    return source.program ? core!.analyze(source.program.program, analyzeOptions) : core!.analyze(source.text, analyzeOptions)
  } catch (error) {
    if (core!.NnsizeError.isInstance(error)) throw sourced(error, source, options)
    throw error
  }
}

/** An error with the text its span points into: a file of the program, `--model`'s or `--call`'s expression, or the input. */
function sourced(error: NnsizeError, source: Source, options: CliOptions): SourcedError {
  const file = error.span?.file
  if (file === '<entry>' && options.model !== undefined) return new SourcedError(error, options.model, '--model')
  if (file === '<call>' && options.call !== undefined) return new SourcedError(error, options.call, '--call')
  const program = source.program
  // what to build is about the whole file, not a place in it
  if (error.field === 'entry') return new SourcedError(error, '', '')
  if (program && file !== undefined && program.program.files[file] !== undefined) {
    const shown = file === program.program.main && !source.origin.endsWith('/') && source.origin.endsWith('.py') ? source.origin : program.shownRoot === '' ? file : `${program.shownRoot}/${file}`
    return new SourcedError(error, program.program.files[file]!, shown)
  }
  if (program) return new SourcedError(error, '', source.origin)
  return new SourcedError(error, source.text, source.origin)
}

/** One JSON object per input line; a failing line becomes an `error` object with its line number and the run goes on. */
async function jsonl(parsed: Parsed, io: CliIO): Promise<number> {
  const c = core!
  const request = requestOf(undefined, parsed.options, parsed.given)
  let failed = false
  for await (const item of jsonlItems(parsed.input, io)) {
    let out: unknown
    try {
      const weights = item.input === '' ? null : await analyzeWeightsArg(item.input, io)
      if (weights) checkWeightsOptions(parsed.options, parsed.given)
      if (item.problem && !weights) throw item.problem
      const analysis = weights ?? analyzeSource(item.source!, request, parsed.options)
      out = toJSON(analysis, planFor(analysis, request), request)
    } catch (error) {
      failed = true
      out = jsonlError(item, error, (e) => (c.NnsizeError.isInstance(e) ? e.toJSON() : undefined))
    }
    io.stdout.write(`${JSON.stringify(out)}\n`)
  }
  return failed ? exitCodes.invalidInput : exitCodes.ok
}

const analysisOptionKeys: ReadonlyArray<keyof CliOptions> = ['input', 'model', 'call', 'device', 'torch', ...memoryKeys]

/** `--compare`: another input, or other analysis options (`--compare "--device cpu"`) for the same input. */
async function compare(a: Analysis, planA: MemoryPlan | undefined, sourceA: Source, requestA: Request, parsed: Parsed, io: CliIO, style: Style): Promise<number> {
  const c = core!
  const value = parsed.options.compare!
  let sourceB = sourceA
  let optionsB: CliOptions = parsed.options
  let givenB: ReadonlySet<keyof CliOptions> = parsed.given
  let labels = { a: a.weights || sourceA.program ? sourceA.origin : sourceA.text.trim(), b: '' }
  let b: Analysis | undefined
  if (value.trimStart().startsWith('-')) {
    const words = splitArgs(value)
    let override: Parsed | undefined
    const sub = buildProgram(io, style, { onRun: (p) => (override = p), onCompletion: () => undefined, onGpus: () => undefined })
    try {
      await sub.parseAsync(words, { from: 'user' })
    } catch (error) {
      if (error instanceof CommanderError) throw new UsageError(`in --compare: ${usageMessage(error)}`)
      throw error
    }
    if (!override) throw new UsageError('--compare needs an input or analysis options such as "--device cpu"')
    const extra = [...override.given].filter((k) => !analysisOptionKeys.includes(k))
    if (extra.length > 0 || override.input !== undefined) throw new UsageError(`--compare takes another input or analysis options (--input, --device, memory options), not ${override.input !== undefined ? `'${override.input}'` : `--${extra[0]}`}`)
    optionsB = { ...parsed.options }
    for (const key of override.given) (optionsB as Record<string, unknown>)[key] = override.options[key]
    givenB = new Set([...parsed.given, ...override.given])
    const describe = (o: CliOptions): string =>
      analysisOptionKeys
        .filter((k) => o[k] !== undefined && o[k] !== false)
        .map((k) => (o[k] === true ? flagOf(k) : `${flagOf(k)} ${String(o[k])}`))
        .join(' ') || 'defaults'
    labels = { a: describe(parsed.options), b: describe(optionsB) }
    // the same weight files under other options
    if (a.weights) b = a
    // the same model file building another model
    else if (sourceA.program && optionsB.model !== parsed.options.model) sourceB = { ...sourceA, program: { ...sourceA.program, program: { ...sourceA.program.program, entry: optionsB.model } } }
  } else {
    const weightsB = await analyzeWeightsArg(value, io)
    if (weightsB) {
      b = weightsB
      sourceB = weightsSource(value)
      labels.b = value
    } else {
      sourceB = await resolveInput(value, io, parsed.options)
      labels.b = sourceB.program ? value : sourceB.text.trim()
    }
  }
  const requestB = requestOf(b?.weights ? undefined : sourceB, optionsB, givenB)
  b ??= analyzeSource(sourceB, requestB, optionsB)
  const planB = planFor(b, requestB)
  if ((planA === undefined) !== (planB === undefined)) throw new UsageError('--compare: give memory options to both sides or to neither')
  const comparison = c.compareAnalyses(a, b, { units: requestA.units, plans: planA && planB ? { a: planA, b: planB } : undefined })
  // two sets of weight files: which tensors were added, removed, reshaped or re-typed, by the files' own types
  const weightsComparison = a.weights && b.weights ? c.compareWeights(a, b) : undefined
  if (parsed.options.json) {
    const json = c.comparisonToJSON(comparison, presentOptions(requestA))
    io.stdout.write(`${JSON.stringify(weightsComparison ? { ...json, weights: c.weightsComparisonToJSON(weightsComparison) } : json, null, 2)}\n`)
    return exitCodes.ok
  }
  const { renderComparison, renderMarkdownComparison } = c
  if (parsed.options.markdown) {
    io.stdout.write(renderMarkdownComparison(comparison, labels, weightsComparison))
    return exitCodes.ok
  }
  io.stdout.write(renderComparison(comparison, labels, { style, width: io.isTTY && io.columns ? io.columns : Infinity, weights: weightsComparison }))
  if (parsed.options.explain) {
    const { explanationLines } = c
    for (const [name, analysis] of [['A', a], ['B', b]] as const) {
      io.stdout.write(`\n${style.bold(name)}${explanationLines(c.explainAnalysis(analysis, presentOptions(requestA)), style, io.isTTY && io.columns ? io.columns : Infinity).join('\n')}\n`)
    }
  }
  return exitCodes.ok
}
