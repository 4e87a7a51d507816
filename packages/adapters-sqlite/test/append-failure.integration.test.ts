/**
 * An append inside a transaction takes no savepoint of its own. A refused append (a stale expected version) undoes
 * what it wrote and leaves the transaction usable (the conformance suite checks this on every store); an append
 * that fails half-way with an SQL error leaves the transaction unable to commit, so that a caller who catches the
 * failure and goes on never commits half of it. The SQL error comes from a trigger on the events table.
 */
import { describe, expect, it } from "@effect/vitest"
import { type Case, type CaseStore, type Event, Summary } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { join } from "node:path"
import { tempDir } from "./fixtures/processes.js"
import { withDatabase } from "./fixtures/rawDb.js"
import { centre, open, registerInput } from "./fixtures/shared.js"

/** A new case `id` made of a registered case's snapshot and first event. */
const newCase = (
  resolved: Parameters<typeof Summary.ofCase>[0],
  c: Case.Case,
  event: Event.Envelope,
  id: string
): CaseStore.AppendRequest => {
  const snapshot: Case.Case = { ...c, id, code: `${id}-code`, version: 1 }
  return {
    centre,
    caseId: id,
    expectedVersion: 0,
    commandId: `cmd-${id}`,
    events: [{ ...event, caseId: id, version: 1, commandId: `cmd-${id}` }],
    snapshot,
    summary: Summary.ofCase(resolved, snapshot)
  }
}

describe("SQLite: an append failing inside a transaction", () => {
  it.live("with an SQL error half-way, dooms the transaction even when the caller goes on; a savepoint lifts it", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const filename = join(dir, "append-failure.db")
      const { center, store } = yield* open({ filename })
      const r = yield* center.execute(registerInput())
      const [first] = yield* store.readEvents(centre, r.caseId)
      withDatabase(filename, (db) =>
        db.exec(
          `CREATE TRIGGER boom BEFORE INSERT ON fq_events WHEN NEW.case_id LIKE 'boom%' BEGIN SELECT RAISE(ABORT, 'boom'); END`
        ))
      const req = (id: string) => newCase(center.config, r.case, first!, id)

      // the caller catches the append's failure and goes on: the transaction cannot commit, nothing of it stays
      const outcome = yield* Effect.either(store.withTransaction(Effect.gen(function*() {
        yield* store.append(req("ok-1"))
        const failed = yield* Effect.flip(store.append(req("boom-1")))
        expect(failed).toMatchObject({ _tag: "StoreError" })
        yield* store.append(req("ok-2"))
      })))
      expect(outcome._tag).toBe("Left")
      expect(outcome._tag === "Left" ? outcome.left : undefined).toMatchObject({ _tag: "StoreError" })
      for (const id of ["ok-1", "boom-1", "ok-2"]) {
        expect(Option.isNone(yield* store.load(centre, id))).toBe(true)
        expect(Option.isNone(yield* store.findCommand(centre, `cmd-${id}`))).toBe(true)
      }

      // inside a nested transaction that fails with it, the savepoint undoes the half-written append: the outer
      // transaction commits the rest
      yield* store.withTransaction(Effect.gen(function*() {
        yield* store.append(req("ok-3"))
        yield* Effect.either(store.withTransaction(store.append(req("boom-2"))))
        yield* store.append(req("ok-4"))
      }))
      expect(Option.isSome(yield* store.load(centre, "ok-3"))).toBe(true)
      expect(Option.isSome(yield* store.load(centre, "ok-4"))).toBe(true)
      expect(Option.isNone(yield* store.load(centre, "boom-2"))).toBe(true)
      expect(Option.isNone(yield* store.findCommand(centre, "cmd-boom-2"))).toBe(true)

      // the next transaction on the same connection is not doomed, and the centre goes on working
      yield* store.withTransaction(store.append(req("ok-5")))
      expect(Option.isSome(yield* store.load(centre, "ok-5"))).toBe(true)
      expect((yield* center.execute({ _tag: "Accept", actor: r.case.firstReceiver, caseId: r.caseId })).version)
        .toBe(2)
    })))
})
