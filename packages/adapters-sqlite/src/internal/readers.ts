/**
 * Read-only connections to the store's file on worker threads, for the statistics queries (`aggregate`).
 * better-sqlite3 runs a statement on the calling thread: with one connection, a dashboard's independent passes run
 * one after the other, and the process does nothing else meanwhile. Each reader here is a worker thread with its own
 * read-only connection (WAL mode lets it read beside the writer, seeing every committed transaction); a dashboard's
 * passes run side by side, on as many cores as there are readers, while the main thread stays free.
 *
 * Workers start on the first query (a store that never aggregates starts none), keep the process alive only while
 * they have work, and end with the layer's scope. Where threads cannot read the file (the driver cannot be loaded
 * in a worker, or a worker dies before its first answer), the queries run on the main connection instead, with one
 * warning in the log.
 * @internal
 */
import { SqlError } from "@effect/sql/SqlError"
import { Privacy } from "@fengqiao/core"
import type { SqlStore } from "@fengqiao/sql"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { createRequire } from "node:module"
import { Worker } from "node:worker_threads"

/** The worker's program (CommonJS, evaluated): one connection, its prepared statements, one query at a time. */
const program = `
const { parentPort, workerData } = require("node:worker_threads")
const Database = require(workerData.driver)
const db = new Database(workerData.filename, { readonly: true, fileMustExist: true, timeout: workerData.busyTimeoutMs })
const statements = new Map()
parentPort.on("message", (m) => {
  try {
    let statement = statements.get(m.text)
    if (statement === undefined) {
      statement = db.prepare(m.text)
      if (statements.size >= 256) statements.clear()
      statements.set(m.text, statement)
    }
    parentPort.postMessage({ id: m.id, rows: statement.all(m.params) })
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: { message: String((e && e.message) || e), code: e && e.code } })
  }
})
`

interface Job {
  readonly id: number
  readonly text: string
  readonly params: ReadonlyArray<unknown>
  readonly done: (result: Effect.Effect<ReadonlyArray<Record<string, unknown>>, SqlError>) => void
}

interface Reply {
  readonly id: number
  readonly rows?: ReadonlyArray<Record<string, unknown>>
  readonly error?: { readonly message: string; readonly code?: string }
}

const failure = (cause: unknown) => new SqlError({ cause, message: "Failed to execute statement" })

/**
 * A pool of `count` reader threads over `filename`, closed with the scope.
 * @internal
 */
export const make = (options: Options): Effect.Effect<SqlStore.Reader, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => pool(options)),
      (p) => Effect.promise(() => p.close())
    ),
    (p): SqlStore.Reader => ({
      query: (text, params) =>
        Effect.async<ReadonlyArray<Record<string, unknown>>, SqlError>((resume) => {
          const cancel = p.submit(text, params, resume)
          return Effect.sync(cancel)
        })
    })
  )

interface Options {
  readonly filename: string
  readonly count: number
  readonly busyTimeoutMs: number
  /** Runs a query on the main connection, where the threads cannot. */
  readonly fallback: SqlStore.Reader["query"]
}

const pool = (options: Options) => {
  const idle: Array<Worker> = []
  const running = new Map<Worker, Job>()
  const queue: Array<Job> = []
  const answered = new WeakSet<Worker>()
  let started = 0
  let nextId = 0
  let closed = false
  /** Why the threads cannot read, once they have shown they cannot: every query then runs on the main connection. */
  let unavailable: unknown = undefined
  let warned = false

  const onMainConnection = (job: Job) => {
    const run = options.fallback(job.text, job.params)
    if (warned) return job.done(run)
    warned = true
    job.done(Effect.zipRight(
      Effect.logWarning("SQLite reader threads unavailable: statistics run on the main connection").pipe(
        Effect.annotateLogs({ cause: Privacy.maskText(String(unavailable)) })
      ),
      run
    ))
  }

  const giveUp = (cause: unknown) => {
    unavailable = cause
    for (const job of queue.splice(0)) onMainConnection(job)
  }

  const spawn = (): Worker | undefined => {
    let driver: string
    try {
      driver = createRequire(import.meta.url).resolve("better-sqlite3")
    } catch (cause) {
      giveUp(cause)
      return undefined
    }
    const worker = new Worker(program, {
      eval: true,
      workerData: { driver, filename: options.filename, busyTimeoutMs: options.busyTimeoutMs }
    })
    started++
    worker.unref()
    worker.on("message", (reply: Reply) => {
      answered.add(worker)
      const job = running.get(worker)
      running.delete(worker)
      if (job !== undefined && job.id === reply.id) {
        job.done(
          reply.error === undefined
            ? Effect.succeed(reply.rows ?? [])
            : Effect.fail(failure(Object.assign(new Error(reply.error.message), { code: reply.error.code })))
        )
      }
      release(worker)
    })
    // a worker that dies before its first answer could not start (no driver, the file cannot be opened): the
    // threads are given up. One that dies later (it crashed) fails its job, and the next query starts another
    const gone = (cause: unknown) => {
      const job = running.get(worker)
      running.delete(worker)
      const at = idle.indexOf(worker)
      if (at >= 0) idle.splice(at, 1)
      started--
      if (!answered.has(worker)) {
        giveUp(cause)
        if (job !== undefined) onMainConnection(job)
        return
      }
      job?.done(Effect.fail(failure(cause)))
      dispatch()
    }
    worker.on("error", gone)
    worker.on("exit", (code) => {
      if (running.has(worker) || idle.includes(worker)) gone(new Error(`reader thread exited with code ${code}`))
    })
    return worker
  }

  const release = (worker: Worker) => {
    worker.unref()
    idle.push(worker)
    dispatch()
  }

  const dispatch = () => {
    while (queue.length > 0 && !closed && unavailable === undefined) {
      const worker = idle.pop() ?? (started < options.count ? spawn() : undefined)
      if (worker === undefined) return
      const job = queue.shift()!
      running.set(worker, job)
      // the process waits for a reader only while it has work
      worker.ref()
      worker.postMessage({ id: job.id, text: job.text, params: job.params })
    }
  }

  return {
    submit: (
      text: string,
      params: ReadonlyArray<unknown>,
      done: Job["done"]
    ): () => void => {
      if (closed) {
        done(Effect.fail(failure(new Error("the store is closed"))))
        return () => {}
      }
      const job: Job = { id: nextId++, text, params, done }
      if (unavailable !== undefined) {
        onMainConnection(job)
        return () => {}
      }
      queue.push(job)
      dispatch()
      // an interrupted query leaves the queue; one already running finishes and its rows are dropped
      return () => {
        const at = queue.indexOf(job)
        if (at >= 0) queue.splice(at, 1)
      }
    },
    close: async () => {
      closed = true
      for (const job of queue.splice(0)) job.done(Effect.fail(failure(new Error("the store is closed"))))
      const workers = [...idle, ...running.keys()]
      idle.length = 0
      for (const job of running.values()) job.done(Effect.fail(failure(new Error("the store is closed"))))
      running.clear()
      await Promise.all(workers.map((w) => w.terminate()))
    }
  }
}
