// The command line bundle, dist/cli.cjs, which bin/nnsize.cjs loads: the command as a function of its arguments and
// of what it takes from its process (`run`: the launcher hands it this process's, or the background server a client's),
// and the background server that answers the command's questions for other processes (`serve`).
export { run } from './program.js'
export type { CliIO } from './program.js'
export { serve } from './server.js'
export type { ServeOptions } from './server.js'
