import { bench, describe } from 'vitest'
import { analyze, findModel } from '../src/index.js'

const llama405b = findModel('llama-3.1-405b')!.config

describe('Hugging Face configs', () => {
  bench('analyze the Llama 3.1 405B config object', () => {
    analyze(llama405b)
  })

  bench('analyze `llama-3.1-405b` by name', () => {
    analyze('llama-3.1-405b')
  })

  bench('analyze Mixtral 8x7B (256 experts in all)', () => {
    analyze('mixtral-8x7b')
  })
})
