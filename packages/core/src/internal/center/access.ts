/**
 * Who may read and do what in a centre: the checks every operation shares, and the recorded reveal of personal
 * data (个人信息).
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { Actor } from "../../Actor.js"
import type { Case } from "../../Case.js"
import type { Condition } from "../../CaseStore.js"
import type * as CaseStore from "../../CaseStore.js"
import { CaseNotFound, Forbidden, StoreError } from "../../Errors.js"
import type * as Policy from "../../Policy.js"
import * as Privacy from "../../Privacy.js"
import type { Access, Base } from "./context.js"

/** @internal */
export const forbidden = <A>(f: Forbidden | undefined, a: A): Effect.Effect<A, Forbidden> =>
  f === undefined ? Effect.succeed(a) : Effect.fail(f)

/** @internal */
export const fromEither = <A, E>(e: Either.Either<A, E>): Effect.Effect<A, E> =>
  Either.isRight(e) ? Effect.succeed(e.right) : Effect.fail(e.left)

/** @internal */
export const conflictAsStoreError = (operation: string) => (e: CaseStore.StateConflict) =>
  Effect.fail(new StoreError({ operation, reason: e.message }))

/** The access checks of a centre, built once by `Center.make`. @internal */
export const makeAccess = ({ centre, config, ids, policy, store }: Base): Access => {
  const loadCase = (caseId: string) =>
    Effect.flatMap(
      store.load(centre, caseId),
      (o) => Option.isSome(o) ? Effect.succeed(o.value) : Effect.fail(new CaseNotFound({ caseId }))
    )

  // a case the actor may not read is answered as one that does not exist (under the name the caller used: its id
  // or its code), so that a refusal never tells an outsider that a case exists; refusals that do not depend on a
  // case (the actor's roles or jurisdiction) are `mayRead`'s, checked before anything is read
  const readable = (actor: Actor, c: Case, asked: string = c.id) =>
    policy.authorizeRead(config, actor, c) === undefined
      ? Effect.succeed(c)
      : Effect.fail(new CaseNotFound({ caseId: asked }))

  /** The actor may read at all (its jurisdiction and roles), checked before anything is read. */
  const mayRead = (actor: Actor): Effect.Effect<Condition, Forbidden> => {
    const s = policy.readScope(config, actor)
    return s instanceof Forbidden ? Effect.fail(s) : Effect.succeed(s)
  }

  const permitted = (actor: Actor, permission: Policy.Permission): Effect.Effect<void, Forbidden> => {
    const denied = policy.authorizePermission === undefined
      ? new Forbidden({
        actorId: actor.id,
        action: permission,
        reason: "the centre's policy grants no such permission"
      })
      : policy.authorizePermission(config, actor, permission)
    return denied === undefined ? Effect.void : Effect.fail(denied)
  }

  const atRoot = (actor: Actor, action: string): Effect.Effect<void, Forbidden> =>
    actor.jurisdiction === config.tree.root.code ? Effect.void : Effect.fail(
      new Forbidden({
        actorId: actor.id,
        action,
        reason: `the whole centre is the concern of an actor at its root ${config.tree.root.code}`
      })
    )

  /**
   * Full personal data for an actor holding `readPersonalData`, with the read recorded first; masked otherwise.
   */
  function reveal<A>(
    actor: Actor,
    mode: Privacy.PersonalDataMode | undefined,
    operation: string,
    caseIds: ReadonlyArray<string>,
    value: A,
    mask: (a: A) => A
  ): Effect.Effect<A, Forbidden | StoreError> {
    if (mode !== "full") return Effect.succeed(mask(value))
    return Effect.gen(function*() {
      yield* permitted(actor, "readPersonalData")
      const at = new Date(yield* Clock.currentTimeMillis).toISOString()
      const record: Privacy.AccessRecord = {
        at,
        actorId: actor.id,
        roles: actor.roles,
        jurisdiction: actor.jurisdiction,
        operation,
        caseIds
      }
      const id = yield* ids.next
      yield* store.writeState(centre, Privacy.accessNamespace, `${at}/${id}`, 0, record).pipe(
        Effect.catchTag("StateConflict", conflictAsStoreError("recordAccess"))
      )
      return value
    })
  }

  return { loadCase, readable, mayRead, permitted, atRoot, reveal }
}
