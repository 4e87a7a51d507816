/**
 * Applying the retention rule (保存期限): archived cases due are anonymised (parties and description replaced) or
 * purged (their events too).
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { Case } from "../../Case.js"
import type { Condition, Keyset } from "../../CaseStore.js"
import { StoreError } from "../../Errors.js"
import * as Query from "../../Query.js"
import { decodeInput, invalidInput } from "../parse.js"
import { conflictAsStoreError, fromEither } from "./access.js"
import type { CenterContext, ExecuteError, RetentionResult } from "./context.js"

const decodeRetention = decodeInput(Query.RetentionQuery)

const retentionNamespace = "fengqiao:retention"

const idOf = (c: Case): string => c.id

const anonymousParties = (c: Case): Case["parties"] =>
  c.parties.map((p, i) => ({ _tag: p._tag, role: p.role, name: `当事人${i + 1}` }) as Case["parties"][number])
const anonymousDescription = "（已按保存期限匿名化）"

/**
 * `applyRetention` of a centre: archived cases past the retention period anonymised or purged, each in one
 * transaction with its plugins' state, and recorded.
 * @internal
 */
export const applyRetention = (ctx: CenterContext) => {
  const { atRoot, centre, host, permitted, retention, store } = ctx
  return (input: Query.RetentionQuery): Effect.Effect<RetentionResult, ExecuteError> =>
    Effect.gen(function*() {
      const q = yield* fromEither(decodeRetention(input))
      yield* permitted(q.actor, "applyRetention")
      yield* atRoot(q.actor, "applyRetention")
      const days = q.olderThanDays ?? retention?.afterDays
      if (days === undefined) {
        return yield* invalidInput("olderThanDays", "a number of days (the centre has no retention.afterDays)")
      }
      const mode = q.mode ?? retention?.mode ?? "anonymise"
      const redact = store.redact
      if (redact === undefined) {
        return yield* new StoreError({
          operation: "applyRetention",
          reason: `the ${store.capabilities.name} store cannot redact`
        })
      }
      const asOfMs = q.asOf === undefined ? yield* Clock.currentTimeMillis : Date.parse(q.asOf)
      const cutoff = new Date(asOfMs - days * 86_400_000).toISOString()
      const limit = q.limit ?? 10_000
      const archived: Condition = { _tag: "Eq", field: "status", value: "archived" }
      const old: Condition = { _tag: "Before", field: "archivedAt", value: cutoff }
      const due: Condition = { _tag: "And", conditions: [archived, old] }
      const done: Array<{ caseId: string; code: string }> = []
      let after: Keyset | undefined
      while (done.length < limit) {
        const page = yield* store.list(centre, { where: due, limit: 200, order: "asc", after })
        const pageIds = page.items.map(idOf)
        const recorded = yield* store.readState(centre, retentionNamespace, pageIds)
        const previous = new Map(recorded.map((e) => [e.key, e]))
        for (const c of page.items) {
          if (done.length >= limit) {
            break
          }
          const before = previous.get(c.id)
          const was = (before?.value as { mode?: string } | undefined)?.mode
          if (was === "purge" || was === mode) {
            continue
          }
          yield* store.withTransaction(Effect.gen(function*() {
            const parties = anonymousParties(c)
            const snapshot: Case = { ...c, parties, description: anonymousDescription }
            const stored = mode === "purge" ? [] : yield* store.readEvents(centre, c.id)
            const events = mode === "purge" ? undefined : stored.map((e) =>
              e.event._tag === "Registered"
                ? { ...e, event: { ...e.event, parties, description: anonymousDescription } }
                : e
            )
            yield* redact({
              centre,
              caseId: c.id,
              version: c.version,
              snapshot,
              events,
              rule: { cutoff, at: new Date(yield* Clock.currentTimeMillis).toISOString(), actorId: q.actor.id }
            })
            // plugins forget what they derived from the case's people, in the same transaction
            yield* host.retention(mode, c, snapshot)
            yield* store.writeState(centre, retentionNamespace, c.id, before?.version ?? 0, {
              mode,
              at: new Date(yield* Clock.currentTimeMillis).toISOString(),
              actorId: q.actor.id,
              version: c.version
            }).pipe(Effect.catchTag("StateConflict", conflictAsStoreError("applyRetention")))
          }))
          done.push({ caseId: c.id, code: c.code })
        }
        if (page.next === undefined) {
          break
        }
        after = page.next
      }
      return { mode, cutoff, cases: done }
    })
}
