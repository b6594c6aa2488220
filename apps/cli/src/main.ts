import { isatty } from 'node:tty'
import { run } from './program.js'

// A reader that closes early (`nnsize … | head`) is not an error: stop quietly, as `head` asked.
const quietOnBrokenPipe = (error: NodeJS.ErrnoException): void => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
}
process.stdout.on('error', quietOnBrokenPipe)
process.stderr.on('error', quietOnBrokenPipe)

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // created on first use: most runs never read standard input
  stdin: {
    get isTTY() {
      return isatty(0)
    },
    [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator](),
  },
  env: process.env,
  isTTY: process.stdout.isTTY === true,
  columns: process.stdout.columns,
  cwd: process.cwd(),
})
