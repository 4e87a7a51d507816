/**
 * Verifying a centre's audit trail (审计链校验).
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
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
      } else {
        // a case whose row does not match its seal cannot show whose it is: only an actor at the root verifies it
        const loaded = yield* Effect.either(loadCase(q.caseId))
        if (Either.isRight(loaded)) yield* readable(q.actor, loaded.right)
        else if (loaded.left._tag === "CorruptRecord") yield* atRoot(q.actor, "verifyAuditTrail")
        else return yield* loaded.left
      }
      if (store.verify === undefined) {
        return yield* new StoreError({
          operation: "verify",
          reason: `the ${store.capabilities.name} store keeps no audit trail`
        })
      }
      // over the whole centre, the code counters are checked too: a code handed out that no case holds
      const report = yield* store.verify(centre, q.caseId, { codeOf: ctx.config.formatCode })
      return q.unhashed === "broken" ? AuditTrail.strictUnhashed(report) : report
    })
}
