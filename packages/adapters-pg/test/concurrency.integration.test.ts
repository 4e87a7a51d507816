/**
 * Concurrent writers on a real server: several processes (each a `Center` over its own pool) hammer the same cases
 * and no update is lost; of two writers with the same expected version exactly one wins.
 */
import { describe, expect, it } from "@effect/vitest"
import {
  type Case,
  type CaseStore,
  type Center,
  type Errors,
  type Event,
  Examples,
  Lifecycle,
  Privacy,
  Summary
} from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { afterAll } from "vitest"
import { testDatabase } from "./database.js"
import { centre, failureOf, freshPrefix, open, type Opened, random, toHandling } from "./support.js"

const db = await testDatabase()
afterAll(() => db.close())

const skip = db.concurrentWriters === true ? undefined : db.concurrentWriters.skip
if (skip !== undefined) {
  console.info(`[concurrency.integration] concurrent-writer tests not run on ${db.source}: ${skip}`)
}
const suffix = skip === undefined ? "" : ` (not run: ${skip})`

const WORKERS = 8
const LANES = 4 // concurrent commands per worker (its pool has 4 connections)
const CASES = 50
const COMMANDS = 4000
const PER_LANE = COMMANDS / (WORKERS * LANES)

interface Outcome {
  readonly commandId: string
  readonly caseId: string
  readonly tag: string
  readonly orderId?: string | undefined
  readonly exit: Exit.Exit<Center.CommandResult, Center.ExecuteError>
}

const caseIds = Array.from({ length: CASES }, (_, i) => `conc-${i}`)

/** For each case, two lanes of different workers try the same (once-only) deadline extension at the same step. */
const extensionPlan = (): ReadonlyArray<Map<number, string>> => {
  const plan = Array.from({ length: WORKERS * LANES }, () => new Map<number, string>())
  caseIds.forEach((caseId, i) => {
    const step = (i * 7) % PER_LANE
    for (const lane of [i % plan.length, (i + plan.length / 2) % plan.length]) {
      let s = step
      while (plan[lane]!.has(s)) s = (s + 1) % PER_LANE
      plan[lane]!.set(s, caseId)
    }
  })
  return plan
}

/** One lane: a sequence of commands on random cases. It answers only supervision orders it issued itself. */
const lane = (center: Center.Center, name: string, seed: number, extensions: Map<number, string>) =>
  Effect.gen(function*() {
    const rng = random(seed)
    const pending = new Map<string, Array<string>>()
    const outcomes: Array<Outcome> = []
    for (let n = 0; n < PER_LANE; n++) {
      const commandId = `${name}-${n}`
      const extend = extensions.get(n)
      const caseId = extend ?? caseIds[rng.int(CASES)]!
      const mine = pending.get(caseId) ?? []
      pending.set(caseId, mine)
      const r = rng.next()
      const command: Record<string, unknown> & { _tag: string; orderId?: string } = extend !== undefined
        ? { _tag: "ExtendDeadline", deadline: "handling", amount: 1, approver: "中心主任", reason: "需补充证据" }
        : mine.length > 0 && r < 0.3
        ? { _tag: "AnswerSupervision", orderId: mine[0]!, answer: "已按要求办理" }
        : r < 0.55
        ? {
          _tag: "IssueSupervision",
          orderId: `o-${commandId}`,
          level: "reminder",
          dueAt: "2099-01-01T00:00:00Z",
          note: "督办"
        }
        : r < 0.8
        ? { _tag: "RecordMediationSession", mediators: ["王调解员"], result: "progress" }
        : { _tag: "ConveneConsultation", departments: ["court", "police"], conclusion: "联合会商" }
      const exit = yield* Effect.exit(center.execute({ ...command, actor: Examples.admin, caseId, commandId }))
      outcomes.push({ commandId, caseId, tag: command._tag, orderId: command.orderId, exit })
      if (Exit.isSuccess(exit)) {
        if (command._tag === "IssueSupervision") mine.push(command.orderId!)
        if (command._tag === "AnswerSupervision") mine.shift()
      }
    }
    return outcomes
  })

const count = (o: Opened, sql: string) => Effect.map(o.sql.unsafe<{ n: number }>(sql, [centre]), (rows) => rows[0]!.n)

describe(`PostgreSQL: concurrent writers (${db.source})`, () => {
  it.live.skipIf(skip !== undefined)(
    `${WORKERS} processes issuing ${COMMANDS} commands over ${CASES} cases lose no update${suffix}`,
    () =>
      Effect.scoped(Effect.gen(function*() {
        const prefix = freshPrefix("conc")
        // opened one after the other: simultaneous start-up is the subject of migrations.integration.test.ts
        const workers = yield* Effect.forEach(
          Array.from({ length: WORKERS }, (_, w) => w),
          (w) =>
            open({ url: db.url, tablePrefix: prefix, maxConnections: 4, applicationName: `fq-conc-${w}` }, {
              retries: 50
            })
        )
        // every case to `handling`, spread over the workers
        const setup = yield* Effect.forEach(
          caseIds,
          (caseId, i) => Effect.forEach(toHandling(caseId), (c) => workers[i % WORKERS]!.center.execute(c)),
          { concurrency: WORKERS }
        )
        const setupResults = setup.flat()
        // codes taken concurrently by 8 processes are gapless and unique
        expect(setup.map((results) => results[0]!.code).sort()).toEqual(
          caseIds.map((_, i) => `222403-2025-${String(i + 1).padStart(6, "0")}`)
        )
        const setupEvents = setupResults.reduce((n, r) => n + r.events.length, 0)

        const plan = extensionPlan()
        const outcomes = (yield* Effect.forEach(
          Array.from({ length: WORKERS * LANES }, (_, i) => i),
          (i) =>
            lane(workers[Math.floor(i / LANES)]!.center, `w${Math.floor(i / LANES)}l${i % LANES}`, 1000 + i, plan[i]!),
          { concurrency: "unbounded" }
        )).flat()
        expect(outcomes).toHaveLength(COMMANDS)

        // every failure is typed: a version conflict that outlived the retries, or the losing extension
        const failed: Array<Outcome> = []
        for (const o of outcomes) {
          const e = failureOf(o.exit) as Errors.GuardFailed | Errors.VersionConflict | undefined
          if (e === undefined) continue
          failed.push(o)
          const expected = e._tag === "VersionConflict" ||
            (o.tag === "ExtendDeadline" && e._tag === "GuardFailed" && e.guard === "extensionWithinRule")
          expect(expected, `${o.commandId} (${o.tag}) failed with ${e._tag}: ${e.message}`).toBe(true)
        }
        const ok = outcomes.filter((o) => Exit.isSuccess(o.exit))
        const results = new Map(
          ok.map((o) => [o.commandId, (o.exit as Exit.Success<Center.CommandResult, never>).value])
        )
        for (const r of results.values()) expect(r.duplicate).toBe(false)
        const conflicts = failed.filter((o) => o.tag !== "ExtendDeadline").length
        console.info(
          `[concurrency.integration] ${ok.length} commands applied, ${failed.length} refused ` +
            `(${conflicts} version conflicts past the retries)`
        )
        expect(ok.length).toBeGreaterThan(COMMANDS * 0.9)

        const checker = workers[0]!
        const store = checker.store
        const byCommand = new Map<string, Array<Event.Envelope>>()
        let stored = 0
        for (const caseId of caseIds) {
          const events = yield* store.readEvents(centre, caseId)
          stored += events.length
          for (const e of events) byCommand.set(e.commandId, [...(byCommand.get(e.commandId) ?? []), e])
          // versions contiguous from 1
          expect(events.map((e) => e.version)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1))
          // the snapshot is the fold of the events
          const snapshot = Option.getOrThrow(yield* store.load(centre, caseId))
          expect(snapshot.version).toBe(events.length)
          expect(snapshot).toStrictEqual(Lifecycle.replay(events))
          // and holds every applied command's effect
          const mine = ok.filter((o) => o.caseId === caseId)
          const issued = mine.filter((o) => o.tag === "IssueSupervision").map((o) => o.orderId!)
          const answered = mine.filter((o) => o.tag === "AnswerSupervision").map((o) => o.orderId!)
          expect(snapshot.supervision.map((s) => s.orderId).sort()).toEqual([...issued].sort())
          expect(snapshot.supervision.filter((s) => s.answeredAt !== undefined).map((s) => s.orderId).sort())
            .toEqual([...answered].sort())
          expect(snapshot.sessions.map((s) => s.sessionId).sort()).toEqual(
            mine.filter((o) => o.tag === "RecordMediationSession").map((o) => o.commandId).sort()
          )
          expect(snapshot.consultations).toHaveLength(mine.filter((o) => o.tag === "ConveneConsultation").length)
          // the once-only extension was granted exactly once (two processes asked for it)
          expect(mine.filter((o) => o.tag === "ExtendDeadline")).toHaveLength(1)
          expect(snapshot.deadlines.handling?.extensions).toHaveLength(1)
        }

        // counts add up: setup events + the events of every applied command, nothing else
        const appliedEvents = [...results.values()].reduce((n, r) => n + r.events.length, 0)
        expect(stored).toBe(setupEvents + appliedEvents)
        expect(yield* count(checker, `SELECT count(*)::int AS n FROM ${prefix}events WHERE centre = $1`))
          .toBe(setupEvents + appliedEvents)

        // every applied command's events are stored exactly as it returned them, under its id only, once; the
        // refused ones left nothing
        const applied = [...setupResults, ...results.values()]
        expect(new Set(applied.map((r) => r.events[0]!.commandId)).size).toBe(applied.length)
        expect(byCommand.size).toBe(applied.length)
        const records = new Map<string, CaseStore.CommandRecord>()
        for (const r of applied) {
          const commandId = r.events[0]!.commandId
          // the centre answers with personal numbers masked; the store keeps them
          expect(byCommand.get(commandId)!.map(Privacy.maskEnvelope)).toStrictEqual(r.events)
          records.set(commandId, {
            commandId,
            caseId: r.caseId,
            fromVersion: r.events[0]!.version,
            toVersion: r.events.at(-1)!.version
          })
        }
        const rows = yield* checker.sql.unsafe<
          { command_id: string; case_id: string; from_version: number; to_version: number }
        >(
          `SELECT command_id, case_id, from_version, to_version FROM ${prefix}commands WHERE centre = $1`,
          [centre]
        )
        expect(
          new Map(rows.map((r) => [r.command_id, {
            commandId: r.command_id,
            caseId: r.case_id,
            fromVersion: r.from_version,
            toVersion: r.to_version
          }]))
        ).toEqual(records)
        for (const o of failed) {
          expect(byCommand.has(o.commandId)).toBe(false)
          expect(Option.isNone(yield* store.findCommand(centre, o.commandId))).toBe(true)
        }
        for (const r of applied.slice(-20)) {
          const commandId = r.events[0]!.commandId
          expect(yield* store.findCommand(centre, commandId)).toEqual(Option.some(records.get(commandId)))
        }

        // the summary rows followed: counts pushed down to SQL agree with the applied commands
        const issues = ok.filter((o) => o.tag === "IssueSupervision").length
        const answers = ok.filter((o) => o.tag === "AnswerSupervision").length
        const totals = yield* store.aggregate(centre, {
          where: { _tag: "And", conditions: [] },
          groupBy: [],
          measures: [
            { _tag: "Count", name: "cases" },
            { _tag: "Sum", name: "issued", field: "supervisionCount" },
            { _tag: "Sum", name: "pending", field: "pendingSupervisionCount" }
          ],
          utcOffsetMinutes: 480
        })
        expect(totals).toEqual([{ keys: [], values: { cases: CASES, issued: issues, pending: issues - answers } }])
      })),
    120_000
  )

  it.live.skipIf(skip !== undefined)(
    `imports of cases from several years, run side by side in opposite year orders, all go through${suffix}`,
    () =>
      Effect.scoped(Effect.gen(function*() {
        // each import reserves its years' case-code counters in one transaction per batch; in the order the years
        // first appeared, [2024, 2025] against [2025, 2024] deadlocked
        const prefix = freshPrefix("years")
        const openers = yield* Effect.forEach([0, 1, 2, 3, 4, 5], () =>
          open({ url: db.url, tablePrefix: prefix, maxConnections: 2 }))
        const register = (caseId: string, year: number) => ({
          commands: [{ ...toHandling(caseId)[0]!, at: `${year}-03-03T09:00:00+08:00` }]
        })
        const results = yield* Effect.forEach(
          openers,
          (o, w) =>
            Effect.exit(o.center.importCases({
              cases: (w % 2 === 0 ? [2024, 2025] : [2025, 2024]).map((year) =>
                register(`y${w}-${year}`, year)
              )
            })),
          { concurrency: "unbounded" }
        )
        for (const r of results) expect(Exit.isSuccess(r) ? "imported" : r.cause.toString()).toBe("imported")
        const codes = results.flatMap((r) => (Exit.isSuccess(r) ? r.value.imported.map((c) => c.code) : []))
        for (const year of [2024, 2025]) {
          const numbers = codes.filter((c) => c.includes(`-${year}-`)).map((c) => Number(c.slice(-6))).sort((x, y) =>
            x - y
          )
          expect(numbers, String(year)).toEqual([1, 2, 3, 4, 5, 6])
        }
      })),
    120_000
  )

  it.live.skipIf(skip !== undefined)(
    `of two writers (separate pools) with the same expected version exactly one wins, round after round${suffix}`,
    () =>
      Effect.scoped(Effect.gen(function*() {
        const prefix = freshPrefix("race")
        const a = yield* open({ url: db.url, tablePrefix: prefix, maxConnections: 2 })
        const b = yield* open({ url: db.url, tablePrefix: prefix, maxConnections: 2 })
        const [first] = yield* Effect.forEach(toHandling("race-1").slice(0, 1), (c) => a.center.execute(c))
        const caseId = first!.caseId
        const request = (base: Case.Case, id: string): CaseStore.AppendRequest => {
          const env: Event.Envelope = {
            caseId,
            centre,
            version: base.version + 1,
            at: base.updatedAt,
            actor: Examples.admin,
            commandId: id,
            correlationId: id,
            event: {
              _tag: "SupervisionIssued",
              orderId: id,
              level: "reminder",
              dueAt: "2099-01-01T00:00:00.000Z",
              note: "督办"
            }
          }
          const snapshot = Lifecycle.evolve(base, env)
          return {
            centre,
            caseId,
            expectedVersion: base.version,
            commandId: id,
            events: [env],
            snapshot,
            summary: Summary.ofCase(a.center.config, snapshot)
          }
        }
        const ROUNDS = 60
        const winners: Array<string> = []
        for (let round = 0; round < ROUNDS; round++) {
          const base = Option.getOrThrow(yield* a.store.load(centre, caseId))
          const ra = request(base, `race-${round}-a`)
          const rb = request(base, `race-${round}-b`)
          const [ea, eb] = yield* Effect.all([Effect.exit(a.store.append(ra)), Effect.exit(b.store.append(rb))], {
            concurrency: 2
          })
          const won = [ea, eb].filter(Exit.isSuccess)
          expect(won, `round ${round}`).toHaveLength(1)
          const loser = failureOf(Exit.isSuccess(ea) ? eb : ea)
          expect(loser).toMatchObject({
            _tag: "VersionConflict",
            caseId,
            expectedVersion: base.version,
            actualVersion: base.version + 1
          })
          const winner = Exit.isSuccess(ea) ? ra : rb
          const lost = Exit.isSuccess(ea) ? rb : ra
          winners.push(winner.commandId)
          expect(yield* b.store.readEvents(centre, caseId, { fromVersion: base.version + 1 })).toStrictEqual(
            winner.events
          )
          expect(Option.isNone(yield* b.store.findCommand(centre, lost.commandId))).toBe(true)
        }
        const events = yield* a.store.readEvents(centre, caseId)
        expect(events).toHaveLength(ROUNDS + 1)
        expect(events.slice(1).map((e) => e.commandId)).toEqual(winners)
        expect(Option.getOrThrow(yield* b.store.load(centre, caseId))).toStrictEqual(Lifecycle.replay(events))
        // both pools won some rounds: the race was real, not one writer always first
        const wonByA = winners.filter((w) => w.endsWith("-a")).length
        console.info(`[concurrency.integration] append race: writer a won ${wonByA}/${ROUNDS} rounds`)
      })),
    60_000
  )
})
