import { writeSync } from 'node:fs'
import { run } from './program.js'
import { isTerminal } from './terminal.js'

/**
 * Writes straight to a file descriptor: no stream objects to set up at start-up. A reader that
 * closes early (`nnsize … | head`) is not an error: nnsize stops quietly, as `head` asked.
 * A descriptor that would block (a non-blocking pipe) hands the rest to the stream.
 */
function writer(fd: 1 | 2): { write(chunk: string): void; readonly streamed: boolean } {
  let useStream = false
  const stream = (): NodeJS.WriteStream => {
    const s = fd === 1 ? process.stdout : process.stderr
    s.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0)
      throw error
    })
    return s
  }
  return {
    write(chunk: string) {
      if (useStream) {
        stream().write(chunk)
        return
      }
      let bytes = Buffer.from(chunk, 'utf8')
      while (bytes.length > 0) {
        try {
          bytes = bytes.subarray(writeSync(fd, bytes))
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code
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

/** Runs the command line once, with the process's own arguments, streams and environment. */
async function main(): Promise<void> {
  const [stdinIsTTY, stdoutIsTTY] = await Promise.all([isTerminal(0), isTerminal(1)])

  const stdout = writer(1)
  const stderr = writer(2)
  const code = await run(process.argv.slice(2), {
    stdout,
    stderr,
    // created on first use: most runs never read standard input
    stdin: {
      isTTY: stdinIsTTY,
      [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator](),
    },
    env: process.env,
    isTTY: stdoutIsTTY,
    columns: stdoutIsTTY ? process.stdout.columns : undefined,
    cwd: process.cwd(),
  })
  // Everything is written: exit now rather than wait for the event loop to wind down (timers and collections it
  // would run first). Output still queued on a stream is left to finish, with the exit code set.
  if (stdout.streamed || stderr.streamed) process.exitCode = code
  else process.exit(code)
}

void main()
