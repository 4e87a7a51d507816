/**
 * The in-memory store: a full implementation of the {@link CaseStore} port, for tests, demos, single-process
 * tools and as the reference the SQL stores are compared against. Writes are serialised; transactions are
 * reentrant and roll back through an undo log; stored objects are frozen so callers cannot change history by
 * mutating what they read.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as AuditTrail from "./AuditTrail.js"
import type { Case } from "./Case.js"
import type {
  AggregateRow,
  CaseStore,
  CommandRecord,
  Keyset,
  ListRequest,
  ListResult,
  StateEntry
} from "./CaseStore.js"
import { CaseStore as CaseStoreTag, deepFreeze, DuplicateCommand, StateConflict } from "./CaseStore.js"
import { VersionConflict } from "./Errors.js"
import type { Envelope } from "./Event.js"
import { aggregate, matches } from "./internal/evaluate.js"
import { makeKeyedLock } from "./internal/keyedLock.js"
import type { CaseSummary } from "./Summary.js"

interface Entry {
  snapshot: Case
  summary: CaseSummary
  readonly events: Array<Envelope>
  /** The audit trail: the hash of each event, in version order. */
  readonly hashes: Array<string>
  purged: boolean
}

interface Centre {
  /** Plugin state: namespace → key → entry. */
  readonly state: Map<string, Map<string, StateEntry>>
  readonly pluginMigrations: Map<string, Map<number, string>>
  readonly cases: Map<string, Entry>
  readonly byCode: Map<string, string>
  readonly commands: Map<string, CommandRecord>
  readonly sequences: Map<string, number>
  /** Entries ordered by (registeredAt, id). */
  readonly ordered: Array<Entry>
}

interface Tx {
  readonly undo: Array<() => void>
}

/**
 * Strings in code point order, as SQL stores order their byte-wise (UTF-8) keys. It differs from JavaScript's
 * UTF-16 order only where a surrogate (a character beyond U+FFFF) meets a unit from U+E000 to U+FFFF.
 */
const byCodePoint = (a: string, b: string): number => {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) {
      const sx = x >= 0xd800 && x <= 0xdfff
      const sy = y >= 0xd800 && y <= 0xdfff
      return sx !== sy && (x >= 0xe000 || y >= 0xe000) ? (sx ? 1 : -1) : x - y
    }
  }
  return a.length - b.length
}

const compareKey = (a: Keyset, b: Keyset): number =>
  a.registeredAt < b.registeredAt ? -1 : a.registeredAt > b.registeredAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

const keyOf = (e: Entry): Keyset => ({ registeredAt: e.summary.registeredAt, id: e.summary.id })

/** First index whose key is greater than `k` (or ≥ when `inclusive`). */
const upperBound = (xs: ReadonlyArray<Entry>, k: Keyset, inclusive: boolean): number => {
  let lo = 0
  let hi = xs.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    const c = compareKey(keyOf(xs[mid]!), k)
    if (c < 0 || (c === 0 && !inclusive)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Makes an empty in-memory store.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<CaseStore> = Effect.sync(() => {
  const centres = new Map<string, Centre>()
  // one writer at a time; a transaction holds the lock from begin to end
  const lock = makeKeyedLock()
  const writeKey = "write"
  const exclusive = <A, E, R>(effect: Effect.Effect<A, E, R>) => lock(writeKey, effect)
  const currentTx = FiberRef.unsafeMake<Tx | undefined>(undefined)

  const centreOf = (id: string): Centre => {
    let c = centres.get(id)
    if (c === undefined) {
      c = {
        state: new Map(),
        pluginMigrations: new Map(),
        cases: new Map(),
        byCode: new Map(),
        commands: new Map(),
        sequences: new Map(),
        ordered: []
      }
      centres.set(id, c)
    }
    return c
  }

  const record = (tx: Tx | undefined, undo: () => void) => {
    if (tx !== undefined) tx.undo.push(undo)
  }

  const rollBack = (tx: Tx, mark: number) => {
    while (tx.undo.length > mark) tx.undo.pop()!()
  }

  /** Unmarks the fiber at the end of its transaction. */
  const leaveTransaction = FiberRef.set(currentTx, undefined)

  /**
   * In the write lock's uninterruptible region (`lock.region`): marks the fiber as in the transaction, runs the
   * effect interruptibly and, on every exit, rolls back (on failure) and unmarks the fiber; the lock is released
   * by the region. A nested transaction rolls back to its start on failure. On the hot path of every command: a
   * dozen fiber instructions, where the lock, `Effect.locally` and `onExit` composed took some thirty.
   */
  const withTransaction = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.withFiberRuntime<A, E, R>((fiber) => {
      const tx = fiber.getFiberRef(currentTx)
      if (tx !== undefined) {
        const mark = tx.undo.length
        return Effect.onError(effect, () => Effect.sync(() => rollBack(tx, mark)))
      }
      const fresh: Tx = { undo: [] }
      return lock.region(writeKey, (restore) =>
        Effect.zipRight(
          FiberRef.set(currentTx, fresh),
          Effect.matchCauseEffect(restore(effect), {
            onFailure: (cause) => {
              rollBack(fresh, 0)
              return Effect.zipRight(leaveTransaction, Effect.failCause(cause))
            },
            onSuccess: (a) => Effect.as(leaveTransaction, a)
          })
        ))
    })

  /** Runs a write under the lock unless a transaction already holds it. */
  const write = <A, E>(f: (tx: Tx | undefined) => Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.withFiberRuntime((fiber) => {
      const tx = fiber.getFiberRef(currentTx)
      return tx !== undefined ? f(tx) : exclusive(f(undefined))
    })

  const store: CaseStore = {
    capabilities: { name: "memory", persistent: false, concurrentWriters: false },
    load: (centre, caseId) => Effect.sync(() => Option.fromNullable(centres.get(centre)?.cases.get(caseId)?.snapshot)),
    loadMany: (centre, caseIds) =>
      Effect.sync(() => {
        const cases = centres.get(centre)?.cases
        const out: Array<Case> = []
        if (cases === undefined) return out
        for (const id of new Set(caseIds)) {
          const e = cases.get(id)
          if (e !== undefined) out.push(e.snapshot)
        }
        return out
      }),
    loadByCode: (centre, code) =>
      Effect.sync(() => {
        const c = centres.get(centre)
        const id = c?.byCode.get(code)
        return Option.fromNullable(id === undefined ? undefined : c!.cases.get(id)?.snapshot)
      }),
    append: (req) =>
      write((tx) =>
        Effect.suspend((): Effect.Effect<void, VersionConflict | DuplicateCommand> => {
          const c = centreOf(req.centre)
          if (c.commands.has(req.commandId)) return Effect.fail(new DuplicateCommand({ commandId: req.commandId }))
          const entry = c.cases.get(req.caseId)
          const actual = entry?.snapshot.version ?? 0
          if (actual !== req.expectedVersion) {
            return Effect.fail(
              new VersionConflict({ caseId: req.caseId, expectedVersion: req.expectedVersion, actualVersion: actual })
            )
          }
          const snapshot = deepFreeze(req.snapshot)
          const summary = deepFreeze(req.summary)
          const events = req.events.map(deepFreeze)
          const hashes = AuditTrail.chain(entry?.hashes.at(-1) ?? AuditTrail.genesis, events)
          const commandRecord: CommandRecord = {
            commandId: req.commandId,
            caseId: req.caseId,
            fromVersion: req.expectedVersion + 1,
            toVersion: req.expectedVersion + req.events.length
          }
          c.commands.set(req.commandId, commandRecord)
          record(tx, () => c.commands.delete(req.commandId))
          if (entry === undefined) {
            const created: Entry = { snapshot, summary, events: [...events], hashes, purged: false }
            c.cases.set(req.caseId, created)
            c.byCode.set(snapshot.code, req.caseId)
            const at = upperBound(c.ordered, keyOf(created), false)
            c.ordered.splice(at, 0, created)
            record(tx, () => {
              c.cases.delete(req.caseId)
              c.byCode.delete(snapshot.code)
              const i = c.ordered.indexOf(created)
              if (i >= 0) c.ordered.splice(i, 1)
            })
          } else {
            const before = { snapshot: entry.snapshot, summary: entry.summary, length: entry.events.length }
            entry.snapshot = snapshot
            entry.summary = summary
            entry.events.push(...events)
            entry.hashes.push(...hashes)
            record(tx, () => {
              entry.snapshot = before.snapshot
              entry.summary = before.summary
              entry.events.length = before.length
              entry.hashes.length = before.length
            })
          }
          return Effect.void
        })
      ),
    appendBatch: (reqs) => withTransaction(Effect.forEach(reqs, (req) => store.append(req), { discard: true })),
    readEvents: (centre, caseId, range) =>
      Effect.sync(() => {
        const events = centres.get(centre)?.cases.get(caseId)?.events ?? []
        const from = range?.fromVersion ?? 1
        const to = range?.toVersion ?? Number.MAX_SAFE_INTEGER
        // events are in version order: the range is found by bisection and copied alone (a page of a long case
        // costs its own length)
        let lo = 0
        let hi = events.length
        while (lo < hi) {
          const mid = (lo + hi) >>> 1
          if (events[mid]!.version < from) lo = mid + 1
          else hi = mid
        }
        const out: Array<Envelope> = []
        for (let i = lo; i < events.length && events[i]!.version <= to; i++) out.push(events[i]!)
        return out
      }),
    findCommand: (centre, commandId) =>
      Effect.sync(() => Option.fromNullable(centres.get(centre)?.commands.get(commandId))),
    nextSequence: (centre, scope, count = 1) =>
      write((tx) =>
        Effect.sync(() => {
          const c = centreOf(centre)
          const previous = c.sequences.get(scope)
          c.sequences.set(scope, (previous ?? 0) + count)
          record(tx, () => (previous === undefined ? c.sequences.delete(scope) : c.sequences.set(scope, previous)))
          return (previous ?? 0) + 1
        })
      ),
    list: (centre, req: ListRequest) =>
      Effect.sync((): ListResult => {
        const xs = centres.get(centre)?.ordered ?? []
        const items: Array<Case> = []
        let last: Entry | undefined
        if (req.order === "asc") {
          for (let i = req.after === undefined ? 0 : upperBound(xs, req.after, false); i < xs.length; i++) {
            const e = xs[i]!
            if (!matches(e.summary, req.where)) continue
            if (items.length === req.limit) return { items, next: keyOf(last!) }
            items.push(e.snapshot)
            last = e
          }
        } else {
          for (let i = (req.after === undefined ? xs.length : upperBound(xs, req.after, true)) - 1; i >= 0; i--) {
            const e = xs[i]!
            if (!matches(e.summary, req.where)) continue
            if (items.length === req.limit) return { items, next: keyOf(last!) }
            items.push(e.snapshot)
            last = e
          }
        }
        return { items }
      }),
    aggregate: (centre, req) =>
      Effect.sync((): ReadonlyArray<AggregateRow> => {
        const c = centres.get(centre)
        return aggregate(c === undefined ? [] : Array.from(c.cases.values(), (e) => e.summary), req)
      }),
    readState: (centre, namespace, keys) =>
      Effect.sync(() => {
        const ns = centres.get(centre)?.state.get(namespace)
        if (ns === undefined) return []
        const out: Array<StateEntry> = []
        for (const k of keys) {
          const e = ns.get(k)
          if (e !== undefined) out.push(e)
        }
        return out
      }),
    writeState: (centre, namespace, key, expectedVersion, value) =>
      write((tx) =>
        Effect.suspend((): Effect.Effect<number, StateConflict> => {
          const c = centreOf(centre)
          let ns = c.state.get(namespace)
          if (ns === undefined) {
            const created = new Map<string, StateEntry>()
            c.state.set(namespace, created)
            record(tx, () => c.state.delete(namespace))
            ns = created
          }
          const map = ns
          const current = map.get(key)
          const actual = current?.version ?? 0
          if (actual !== expectedVersion) {
            return Effect.fail(new StateConflict({ namespace, key, expectedVersion, actualVersion: actual }))
          }
          if (value === undefined) {
            map.delete(key)
          } else {
            // stored as JSON, so that plugins see exactly what a SQL store would give back
            map.set(key, deepFreeze({ key, value: JSON.parse(JSON.stringify(value)) as unknown, version: actual + 1 }))
          }
          record(tx, () => (current === undefined ? map.delete(key) : map.set(key, current)))
          return Effect.succeed(value === undefined ? 0 : actual + 1)
        })
      ),
    scanState: (centre, namespace, options) =>
      Effect.sync(() => {
        const ns = centres.get(centre)?.state.get(namespace)
        if (ns === undefined) return []
        return [...ns.values()]
          .filter((e) =>
            e.key.startsWith(options.prefix) && (options.after === undefined || byCodePoint(e.key, options.after) > 0)
          )
          .sort((a, b) => byCodePoint(a.key, b.key))
          .slice(0, options.limit)
      }),
    pluginMigrations: (centre, plugin) =>
      Effect.sync(() => [...(centres.get(centre)?.pluginMigrations.get(plugin)?.keys() ?? [])].sort((a, b) => a - b)),
    recordPluginMigration: (centre, plugin, id, name) =>
      write((tx) =>
        Effect.sync(() => {
          const c = centreOf(centre)
          const m = c.pluginMigrations.get(plugin) ?? new Map<number, string>()
          c.pluginMigrations.set(plugin, m)
          m.set(id, name)
          record(tx, () => m.delete(id))
        })
      ),
    verify: (centre, caseId, options) =>
      Effect.sync(() => {
        const c = centres.get(centre)
        const ids = caseId === undefined
          ? [...(c?.cases.keys() ?? [])].sort()
          : c?.cases.has(caseId) === true
          ? [caseId]
          : []
        let report = AuditTrail.emptyReport
        for (const id of ids) {
          const e = c!.cases.get(id)!
          const stored = e.events.map((event, i): AuditTrail.StoredEvent => ({
            version: event.version,
            content: event,
            hash: e.hashes[i] ?? null
          }))
          const head = {
            version: e.snapshot.version,
            hash: e.purged ? AuditTrail.purgedHead : e.hashes.at(-1) ?? null,
            status: e.snapshot.status
          }
          report = AuditTrail.addFindings(report, id, AuditTrail.checkCase(id, stored, head))
        }
        const codeOf = options?.codeOf
        if (caseId !== undefined || codeOf === undefined || c === undefined) return report
        // the codes the counters handed out that no case holds: whole cases deleted
        const held = new Set([...c.cases.values()].map((e) => e.snapshot.code))
        const missing: Array<string> = []
        for (const [scope, last] of [...c.sequences].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          const year = scope.startsWith("caseCode:") ? Number(scope.slice("caseCode:".length)) : Number.NaN
          if (!Number.isInteger(year)) continue
          for (let n = 1; n <= last && missing.length < 100; n++) {
            const code = codeOf(year, n)
            if (!held.has(code)) missing.push(code)
          }
        }
        return missing.length === 0 ? report : { ...report, ok: false, missingCodes: missing }
      }),
    redact: (req) =>
      write((tx) =>
        Effect.suspend((): Effect.Effect<void, VersionConflict> => {
          const entry = centres.get(req.centre)?.cases.get(req.caseId)
          const actual = entry?.snapshot.version ?? 0
          if (entry === undefined || actual !== req.version || req.snapshot.version !== req.version) {
            return Effect.fail(
              new VersionConflict({ caseId: req.caseId, expectedVersion: req.version, actualVersion: actual })
            )
          }
          const before = {
            snapshot: entry.snapshot,
            events: [...entry.events],
            hashes: [...entry.hashes],
            purged: entry.purged
          }
          const events = req.events === undefined ? [] : req.events.map(deepFreeze)
          entry.snapshot = deepFreeze(req.snapshot)
          entry.events.splice(0, entry.events.length, ...events)
          entry.hashes.splice(0, entry.hashes.length, ...AuditTrail.chain(AuditTrail.genesis, events))
          entry.purged = req.events === undefined
          record(tx, () => {
            entry.snapshot = before.snapshot
            entry.events.splice(0, entry.events.length, ...before.events)
            entry.hashes.splice(0, entry.hashes.length, ...before.hashes)
            entry.purged = before.purged
          })
          return Effect.void
        })
      ),
    withTransaction
  }
  return store
})

/**
 * A layer with a fresh in-memory store.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<CaseStore> = Layer.effect(CaseStoreTag, make)
