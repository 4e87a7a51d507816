/**
 * Actors: who issues a command or reads a case. Identity is the vendor's job; the SDK receives the actor with
 * every call and checks it against the {@link Policy}.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { DivisionCode, Id, Key, Name, optionalField } from "./Primitives.js"

/**
 * An actor: an id, roles, the jurisdiction node the actor works for, and for department staff the department.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Actor = Schema.Struct({
  id: Id,
  name: optionalField(Name),
  roles: Schema.Array(Key).pipe(Schema.minItems(1), Schema.maxItems(32)),
  jurisdiction: DivisionCode,
  department: optionalField(Key)
}).annotations({ identifier: "Actor" })

/**
 * @since 0.1.0
 * @category models
 */
export type Actor = typeof Actor.Type

/**
 * The built-in roles of the default policy.
 *
 * @since 0.1.0
 * @category constants
 */
export const roles = [
  "admin",
  "intake",
  "gridWorker",
  "dispatcher",
  "handler",
  "supervisor",
  "followUp",
  "archivist",
  "viewer"
] as const

/**
 * @since 0.1.0
 * @category models
 */
export type Role = typeof roles[number]
