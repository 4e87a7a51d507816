/**
 * Who may do what (权限). The default policy: an actor acts and reads only inside its jurisdiction subtree (a
 * case belongs to the subtrees of the node where it arose and of the node handling it), and each role may issue
 * only its commands. Replace it by providing another {@link Policy}.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type { Actor } from "./Actor.js"
import type { Case } from "./Case.js"
import type { Condition } from "./CaseStore.js"
import type { Resolved } from "./CenterConfig.js"
import type { Command, CommandName } from "./Command.js"
import { Forbidden } from "./Errors.js"
import * as registry from "./lifecycle/registry.js"

/**
 * An access policy. Each check returns `undefined` to allow, or the {@link Forbidden} error to fail with.
 *
 * @since 0.1.0
 * @category models
 */
export interface Policy {
  /**
   * May the actor issue the command `name` on the case `current` (`undefined` for a new case)? `command` is the
   * full command when one is being executed, and `undefined` when the centre only asks what the actor could do
   * (`enabledCommands`).
   */
  readonly authorizeCommand: (
    config: Resolved,
    actor: Actor,
    name: CommandName,
    current: Case | undefined,
    command: Command | undefined
  ) => Forbidden | undefined
  /**
   * May the actor issue the command `name` at all, whatever the case? Checked before anything is read, so a
   * refusal here reads and writes nothing. Optional: without it, only {@link Policy.authorizeCommand} decides.
   */
  readonly authorizeActor?: ((config: Resolved, actor: Actor, name: CommandName) => Forbidden | undefined) | undefined
  /** May the actor read this case? */
  readonly authorizeRead: (config: Resolved, actor: Actor, c: Case) => Forbidden | undefined
  /** The rows the actor may see in lists and statistics, as a condition (or a refusal). */
  readonly readScope: (config: Resolved, actor: Actor) => Condition | Forbidden
  /**
   * Does the actor hold a {@link Permission} beyond commands and reads (reading personal data in full, verifying
   * the audit trail, applying the retention rule)? A policy without this check grants none of them.
   */
  readonly authorizePermission?: (config: Resolved, actor: Actor, permission: Permission) => Forbidden | undefined
}

/**
 * Permissions beyond commands and reads:
 *
 * - `readPersonalData` (查看完整个人信息): read resident ID numbers and phone numbers unmasked (each read is recorded);
 * - `verifyAuditTrail` (审计核验): check the audit trail's hash chain;
 * - `applyRetention` (保存期限处置): purge or anonymise archived cases past the retention age.
 *
 * @since 0.1.0
 * @category models
 */
export type Permission = "readPersonalData" | "verifyAuditTrail" | "applyRetention"

/**
 * The roles that hold each {@link Permission} by default.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultGrants: Readonly<Record<Permission, ReadonlyArray<string>>> = {
  readPersonalData: ["admin", "intake", "followUp"],
  verifyAuditTrail: ["admin", "supervisor"],
  applyRetention: ["admin", "archivist"]
}

/**
 * The policy a centre uses.
 *
 * @since 0.1.0
 * @category tags
 */
export const Policy: Context.Tag<Policy, Policy> = Context.GenericTag<Policy>("@fengqiao/core/Policy")

/**
 * The commands each built-in role may issue (`*`: all), derived from the command modules (`defineCommand({
 * permissions })`), in lifecycle order. A role with an empty list may read but not write; an actor none of whose
 * roles is listed may neither read nor write.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPermissions: Readonly<Record<string, ReadonlyArray<CommandName> | "*">> =
  registry.defaultPermissions

/**
 * Options of the default policy.
 *
 * @since 0.1.0
 * @category models
 */
export interface DefaultPolicyOptions {
  /** Commands per role; replaces {@link defaultPermissions}. */
  readonly permissions?: Readonly<Record<string, ReadonlyArray<CommandName> | "*">>
  /** Roles per {@link Permission}; replaces {@link defaultGrants} (a permission left out is held by no role). */
  readonly grants?: Readonly<Partial<Record<Permission, ReadonlyArray<string>>>>
}

/**
 * Makes the default policy.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeDefault = (options: DefaultPolicyOptions = {}): Policy => {
  const permissions = options.permissions ?? defaultPermissions
  const grants = options.grants ?? defaultGrants
  // a Map, not the object: a role named "constructor" or "toString" must not find Object.prototype's members
  const byRole = new Map(Object.entries(permissions))
  const mayIssue = (actor: Actor, command: CommandName): boolean =>
    actor.roles.some((r) => {
      const p = byRole.get(r)
      return p === "*" || (p !== undefined && p.includes(command))
    })
  const mayRead = (actor: Actor): boolean => actor.roles.some((r) => byRole.has(r))
  const home = (config: Resolved, actor: Actor) => config.tree.get(actor.jurisdiction)
  const inScope = (config: Resolved, actor: Actor, c: Case): boolean =>
    config.tree.isWithin(c.place, actor.jurisdiction) || config.tree.isWithin(c.handlingNode, actor.jurisdiction)
  const forbid = (actor: Actor, action: string, reason: string) => new Forbidden({ actorId: actor.id, action, reason })

  return {
    authorizeCommand: (config, actor, action, current, command) => {
      if (home(config, actor) === undefined) {
        return forbid(actor, action, `jurisdiction ${actor.jurisdiction} is not part of this centre`)
      }
      if (!mayIssue(actor, action)) {
        return forbid(actor, action, `none of the roles [${actor.roles.join(", ")}] may issue ${action}`)
      }
      if (command?._tag === "Register") {
        if (!config.tree.isWithin(command.place, actor.jurisdiction)) {
          return forbid(
            actor,
            action,
            `place ${command.place} is outside the actor's jurisdiction ${actor.jurisdiction}`
          )
        }
        if (command.intakeNode !== undefined && !config.tree.isWithin(command.intakeNode, actor.jurisdiction)) {
          return forbid(actor, action, `intake node ${command.intakeNode} is outside the actor's jurisdiction`)
        }
        return undefined
      }
      if (current !== undefined && !inScope(config, actor, current)) {
        return forbid(actor, action, `case ${current.id} is outside the actor's jurisdiction ${actor.jurisdiction}`)
      }
      // routing (研判) keeps the case inside the actor's own jurisdiction: the node named, or the one the case stays
      // at when none is named
      if (command?._tag === "Assess") {
        const node = command.handlingNode ?? current?.handlingNode
        if (node !== undefined && !config.tree.isWithin(node, actor.jurisdiction)) {
          return forbid(
            actor,
            action,
            `handling node ${node} is outside the actor's jurisdiction ${actor.jurisdiction}`
          )
        }
      }
      return undefined
    },
    authorizeRead: (config, actor, c) => {
      if (home(config, actor) === undefined) {
        return forbid(actor, "read", `jurisdiction ${actor.jurisdiction} is not part of this centre`)
      }
      if (!mayRead(actor)) return forbid(actor, "read", `none of the roles [${actor.roles.join(", ")}] may read cases`)
      return inScope(config, actor, c)
        ? undefined
        : forbid(actor, "read", `case ${c.id} is outside the actor's jurisdiction ${actor.jurisdiction}`)
    },
    authorizeActor: (config, actor, action) => {
      if (home(config, actor) === undefined) {
        return forbid(actor, action, `jurisdiction ${actor.jurisdiction} is not part of this centre`)
      }
      return mayIssue(actor, action)
        ? undefined
        : forbid(actor, action, `none of the roles [${actor.roles.join(", ")}] may issue ${action}`)
    },
    authorizePermission: (config, actor, permission) => {
      if (home(config, actor) === undefined) {
        return forbid(actor, permission, `jurisdiction ${actor.jurisdiction} is not part of this centre`)
      }
      const holders = Object.hasOwn(grants, permission) ? grants[permission] ?? [] : []
      return actor.roles.some((r) => holders.includes(r))
        ? undefined
        : forbid(actor, permission, `none of the roles [${actor.roles.join(", ")}] holds the permission ${permission}`)
    },
    readScope: (config, actor) => {
      const node = home(config, actor)
      if (node === undefined) {
        return forbid(actor, "read", `jurisdiction ${actor.jurisdiction} is not part of this centre`)
      }
      if (!mayRead(actor)) return forbid(actor, "read", `none of the roles [${actor.roles.join(", ")}] may read cases`)
      if (node.code === config.tree.root.code) return { _tag: "And", conditions: [] }
      return {
        _tag: "Or",
        conditions: [
          { _tag: "Within", field: "placePath", path: node.path },
          { _tag: "Within", field: "handlingPath", path: node.path }
        ]
      }
    }
  }
}

/**
 * The default policy with {@link defaultPermissions}.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPolicy: Policy = makeDefault()
