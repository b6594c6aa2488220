#!/usr/bin/env node
// Node 22.1 and later keep the compiled bundle in their on-disk compile cache, so later runs start faster.
import module from 'node:module'
module.enableCompileCache?.()
await import('../dist/nnsize.js')
