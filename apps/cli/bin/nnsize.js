#!/usr/bin/env node
import '../dist/nnsize.js'
