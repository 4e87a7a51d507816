/**
 * What every operation of a centre works with: its configuration, store, policy, plugin host and ids, built once
 * by `Center.make`, and the models its operations share (re-exported by `Center`). Each module under
 * `internal/center` exports `(ctx) => operation`.
 * @internal
 */
import type * as Effect from "effect/Effect"
import type { Actor } from "../../Actor.js"
import type { Case } from "../../Case.js"
import type { CaseStore, Condition } from "../../CaseStore.js"
import type { Resolved } from "../../CenterConfig.js"
import type {
  CalendarYearNotCovered,
  CaseLimitExceeded,
  CaseNotFound,
  CommandNotAllowed,
  CorruptRecord,
  Forbidden,
  GuardFailed,
  InvalidInput,
  PluginFailed,
  StoreError,
  VersionConflict
} from "../../Errors.js"
import type { CaseEvent, Envelope } from "../../Event.js"
import type { IdGenerator } from "../../IdGenerator.js"
import type { makeHost } from "../../plugins/host.js"
import type * as Policy from "../../Policy.js"
import type * as Privacy from "../../Privacy.js"

/** @internal */
export interface CommandResult {
  readonly caseId: string
  readonly code: string
  readonly version: number
  readonly case: Case
  readonly events: ReadonlyArray<Envelope>
  readonly duplicate: boolean
}

/** @internal */
export type ExecuteError =
  | PluginFailed
  | InvalidInput
  | Forbidden
  | CaseNotFound
  | CommandNotAllowed
  | GuardFailed
  | VersionConflict
  | CalendarYearNotCovered
  | StoreError
  | CorruptRecord
  | CaseLimitExceeded

/** @internal */
export interface Page {
  readonly items: ReadonlyArray<Case>
  /** Pass back as `cursor` for the next page; absent on the last page. */
  readonly nextCursor?: string | undefined
}

/** @internal */
export type QueryError = InvalidInput | Forbidden | CaseNotFound | StoreError | CorruptRecord

/** @internal */
export interface RetentionResult {
  readonly mode: "anonymise" | "purge"
  /** Cases archived before this time were due. */
  readonly cutoff: string
  readonly cases: ReadonlyArray<{ readonly caseId: string; readonly code: string }>
}

/** @internal */
export interface RecomputeResult {
  readonly recomputed: ReadonlyArray<{
    readonly caseId: string
    readonly code: string
    readonly changes: ReadonlyArray<Extract<CaseEvent, { readonly _tag: "DeadlinesRecomputed" }>["changes"][number]>
  }>
  readonly unchanged: number
}

/** @internal */
export interface RetentionOptions {
  readonly afterDays: number
  /** What {@link Center.applyRetention} does by default (default `anonymise`). */
  readonly mode?: "anonymise" | "purge" | undefined
}

/** The limits a centre holds cases and imports to (see `Center.Limits`). @internal */
export interface Limits {
  /** The events a case may hold (default {@link defaultLimits}). */
  readonly eventsPerCase?: number | undefined
  /** The commands one `importCases` may carry, all cases together. */
  readonly commandsPerImport?: number | undefined
}

/** The limits of a centre made without `limits`. @internal */
export const defaultLimits = { eventsPerCase: 10_000, commandsPerImport: 500_000 } as const

/** @internal */
export interface ImportInput {
  readonly cases: ReadonlyArray<{ readonly commands: ReadonlyArray<unknown> }>
  readonly batchSize?: number | undefined
}

/** @internal */
export interface ImportResult {
  readonly imported: ReadonlyArray<{ readonly caseId: string; readonly code: string; readonly version: number }>
}

/** The plugin host of a centre. @internal */
export type Host = ReturnType<typeof makeHost>

/** What `Center.make` builds before any operation: the centre's parts. @internal */
export interface Base {
  readonly config: Resolved
  /** The centre's id (`config.id`). */
  readonly centre: string
  /** The store, sealing party data when the centre has keys. */
  readonly store: CaseStore
  readonly policy: Policy.Policy
  readonly ids: IdGenerator
  readonly host: Host
  /** How many times a command is retried after a version conflict with another process. */
  readonly retries: number
  /** Wrap each command in a `Center.execute` span. */
  readonly tracing: boolean
  /** The retention rule applied by `applyRetention`. */
  readonly retention: RetentionOptions | undefined
  /** The centre's limits, defaults filled in. */
  readonly limits: Required<{ readonly [K in keyof Limits]: number }>
}

/** The checks of who may read and do what, shared by the operations (see `access.ts`). @internal */
export interface Access {
  readonly loadCase: (caseId: string) => Effect.Effect<Case, CaseNotFound | StoreError | CorruptRecord>
  /**
   * The case if the actor may read it; `CaseNotFound` (naming the case as `asked`, by default its id) if not, as
   * for a case that does not exist.
   */
  readonly readable: (actor: Actor, c: Case, asked?: string) => Effect.Effect<Case, CaseNotFound>
  /** The actor may read at all (its jurisdiction and roles), checked before anything is read. */
  readonly mayRead: (actor: Actor) => Effect.Effect<Condition, Forbidden>
  readonly permitted: (actor: Actor, permission: Policy.Permission) => Effect.Effect<void, Forbidden>
  readonly atRoot: (actor: Actor, action: string) => Effect.Effect<void, Forbidden>
  /** Full personal data for an actor holding `readPersonalData`, with the read recorded first; masked otherwise. */
  readonly reveal: <A>(
    actor: Actor,
    mode: Privacy.PersonalDataMode | undefined,
    operation: string,
    caseIds: ReadonlyArray<string>,
    value: A,
    mask: (a: A) => A
  ) => Effect.Effect<A, Forbidden | StoreError>
}

/** The context of a centre's operations. @internal */
export interface CenterContext extends Base, Access {}
