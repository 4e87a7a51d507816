/**
 * Verifying a centre's audit trail (审计链校验).
 * @internal
 */
import * as Effect from "effect/Effect"
import * as AuditTrail from "../../AuditTrail.js"
import { StoreError } from "../../Errors.js"
import * as Query from "../../Query.js"
import { decodeInput } from "../parse.js"
import { fromEither } from "./access.js"
import type { CenterContext, QueryError } from "./context.js"

const decodeVerify = decodeInput(Query.VerifyQuery)

/** `verify` of a centre: the audit trail (审计链) of one case, or of the whole centre for an actor at its root. @internal */
export const verify = (ctx: CenterContext) => {
  const { atRoot, centre, loadCase, mayRead, permitted, readable, store } = ctx
  return (input: Query.VerifyQuery): Effect.Effect<AuditTrail.VerifyReport, QueryError> =>
    Effect.gen(function*() {
      const q = yield* fromEither(decodeVerify(input))
      yield* mayRead(q.actor)
      yield* permitted(q.actor, "verifyAuditTrail")
      if (q.caseId === undefined) {
        yield* atRoot(q.actor, "verifyAuditTrail")
      } else yield* readable(q.actor, yield* loadCase(q.caseId))
      if (store.verify === undefined) {
        return yield* new StoreError({
          operation: "verify",
          reason: `the ${store.capabilities.name} store keeps no audit trail`
        })
      }
      const report = yield* store.verify(centre, q.caseId)
      return q.unhashed === "broken" ? AuditTrail.strictUnhashed(report) : report
    })
}
