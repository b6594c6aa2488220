// Python model files in the browser: loaded when files are opened or dropped (the first screen never needs it). They
// are read as text into the page state (a program of files, as the command line reads a folder); nothing leaves the page.
import { limits, mainFileOf, NnsizeError } from '@nnsize/core'
import type { NamedFile } from './weights.ts'

/** Most `.py` files read from one drop or one pick (the command line reads a folder of at most 2,000). */
export const maxPythonFiles = 2000

/** Folder levels below a dropped folder that are searched for `.py` files. */
export const maxPythonDepth = 16

/** Whether a path names a Python file. */
export function isPythonFile(name: string): boolean {
  return /\.py$/i.test(name)
}

/** A path as the program's file keys are written: `/` separators, no leading `/` or `./`. */
export function fileKey(name: string): string {
  return name
    .split(/[\\/]/)
    .filter((part) => part !== '' && part !== '.')
    .join('/')
}

/**
 * Reads `.py` files as a program: their texts by path (the path inside a dropped folder, else the file's name), and
 * the main file (the one given alone, else the one the core chooses: the file that builds or defines a model and
 * that the others do not import). At most {@link maxPythonFiles} files and `limits.maxSourceChars` characters in all.
 */
export async function readPythonFiles(named: readonly NamedFile[]): Promise<{ main: string; files: Record<string, string> }> {
  const python = named.filter(({ name }) => isPythonFile(name))
  if (python.length === 0) throw new NnsizeError('import', 'No `.py` file was given.')
  if (python.length > maxPythonFiles) throw new NnsizeError('limit', `These are ${python.length.toLocaleString('en-US')} \`.py\` files; the page reads at most ${maxPythonFiles.toLocaleString('en-US')}. Drop the model's own folder.`)
  let chars = 0
  const files = new Map<string, string>()
  for (const { file, name } of python) {
    // a UTF-8 byte is at most one character: files larger than four times the limit cannot fit
    if (file.size > limits.maxSourceChars * 4) throw tooLarge()
    const text = await file.text()
    chars += text.length
    if (chars > limits.maxSourceChars) throw tooLarge()
    files.set(fileKey(name), text)
  }
  const texts = Object.fromEntries(files)
  return { main: files.size === 1 ? [...files.keys()][0]! : mainFileOf(texts), files: texts }
}

function tooLarge(): NnsizeError {
  return new NnsizeError('limit', `These \`.py\` files hold more than ${limits.maxSourceChars.toLocaleString('en-US')} characters, more than the page reads. Drop the model's own folder.`)
}

/** The message of a failure to read `.py` files: the core's own sentence, or what went wrong in the browser. */
export function filesProblem(error: unknown): string {
  if (NnsizeError.isInstance(error)) return error.message
  return `The files could not be read: ${error instanceof Error ? error.message : String(error)}`
}
