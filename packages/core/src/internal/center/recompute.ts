/**
 * Counting running deadlines again (时限重算) across a centre, once a year's official holiday notice has replaced
 * its prediction.
 * @internal
 */
import * as Effect from "effect/Effect"
import { openStatuses } from "../../Case.js"
import type { Condition, Keyset } from "../../CaseStore.js"
import * as Deadline from "../../Deadline.js"
import * as Query from "../../Query.js"
import { decodeInput } from "../parse.js"
import { recomputedChanges, runningDeadlines } from "../recompute.js"
import { forbidden, fromEither } from "./access.js"
import type { CenterContext, CommandResult, ExecuteError, RecomputeResult } from "./context.js"

const decodeRecompute = decodeInput(Query.RecomputeQuery)
/** The states in which a case has a deadline running: open, or resolved with a judicial-confirmation window. */
const runningStates: Condition = {
  _tag: "In",
  field: "status",
  values: [...openStatuses, "closed", "feedbackGiven"]
}

/**
 * `recomputeDeadlines` of a centre: one `RecomputeCaseDeadlines` command, through `execute`, per case whose
 * running deadlines were counted on a predicted calendar and now move.
 * @internal
 */
export const recomputeDeadlines = (
  ctx: CenterContext,
  execute: (input: unknown) => Effect.Effect<CommandResult, ExecuteError>
) => {
  const { atRoot, centre, config, policy, store } = ctx
  return (input: Query.RecomputeQuery): Effect.Effect<RecomputeResult, ExecuteError> =>
    Effect.gen(function*() {
      const q = yield* fromEither(decodeRecompute(input))
      yield* forbidden(
        policy.authorizeCommand(config, q.actor, "RecomputeCaseDeadlines", undefined, undefined),
        undefined
      )
      yield* atRoot(q.actor, "recomputeDeadlines")
      const limit = q.limit ?? Number.MAX_SAFE_INTEGER
      const recomputed: Array<RecomputeResult["recomputed"][number]> = []
      let unchanged = 0
      let after: Keyset | undefined
      do {
        const page = yield* store.list(centre, { where: runningStates, limit: 500, order: "asc", after })
        after = page.next
        for (const c of page.items) {
          // past the limit the rest is left for another run, neither changed nor counted as unchanged
          if (recomputed.length >= limit) {
            after = undefined
            break
          }
          if (
            !runningDeadlines(c).some(([, d]) => Deadline.basisOf(d) === "predicted")
          ) continue
          if (recomputedChanges(config, c).length === 0) {
            unchanged++
            continue
          }
          // one command per case: atomic, audited, and idempotent by its id (the case's version)
          const result = yield* execute({
            _tag: "RecomputeCaseDeadlines",
            actor: q.actor,
            caseId: c.id,
            commandId: `recompute:${c.id}:${c.version}`,
            ...(q.reason !== undefined ? { reason: q.reason } : {})
          }).pipe(Effect.catchTag("GuardFailed", () => Effect.succeed(undefined)))
          const event = result?.events.find((e) => e.event._tag === "DeadlinesRecomputed")?.event
          if (result === undefined || event?._tag !== "DeadlinesRecomputed") unchanged++
          else recomputed.push({ caseId: result.caseId, code: result.code, changes: event.changes })
        }
      } while (after !== undefined)
      return { recomputed, unchanged }
    })
}
