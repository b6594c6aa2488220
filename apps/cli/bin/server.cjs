// @ts-check
// The nnsize server, started by bin/nnsize.cjs (detached, with no terminal) after a question it answered itself; see
// "The background server" there. It is not a command of its own.
'use strict'
require('./nnsize.cjs').serveHere()
