/**
 * Retention (保存期限): redaction and purging, with plugins' `onRetention` writes in the same transaction.
 * @internal
 */
import { expect } from "@effect/vitest"
import { CaseStore, Examples, Plugin, SimulatedClock } from "@fengqiao/core"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import {
  acceptInput,
  centre,
  config,
  open,
  registerInput,
  scenarioStart,
  type Suite,
  test
} from "../internal/conformance.js"

/** @internal */
export const retention: Suite = ({ adapter }) => [
  test("retention and plugins: onRetention's writes commit with the redaction, a failing one rolls both back", () =>
    Effect.scoped(Effect.gen(function*() {
      const store = Context.get(yield* Layer.build(adapter.fresh()), CaseStore.CaseStore)
      let failing = true
      // a plugin keeping one entry per case (by its registration), removed when the retention rule takes the case
      const indexer = Plugin.definePlugin({
        id: "indexer",
        version: "1.0.0",
        projections: [{
          name: "byCase",
          events: ["Registered"],
          apply: (ctx) => ctx.state.put(ctx.case.id, 0, ctx.case.parties.length)
        }],
        onRetention: (ctx) =>
          Effect.zipRight(
            ctx.state.update(ctx.before.id, () => undefined),
            failing ? Effect.fail("index unavailable") : Effect.void
          )
      })
      const center = yield* Effect.provideService(
        SimulatedClock.makeFollowing({ config, plugins: [indexer], retention: { afterDays: 365 } }, scenarioStart),
        CaseStore.CaseStore,
        store
      )
      const r = yield* center.execute(registerInput())
      yield* center.execute({
        _tag: "Withdraw",
        actor: Examples.admin,
        caseId: r.caseId,
        reason: "申请人撤回",
        at: "2025-03-03T10:00:00+08:00"
      })
      yield* center.execute({
        _tag: "Archive",
        actor: Examples.admin,
        caseId: r.caseId,
        at: "2025-03-03T11:00:00+08:00"
      })
      const entry = Effect.map(store.readState(centre, "indexer", [r.caseId]), (es) => es.length)
      const parties = Effect.map(store.load(centre, r.caseId), (c) => Option.getOrThrow(c).parties)
      const kept = yield* parties
      expect(yield* entry).toBe(1)
      const retention = { actor: Examples.admin, asOf: "2026-03-05T00:00:00Z" }
      const failed = yield* Effect.either(center.applyRetention(retention))
      expect(failed._tag === "Left" ? failed.left : "applied").toMatchObject({
        _tag: "PluginFailed",
        plugin: "indexer",
        hook: "onRetention"
      })
      expect(yield* entry).toBe(1)
      expect(yield* parties).toStrictEqual(kept)
      failing = false
      expect((yield* center.applyRetention(retention)).cases.map((c) => c.caseId)).toEqual([r.caseId])
      expect(yield* entry).toBe(0)
      expect(yield* parties).not.toStrictEqual(kept)
    }))),

  test("retention: redact replaces the snapshot and re-chains the events, or purges them; summaries stay", () =>
    Effect.scoped(Effect.gen(function*() {
      const { center, store } = yield* open(adapter.fresh())
      expect(store.redact, "the store implements redact").toBeTypeOf("function")
      const a = yield* center.execute(registerInput())
      const b = yield* center.execute(registerInput())
      yield* center.execute(acceptInput(a.caseId))
      // retention purges archived cases only
      yield* center.execute({
        _tag: "Withdraw",
        actor: Examples.admin,
        caseId: b.caseId,
        reason: "申请人撤回",
        at: "2025-03-03T10:00:00+08:00"
      })
      const archivedB = yield* center.execute({
        _tag: "Archive",
        actor: Examples.admin,
        caseId: b.caseId,
        at: "2025-03-03T11:00:00+08:00"
      })
      const stats: CaseStore.AggregateRequest = {
        where: { _tag: "And", conditions: [] },
        groupBy: [{ _tag: "Column", field: "status" }],
        measures: [{ _tag: "Count", name: "n" }, {
          _tag: "Duration",
          name: "d",
          from: "registeredAt",
          to: "acceptedAt",
          stat: "sum"
        }],
        utcOffsetMinutes: 480
      }
      const before = yield* store.aggregate(centre, stats)
      const anonymous = [{ _tag: "Person" as const, role: "applicant" as const, name: "当事人1" }]
      const loaded = Option.getOrThrow(yield* store.load(centre, a.caseId))
      const events = yield* store.readEvents(centre, a.caseId)
      const rewritten = events.map((e) =>
        e.event._tag === "Registered"
          ? { ...e, event: { ...e.event, parties: anonymous, description: "（已匿名化）" } }
          : e
      )
      yield* store.redact!({
        centre,
        caseId: a.caseId,
        version: 2,
        snapshot: { ...loaded, parties: anonymous, description: "（已匿名化）" },
        events: rewritten
      })
      expect(Option.getOrThrow(yield* store.load(centre, a.caseId)).parties).toStrictEqual(anonymous)
      expect(yield* store.readEvents(centre, a.caseId)).toStrictEqual(rewritten)
      const purgedSnapshot = { ...archivedB.case, parties: anonymous }
      yield* store.redact!({ centre, caseId: b.caseId, version: 3, snapshot: purgedSnapshot, events: undefined })
      expect(yield* store.readEvents(centre, b.caseId)).toStrictEqual([])
      expect(Option.getOrThrow(yield* store.load(centre, b.caseId))).toStrictEqual(purgedSnapshot)
      expect(yield* store.aggregate(centre, stats)).toStrictEqual(before)
      expect(yield* store.verify!(centre)).toStrictEqual({ ok: true, cases: 2, events: 2, unhashed: 0, purged: 1 })
      const stale = yield* Effect.flip(
        store.redact!({
          centre,
          caseId: a.caseId,
          version: 1,
          snapshot: { ...loaded, version: 1 },
          events: undefined
        })
      )
      expect(stale).toMatchObject({ _tag: "VersionConflict", caseId: a.caseId, actualVersion: 2 })
      // events removed from an open case under the purge marker are a broken link, not a purge
      yield* store.redact!({ centre, caseId: a.caseId, version: 2, snapshot: loaded, events: undefined })
      expect(yield* store.verify!(centre, a.caseId)).toMatchObject({
        ok: false,
        purged: 0,
        broken: { caseId: a.caseId, version: 2, reason: expect.stringMatching(/marked purged but is accepted/) }
      })
    })))
]
