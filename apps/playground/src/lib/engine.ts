import type { Answer, Question } from './answer.ts'

/** The longest one computation may run in the worker before it is stopped, in milliseconds. */
export const timeLimitMs = 2000

/**
 * A message to the worker: a question with its request id, or the word to send the answer it holds for `id`. A new
 * question drops any answer the worker still holds.
 */
export type EngineRequest = { kind: 'ask'; id: number; question: Question } | { kind: 'send'; id: number }

/**
 * A message from the worker: that it has loaded; that it has the answer to `id` (which it holds until told to send
 * it, so that a superseded answer, large for a large model, is never copied to the page); or the answer itself.
 */
export type EngineReply = { kind: 'ready' } | { kind: 'done'; id: number } | { kind: 'answer'; id: number; answer: Answer }

/** The part of a `Worker` the engine uses (a fake one in tests). */
export interface EngineWorker {
  postMessage(message: EngineRequest): void
  terminate(): void
  onmessage: ((event: MessageEvent<EngineReply>) => void) | null
  onerror: ((event: ErrorEvent) => void) | null
}

/** Options of {@link Engine}: the time limit, what to do without a worker and, for tests, the clock. */
export interface EngineOptions {
  timeLimitMs?: number
  /**
   * Called, instead of an answer, with the newest question when no worker can be had: making one threw (a browser
   * without module workers) or it failed before it loaded. The engine stays unusable from then on. Without it,
   * such a question is answered with a problem saying so.
   */
  onunavailable?: (question: Question) => void
  setTimer?: (run: () => void, ms: number) => unknown
  clearTimer?: (timer: unknown) => void
}

/** The answer shown for a computation stopped at the time limit, or lost with a worker that failed. */
export function stoppedAnswer(message: string, elapsedMs: number, code: 'time-limit' | 'internal'): Answer {
  const problem = { code, field: 'source' as const, message, origin: '', line: undefined, column: undefined, span: undefined, excerpt: undefined, suggestions: [] }
  return { outcome: { ok: false, problem, needsModels: false, elapsedMs }, switches: [], snippet: undefined, memory: undefined, explanation: undefined }
}

/** The message for a computation stopped at the time limit. */
export function timeLimitMessage(ms: number): string {
  return `This took longer than ${ms / 1000} s and was stopped. The page is still yours: change the input to try again.`
}

interface Job {
  id: number
  question: Question
  /** Set once the worker has loaded, so that loading it does not count against the time limit. */
  timer?: unknown
  /** The worker has the answer (and was asked to send it). */
  done?: boolean
}

/**
 * Asks a worker the page's questions, newest first and one at a time. Each question gets an id; only the answer to
 * the newest is passed on. A question asked while the worker is busy waits (replacing any other waiting one), and
 * the busy one's answer is dropped when it is done: the worker is never asked to send it, so the page never spends
 * time copying it. A computation that runs past the time limit is stopped: the
 * worker is terminated and a new one made (on the next question, or at once when one waits); if it was the newest
 * question, its answer is the time-limit problem.
 */
export class Engine {
  #worker: EngineWorker | undefined
  #ready = false
  #unavailable = false
  #running: Job | undefined
  #waiting: Job | undefined
  #latest = 0
  readonly #limitMs: number
  readonly #setTimer: (run: () => void, ms: number) => unknown
  readonly #clearTimer: (timer: unknown) => void

  constructor(
    private readonly makeWorker: () => EngineWorker,
    private readonly onanswer: (answer: Answer, id: number) => void,
    options: EngineOptions = {},
  ) {
    this.#limitMs = options.timeLimitMs ?? timeLimitMs
    this.#setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms))
    this.#clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>))
    this.#onunavailable = options.onunavailable
  }

  readonly #onunavailable: ((question: Question) => void) | undefined

  /** Asks `question`; returns its id. Every earlier question is superseded. */
  ask(question: Question): number {
    const id = ++this.#latest
    this.#waiting = { id, question }
    this.#next()
    return id
  }

  /** Makes the worker now, so that it has loaded by the first question. */
  warm(): void {
    this.#start()
  }

  /** Whether a question is still unanswered. */
  get busy(): boolean {
    return this.#running !== undefined || this.#waiting !== undefined
  }

  /** Stops the worker; the engine makes a new one if asked again. */
  close(): void {
    if (this.#running?.timer !== undefined) this.#clearTimer(this.#running.timer)
    this.#running = undefined
    this.#waiting = undefined
    this.#drop()
  }

  /** The worker, made when there is none; undefined when none can be made. */
  #start(): EngineWorker | undefined {
    if (this.#worker) return this.#worker
    if (this.#unavailable) return undefined
    let worker: EngineWorker
    try {
      worker = this.makeWorker()
    } catch {
      this.#unavailable = this.#onunavailable !== undefined
      return undefined
    }
    worker.onmessage = (event) => this.#receive(worker, event.data)
    worker.onerror = () => this.#failed(worker)
    this.#worker = worker
    this.#ready = false
    return worker
  }

  #drop(): void {
    if (!this.#worker) return
    this.#worker.onmessage = null
    this.#worker.onerror = null
    this.#worker.terminate()
    this.#worker = undefined
    this.#ready = false
  }

  #next(): void {
    if (this.#running || !this.#waiting) return
    const job = this.#waiting
    this.#waiting = undefined
    const worker = this.#start()
    if (!worker) {
      this.#lost(job)
      return
    }
    this.#running = job
    worker.postMessage({ kind: 'ask', id: job.id, question: job.question })
    if (this.#ready) this.#clock(job)
  }

  #clock(job: Job): void {
    job.timer = this.#setTimer(() => this.#overrun(job), this.#limitMs)
  }

  #overrun(job: Job): void {
    if (this.#running !== job) return
    this.#running = undefined
    this.#drop()
    if (job.id === this.#latest) this.onanswer(stoppedAnswer(timeLimitMessage(this.#limitMs), this.#limitMs, 'time-limit'), job.id)
    this.#next()
  }

  #receive(worker: EngineWorker, reply: EngineReply): void {
    if (worker !== this.#worker) return
    if (reply.kind === 'ready') {
      this.#ready = true
      if (this.#running && this.#running.timer === undefined && !this.#running.done) this.#clock(this.#running)
      return
    }
    const job = this.#running
    if (!job || job.id !== reply.id) return
    if (reply.kind === 'done') {
      if (job.timer !== undefined) this.#clearTimer(job.timer)
      job.timer = undefined
      job.done = true
      if (job.id === this.#latest) {
        worker.postMessage({ kind: 'send', id: job.id })
        return
      }
      // Superseded: its answer stays in the worker, and the newest question goes in its place.
      this.#running = undefined
      this.#next()
      return
    }
    this.#running = undefined
    if (job.id === this.#latest) this.onanswer(reply.answer, job.id)
    this.#next()
  }

  /** The worker could not load or crashed: its question gets a plain problem; the next question makes a new worker. */
  #failed(worker: EngineWorker): void {
    if (worker !== this.#worker) return
    const job = this.#running
    if (job?.timer !== undefined) this.#clearTimer(job.timer)
    this.#running = undefined
    // A worker that never loaded will not load next time either.
    if (!this.#ready && this.#onunavailable) this.#unavailable = true
    this.#drop()
    if (job) this.#lost(job)
    this.#next()
  }

  /** A question no worker answered: handed to `onunavailable` when there will be none, else answered with a problem. */
  #lost(job: Job): void {
    if (job.id !== this.#latest) return
    if (this.#unavailable) this.#onunavailable!(job.question)
    else this.onanswer(stoppedAnswer('The page could not compute this: its engine failed. Change the input to try again, or reload the page.', 0, 'internal'), job.id)
  }
}
