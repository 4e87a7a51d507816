/**
 * Rows the code cannot read — an event of a type written by a newer version, a damaged envelope or snapshot —
 * are typed `CorruptRecord` errors naming the case and version, from the store and from the centre; never a
 * crash, never a wrong answer.
 */
import { describe, expect, it } from "@effect/vitest"
import { Examples, Lifecycle } from "@fengqiao/core"
import { Outbox } from "@fengqiao/sql"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { afterAll } from "vitest"
import { testDatabase } from "./database.js"
import { centre, failureOf, freshPrefix, open, runAll, toHandling } from "./support.js"

const db = await testDatabase()
afterAll(() => db.close())

const admin = (sql: string, params: ReadonlyArray<unknown> = []) => Effect.promise(() => db.admin(sql, params))

const issue = (caseId: string, n: number) => ({
  _tag: "IssueSupervision",
  actor: Examples.admin,
  caseId,
  commandId: `${caseId}:issue-${n}`,
  orderId: `o${n}`,
  level: "reminder",
  dueAt: "2099-01-01T00:00:00Z",
  note: "督办"
})

const actor = Examples.admin

/** A store with one case at version 7 (five commands to `handling`, two supervision orders). */
const setup = Effect.gen(function*() {
  const prefix = freshPrefix("bad")
  const opened = yield* open({
    url: db.url,
    tablePrefix: prefix,
    maxConnections: db.maxConnections,
    outboxSubscriptions: ["bus"]
  })
  const caseId = "bad-1"
  yield* runAll(opened.center, [...toHandling(caseId), issue(caseId, 1), issue(caseId, 2)])
  const snapshot = Option.getOrThrow(yield* opened.store.load(centre, caseId))
  expect(snapshot.version).toBe(7)
  return { ...opened, prefix, caseId, snapshot }
})

/** The typed failure of an effect (a defect or interruption fails the test). */
const failure = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.map(Effect.exit(effect), failureOf)

const corrupt = (caseId: string, version: number, reason: RegExp) => ({
  _tag: "CorruptRecord",
  caseId,
  version,
  reason: expect.stringMatching(reason)
})

const tamperEvent = (prefix: string, caseId: string, version: number, set: string) =>
  admin(`UPDATE ${prefix}events SET ${set} WHERE centre = $1 AND case_id = $2 AND version = $3`, [
    centre,
    caseId,
    version
  ])

const tamperSnapshot = (prefix: string, caseId: string, snapshot: string) =>
  admin(`UPDATE ${prefix}cases SET snapshot = $3 WHERE centre = $1 AND id = $2`, [centre, caseId, snapshot])

describe(`PostgreSQL: unreadable rows are typed CorruptRecord errors (${db.source})`, () => {
  it.live("an event of a type this version does not know (written by a newer SDK)", () =>
    Effect.scoped(Effect.gen(function*() {
      const { caseId, center, prefix, snapshot, store } = yield* setup
      const events = yield* store.readEvents(centre, caseId)
      yield* tamperEvent(
        prefix,
        caseId,
        6,
        `type = 'FutureEvent', envelope = jsonb_set(envelope::jsonb, '{event,_tag}', '"FutureEvent"')::text`
      )
      const expected = corrupt(caseId, 6, /unknown event type "FutureEvent"/)
      expect(yield* failure(store.readEvents(centre, caseId))).toMatchObject(expected)
      expect(yield* failure(store.readEvents(centre, caseId, { fromVersion: 6 }))).toMatchObject(expected)
      expect(yield* failure(center.history({ actor, caseId }))).toMatchObject(expected)
      expect(yield* failure(center.asOf({ actor, caseId, at: "2099-01-01T00:00:00Z" }))).toMatchObject(expected)
      // repeating the command whose event it is answers with its first result, which cannot be read
      expect(yield* failure(center.execute(issue(caseId, 1)))).toMatchObject(expected)
      // what does not touch the row still works
      expect(yield* store.readEvents(centre, caseId, { toVersion: 5 })).toStrictEqual(events.slice(0, 5))
      expect(yield* store.readEvents(centre, caseId, { fromVersion: 7 })).toStrictEqual(events.slice(6))
      expect(yield* center.get({ actor, caseId, personalData: "full" })).toStrictEqual(snapshot)
    })))

  it.live("a damaged event envelope: unknown event in a known type, invalid JSON, the wrong version", () =>
    Effect.scoped(Effect.gen(function*() {
      const { caseId, center, prefix, store } = yield* setup
      yield* tamperEvent(
        prefix,
        caseId,
        2,
        `envelope = jsonb_set(envelope::jsonb, '{event,_tag}', '"FutureEvent"')::text`
      )
      expect(yield* failure(store.readEvents(centre, caseId))).toMatchObject(
        corrupt(caseId, 2, /does not match the Accepted schema/)
      )
      yield* tamperEvent(prefix, caseId, 3, `envelope = left(envelope, 40)`)
      expect(yield* failure(store.readEvents(centre, caseId, { fromVersion: 3 }))).toMatchObject(
        corrupt(caseId, 3, /invalid JSON/)
      )
      yield* tamperEvent(prefix, caseId, 4, `envelope = jsonb_set(envelope::jsonb, '{version}', '99')::text`)
      expect(yield* failure(store.readEvents(centre, caseId, { fromVersion: 4 }))).toMatchObject(
        corrupt(caseId, 4, /envelope says case bad-1 version 99/)
      )
      yield* tamperEvent(prefix, caseId, 5, `envelope = '[]'`)
      expect(yield* failure(center.history({ actor, caseId, fromVersion: 5 }))).toMatchObject(
        corrupt(caseId, 5, /does not match/)
      )
    })))

  it.live("a missing event, or one stored under another version, is a CorruptRecord naming the version missing", () =>
    Effect.scoped(Effect.gen(function*() {
      const gap = yield* setup
      const events = yield* gap.store.readEvents(centre, gap.caseId)
      yield* admin(`DELETE FROM ${gap.prefix}events WHERE centre = $1 AND case_id = $2 AND version = 3`, [
        centre,
        gap.caseId
      ])
      const missing3 = corrupt(gap.caseId, 3, /^event 3 is missing$/)
      expect(yield* failure(gap.store.readEvents(centre, gap.caseId))).toMatchObject(missing3)
      expect(yield* failure(gap.store.readEvents(centre, gap.caseId, { fromVersion: 2, toVersion: 5 }))).toMatchObject(
        missing3
      )
      expect(yield* failure(gap.center.history({ actor, caseId: gap.caseId }))).toMatchObject(missing3)
      expect(yield* failure(gap.center.asOf({ actor, caseId: gap.caseId, at: "2099-01-01T00:00:00Z" })))
        .toMatchObject(missing3)
      // a retried command is not answered from a history with a hole
      expect(yield* failure(gap.center.execute(issue(gap.caseId, 1)))).toMatchObject(missing3)
      // ranges on either side of the hole are whole
      expect(yield* gap.store.readEvents(centre, gap.caseId, { toVersion: 2 })).toStrictEqual(events.slice(0, 2))
      expect(yield* gap.store.readEvents(centre, gap.caseId, { fromVersion: 4 })).toStrictEqual(events.slice(3))

      // the last event moved to version 9, its envelope with it: both agree, but 7 and 8 are not there
      const renumbered = yield* setup
      yield* tamperEvent(
        renumbered.prefix,
        renumbered.caseId,
        7,
        `version = 9, envelope = jsonb_set(envelope::jsonb, '{version}', '9')::text`
      )
      const missing7 = corrupt(renumbered.caseId, 7, /^event 7 is missing$/)
      expect(yield* failure(renumbered.store.readEvents(centre, renumbered.caseId))).toMatchObject(missing7)
      expect(yield* failure(renumbered.store.readEvents(centre, renumbered.caseId, { fromVersion: 6 })))
        .toMatchObject(missing7)
      expect(yield* failure(renumbered.center.history({ actor, caseId: renumbered.caseId }))).toMatchObject(missing7)
      expect(yield* renumbered.store.readEvents(centre, renumbered.caseId, { toVersion: 6 })).toHaveLength(6)
    })))

  it.live("a snapshot that is not JSON", () =>
    Effect.scoped(Effect.gen(function*() {
      const { caseId, center, prefix, snapshot, store } = yield* setup
      yield* tamperSnapshot(prefix, caseId, `{"id": "${caseId}", "version": 7, "sta`)
      const expected = corrupt(caseId, 7, /^snapshot: invalid JSON/)
      expect(yield* failure(store.load(centre, caseId))).toMatchObject(expected)
      expect(yield* failure(store.loadByCode(centre, snapshot.code))).toMatchObject(expected)
      expect(yield* failure(center.get({ actor, caseId }))).toMatchObject(expected)
      expect(yield* failure(center.getByCode({ actor, code: snapshot.code }))).toMatchObject(expected)
      expect(yield* failure(center.history({ actor, caseId }))).toMatchObject(expected)
      expect(yield* failure(center.enabledCommands({ actor, caseId }))).toMatchObject(expected)
      expect(yield* failure(center.list({ actor }))).toMatchObject(expected)
      // a command on the case is refused with the same error, and writes nothing
      expect(yield* failure(center.execute(issue(caseId, 3)))).toMatchObject(expected)
      expect(Option.isNone(yield* store.findCommand(centre, `${caseId}:issue-3`))).toBe(true)
      expect(yield* store.readEvents(centre, caseId)).toHaveLength(7)
    })))

  it.live("a snapshot that is JSON but not a Case", () =>
    Effect.scoped(Effect.gen(function*() {
      const { caseId, center, prefix, snapshot, store } = yield* setup
      yield* tamperSnapshot(prefix, caseId, JSON.stringify({ id: caseId, version: 7 }))
      const expected = corrupt(caseId, 7, /^snapshot does not match the Case schema/)
      expect(yield* failure(store.load(centre, caseId))).toMatchObject(expected)
      expect(yield* failure(center.get({ actor, caseId }))).toMatchObject(expected)
      // subtly wrong: a status no version of the lifecycle has
      yield* tamperSnapshot(prefix, caseId, JSON.stringify({ ...snapshot, status: "lost" }))
      expect(yield* failure(store.load(centre, caseId))).toMatchObject(expected)
      expect(yield* failure(center.execute(issue(caseId, 3)))).toMatchObject(expected)
      // a JSON null
      yield* tamperSnapshot(prefix, caseId, "null")
      expect(yield* failure(store.loadByCode(centre, snapshot.code))).toMatchObject(expected)
    })))

  it.live("a readable snapshot that belongs to another row (another case id or version than its row's)", () =>
    Effect.scoped(Effect.gen(function*() {
      const { caseId, center, prefix, snapshot, store } = yield* setup
      // the snapshot of version 6 left in the row of version 7 (e.g. restored from an older backup of one table)
      const events = yield* store.readEvents(centre, caseId)
      const stale = Option.getOrThrow(Option.fromNullable(Lifecycle.replay(events.slice(0, 6))))
      yield* tamperSnapshot(prefix, caseId, JSON.stringify(stale))
      const expected = corrupt(caseId, 7, /snapshot/)
      expect(yield* failure(store.load(centre, caseId))).toMatchObject(expected)
      // otherwise every command on the case fails as a version conflict, for ever
      expect(yield* failure(center.execute(issue(caseId, 3)))).toMatchObject(expected)
      // another case's snapshot in this case's row
      yield* tamperSnapshot(prefix, caseId, JSON.stringify({ ...snapshot, id: "someone-else" }))
      expect(yield* failure(center.get({ actor, caseId }))).toMatchObject(expected)
    })))

  it.live("an outbox entry that cannot be read stops the batch with a CorruptRecord and is not acknowledged", () =>
    Effect.scoped(Effect.gen(function*() {
      const { caseId, context, prefix } = yield* setup
      const outbox = yield* Effect.provide(Outbox.make(centre), context)
      yield* admin(
        `UPDATE ${prefix}outbox SET envelope = 'not json' WHERE centre = $1 AND case_id = $2 AND version = 1`,
        [centre, caseId]
      )
      const pending = yield* outbox.pending("bus")
      expect(pending).toBe(7)
      let called = false
      const error = yield* failure(outbox.processBatch("bus", () => Effect.sync(() => (called = true))))
      expect(error).toMatchObject(corrupt(caseId, 1, /outbox entry cannot be read/))
      expect(called).toBe(false)
      expect(yield* outbox.pending("bus")).toBe(pending)
    })))
})
