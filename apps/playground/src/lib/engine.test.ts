import { describe, expect, it } from 'vitest'
import { Engine, stoppedAnswer } from './engine.ts'
import type { EngineReply, EngineRequest, EngineWorker } from './engine.ts'
import type { Answer } from './answer.ts'

/** A worker that records what it is asked and answers only when told to. */
class FakeWorker implements EngineWorker {
  asked: Array<Extract<EngineRequest, { kind: 'ask' }>> = []
  /** The ids whose answers the engine asked to be sent. */
  sent: number[] = []
  terminated = false
  onmessage: ((event: MessageEvent<EngineReply>) => void) | null = null
  onerror: ((event: ErrorEvent) => void) | null = null
  postMessage(message: EngineRequest): void {
    if (message.kind === 'ask') this.asked.push(message)
    else this.sent.push(message.id)
  }
  terminate(): void {
    this.terminated = true
  }
  reply(data: EngineReply): void {
    this.onmessage?.({ data } as MessageEvent<EngineReply>)
  }
  ready(): void {
    this.reply({ kind: 'ready' })
  }
  /** Says the answer to `id` is done, and sends it if the engine asks for it at once. */
  answer(id: number, text: string): void {
    const before = this.sent.length
    this.reply({ kind: 'done', id })
    if (this.sent.length > before && this.sent.at(-1) === id) this.reply({ kind: 'answer', id, answer: answerWith(text) })
  }
}

/** A distinguishable answer: a problem whose message is `text`. */
function answerWith(text: string): Answer {
  return stoppedAnswer(text, 0, 'internal')
}

const question = (source: string) => ({ state: { source }, explain: false })

/** An engine over fake workers and a hand-driven clock. */
function setup(timeLimitMs = 2000, extra: { onunavailable?: (q: ReturnType<typeof question>) => void; makeThrows?: boolean } = {}) {
  const workers: FakeWorker[] = []
  const shown: Array<[number, string]> = []
  const timers = new Map<number, { at: number; run: () => void }>()
  let now = 0
  let nextTimer = 1
  const engine = new Engine(
    () => {
      if (extra.makeThrows) throw new TypeError('module workers are not supported')
      const worker = new FakeWorker()
      workers.push(worker)
      return worker
    },
    (answer, id) => shown.push([id, answer.outcome.ok ? 'ok' : answer.outcome.problem.message]),
    {
      timeLimitMs,
      setTimer: (run, ms) => {
        timers.set(nextTimer, { at: now + ms, run })
        return nextTimer++
      },
      clearTimer: (timer) => timers.delete(timer as number),
      ...(extra.onunavailable ? { onunavailable: extra.onunavailable } : {}),
    },
  )
  const advance = (ms: number): void => {
    now += ms
    for (const [key, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at > now || !timers.has(key)) continue
      timers.delete(key)
      timer.run()
    }
  }
  return { engine, workers, shown, advance, timers }
}

describe('Engine', () => {
  it('gives each question an id and passes on its answer', () => {
    const { engine, workers, shown } = setup()
    const id = engine.ask(question('Linear(2, 3)'))
    expect(workers).toHaveLength(1)
    expect(workers[0]!.asked).toEqual([{ kind: 'ask', id, question: question('Linear(2, 3)') }])
    workers[0]!.ready()
    workers[0]!.answer(id, 'nine')
    expect(shown).toEqual([[id, 'nine']])
    expect(engine.busy).toBe(false)
  })

  it('asks one question at a time: a newer one waits, replaces any other waiting one, and only its answer is shown', () => {
    const { engine, workers, shown } = setup()
    const first = engine.ask(question('a'))
    const second = engine.ask(question('b'))
    const third = engine.ask(question('c'))
    const worker = workers[0]!
    // The worker still computes the first; the second was replaced by the third before it was sent.
    expect(worker.asked.map((r) => r.id)).toEqual([first])
    worker.ready()
    worker.answer(first, 'stale')
    expect(shown).toEqual([])
    expect(worker.asked.map((r) => r.id)).toEqual([first, third])
    expect(second).toBeLessThan(third)
    worker.answer(third, 'newest')
    expect(shown).toEqual([[third, 'newest']])
    expect(workers).toHaveLength(1)
    // The superseded answer was never asked for, so it was never copied to the page.
    expect(worker.sent).toEqual([third])
  })

  it('ignores an answer to a question it did not send last, and a late answer to a superseded one', () => {
    const { engine, workers, shown } = setup()
    const first = engine.ask(question('a'))
    const worker = workers[0]!
    worker.ready()
    worker.answer(first + 5, 'unknown')
    expect(shown).toEqual([])
    worker.answer(first, 'first')
    worker.reply({ kind: 'answer', id: first, answer: answerWith('again') })
    expect(shown).toEqual([[first, 'first']])
  })

  it('stops a computation past the time limit: a new worker, and the time-limit problem for the newest question', () => {
    const { engine, workers, shown, advance } = setup(2000)
    const id = engine.ask(question('slow'))
    workers[0]!.ready()
    advance(1999)
    expect(shown).toEqual([])
    advance(1)
    expect(workers[0]!.terminated).toBe(true)
    expect(shown).toEqual([[id, 'This took longer than 2 s and was stopped. The page is still yours: change the input to try again.']])
    // A late answer from the stopped worker is not shown.
    workers[0]!.answer(id, 'late')
    expect(shown).toHaveLength(1)
    // The next question goes to a new worker.
    const next = engine.ask(question('quick'))
    expect(workers).toHaveLength(2)
    expect(workers[1]!.asked.map((r) => r.id)).toEqual([next])
  })

  it('stops a superseded computation past the time limit without a problem, and asks the waiting question of a new worker', () => {
    const { engine, workers, shown, advance } = setup(2000)
    engine.ask(question('slow'))
    workers[0]!.ready()
    advance(500)
    const newest = engine.ask(question('quick'))
    advance(1500)
    expect(workers[0]!.terminated).toBe(true)
    expect(shown).toEqual([])
    expect(workers[1]!.asked.map((r) => r.id)).toEqual([newest])
    workers[1]!.ready()
    workers[1]!.answer(newest, 'quick')
    expect(shown).toEqual([[newest, 'quick']])
  })

  it('does not count the worker loading against the time limit', () => {
    const { engine, workers, shown, advance } = setup(2000)
    const id = engine.ask(question('a'))
    advance(5000)
    expect(shown).toEqual([])
    workers[0]!.ready()
    advance(1000)
    workers[0]!.answer(id, 'done')
    expect(shown).toEqual([[id, 'done']])
  })

  it('clears the clock of an answered question, so that it cannot stop the next one early', () => {
    const { engine, workers, shown, advance, timers } = setup(2000)
    const first = engine.ask(question('a'))
    workers[0]!.ready()
    advance(1500)
    workers[0]!.answer(first, 'a')
    const second = engine.ask(question('b'))
    advance(1000)
    expect(timers.size).toBe(1)
    workers[0]!.answer(second, 'b')
    expect(shown).toEqual([
      [first, 'a'],
      [second, 'b'],
    ])
    expect(timers.size).toBe(0)
  })

  it('does not stop a question whose answer is done and on its way', () => {
    const { engine, workers, shown, advance } = setup(2000)
    const id = engine.ask(question('a'))
    const worker = workers[0]!
    worker.ready()
    worker.reply({ kind: 'done', id })
    expect(worker.sent).toEqual([id])
    advance(5000)
    expect(worker.terminated).toBe(false)
    worker.reply({ kind: 'answer', id, answer: answerWith('a') })
    expect(shown).toEqual([[id, 'a']])
  })

  it('answers a plain problem when the worker fails, and makes a new one for the next question', () => {
    const { engine, workers, shown } = setup()
    const id = engine.ask(question('a'))
    workers[0]!.onerror?.({} as ErrorEvent)
    expect(workers[0]!.terminated).toBe(true)
    expect(shown).toEqual([[id, 'The page could not compute this: its engine failed. Change the input to try again, or reload the page.']])
    engine.ask(question('b'))
    expect(workers).toHaveLength(2)
  })

  it('hands the question to onunavailable when no worker can be made, and never tries again', () => {
    const handed: string[] = []
    const { engine, shown } = setup(2000, { makeThrows: true, onunavailable: (q) => handed.push(q.state.source) })
    engine.warm()
    engine.ask(question('a'))
    engine.ask(question('b'))
    expect(handed).toEqual(['a', 'b'])
    expect(shown).toEqual([])
  })

  it('hands the question to onunavailable when the worker fails before it loaded, but not after', () => {
    const handed: string[] = []
    const before = setup(2000, { onunavailable: (q) => handed.push(q.state.source) })
    before.engine.ask(question('a'))
    before.workers[0]!.onerror?.({} as ErrorEvent)
    before.engine.ask(question('b'))
    expect(handed).toEqual(['a', 'b'])
    expect(before.workers).toHaveLength(1)

    const after = setup(2000, { onunavailable: (q) => handed.push(q.state.source) })
    const id = after.engine.ask(question('c'))
    after.workers[0]!.ready()
    after.workers[0]!.onerror?.({} as ErrorEvent)
    expect(handed).toEqual(['a', 'b'])
    expect(after.shown).toEqual([[id, 'The page could not compute this: its engine failed. Change the input to try again, or reload the page.']])
  })

  it('makes the worker on warm() without asking anything, and stops it on close()', () => {
    const { engine, workers } = setup()
    engine.warm()
    expect(workers).toHaveLength(1)
    expect(workers[0]!.asked).toEqual([])
    engine.ask(question('a'))
    engine.close()
    expect(workers[0]!.terminated).toBe(true)
    expect(engine.busy).toBe(false)
  })
})
