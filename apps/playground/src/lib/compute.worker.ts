// The page's engine: analyses, plans and explains off the main thread, so that typing never waits for it.
import { analyze } from '@nnsize/core'
import { Answerer } from './answer.ts'
import { stoppedAnswer } from './engine.ts'
import type { Answer } from './answer.ts'
import type { EngineReply, EngineRequest } from './engine.ts'
import { computeMemory } from './memory.ts'

const scope = self as unknown as DedicatedWorkerGlobalScope
const answerer = new Answerer(analyze, computeMemory)

/** The answer to the last question, until the page asks for it or asks another question. */
let held: { id: number; answer: Answer } | undefined

scope.onmessage = (event: MessageEvent<EngineRequest>) => {
  const request = event.data
  if (request.kind === 'send') {
    if (held?.id === request.id) scope.postMessage({ kind: 'answer', id: held.id, answer: held.answer } satisfies EngineReply)
    held = undefined
    return
  }
  const { id, question } = request
  held = undefined
  let answer: Answer
  try {
    answer = answerer.answer(question)
  } catch (error) {
    // A defect in nnsize, not the user's mistake: say so instead of leaving the page waiting.
    answer = stoppedAnswer(`nnsize could not analyse this input (${error instanceof Error ? error.message : String(error)}). Please report it with the link to this page.`, 0, 'internal')
  }
  held = { id, answer }
  scope.postMessage({ kind: 'done', id } satisfies EngineReply)
}

scope.postMessage({ kind: 'ready' } satisfies EngineReply)
