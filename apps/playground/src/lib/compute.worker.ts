// The page's engine: analyses, plans and explains off the main thread, so that typing never waits for it.
import { analyze } from '@nnsize/core'
import { Answerer } from './answer.ts'
import { stoppedAnswer } from './engine.ts'
import type { Answer } from './answer.ts'
import type { EngineReply, EngineRequest } from './engine.ts'
import { computeMemory } from './memory.ts'

const scope = self as unknown as DedicatedWorkerGlobalScope
const answerer = new Answerer(analyze, computeMemory)

scope.onmessage = (event: MessageEvent<EngineRequest>) => {
  const { id, question } = event.data
  let answer: Answer
  try {
    answer = answerer.answer(question)
  } catch (error) {
    // A defect in nnsize, not the user's mistake: say so instead of leaving the page waiting.
    answer = stoppedAnswer(`nnsize could not analyse this input (${error instanceof Error ? error.message : String(error)}). Please report it with the link to this page.`, 0, 'internal')
  }
  const reply: EngineReply = { kind: 'answer', id, answer }
  scope.postMessage(reply)
}

scope.postMessage({ kind: 'ready' } satisfies EngineReply)
