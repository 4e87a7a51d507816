/**
 * The storage port. A store keeps, per centre: the append-only events of each case, a snapshot and a
 * {@link CaseSummary} row written in the same transaction, the gapless case-code counters and the command-id
 * index that makes commands idempotent. The in-memory store ({@link MemoryStore}), SQLite and PostgreSQL all
 * implement it and pass the same conformance suite (`@fengqiao/testkit`).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { VerifyOptions, VerifyReport } from "./AuditTrail.js"
import type { Case } from "./Case.js"
import type { CorruptRecord, StoreError, VersionConflict } from "./Errors.js"
import type { Envelope } from "./Event.js"
import type { PlacedNode } from "./Jurisdiction.js"
import type * as Summary from "./Summary.js"
import type { CaseSummary, TimeField } from "./Summary.js"

/**
 * The command id was already applied (possibly by a concurrent writer). The centre answers with the first
 * result; callers of the centre never see this error.
 *
 * @since 0.1.0
 * @category errors
 */
export class DuplicateCommand
  extends Schema.TaggedError<DuplicateCommand>("@fengqiao/core/DuplicateCommand")("DuplicateCommand", {
    commandId: Schema.String
  }, { identifier: "DuplicateCommand" })
{
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Command ${this.commandId} was already applied`
  }
}

/**
 * A plugin's compare-and-set on its state lost: the entry is not at the expected version.
 *
 * @since 0.1.0
 * @category errors
 */
export class StateConflict extends Schema.TaggedError<StateConflict>("@fengqiao/core/StateConflict")("StateConflict", {
  namespace: Schema.String,
  key: Schema.String,
  expectedVersion: Schema.Number,
  actualVersion: Schema.Number
}, { identifier: "StateConflict" }) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `State ${this.namespace}/${this.key} is at version ${this.actualVersion}, expected ${this.expectedVersion}`
  }
}

/**
 * An entry of a plugin's namespaced state: a JSON value with a version that increases with every write.
 *
 * @since 0.1.0
 * @category models
 */
export interface StateEntry {
  readonly key: string
  readonly value: unknown
  readonly version: number
}

/**
 * An atomic append: the events (versions `expectedVersion + 1 …`), the resulting snapshot and summary, and the
 * command id, all or nothing. Fails with `VersionConflict` when the case is not at `expectedVersion` (0 for a new
 * case) and with `DuplicateCommand` when the command id is already recorded.
 *
 * @since 0.1.0
 * @category models
 */
export interface AppendRequest {
  readonly centre: string
  readonly caseId: string
  readonly expectedVersion: number
  readonly commandId: string
  readonly events: ReadonlyArray<Envelope>
  readonly snapshot: Case
  readonly summary: CaseSummary
}

/**
 * A retention rewrite of one case: see {@link Audit.redact}.
 *
 * @since 0.1.0
 * @category models
 */
export interface RedactRequest {
  readonly centre: string
  readonly caseId: string
  /** The version the case must be at. */
  readonly version: number
  /** The new snapshot (same id, code and version). */
  readonly snapshot: Case
  /** The rewritten events (versions 1 … `version`), or `undefined` to remove them. */
  readonly events: ReadonlyArray<Envelope> | undefined
  /**
   * The retention rule applied (its cut-off: the case was archived before it), when and by whom: a store that
   * purges records it in the chain (`AuditTrail.PurgeRecord`). Optional for callers other than retention.
   */
  readonly rule?: { readonly cutoff: string; readonly at: string; readonly actorId: string } | undefined
}

/**
 * Where an applied command's events are.
 *
 * @since 0.1.0
 * @category models
 */
export interface CommandRecord {
  readonly commandId: string
  readonly caseId: string
  readonly fromVersion: number
  readonly toVersion: number
}

/**
 * Summary columns that can be filtered and grouped on (listed once, in `Summary.Column`).
 *
 * @since 0.1.0
 * @category models
 */
export type Column = Summary.Column

/**
 * A scalar that conditions compare with.
 *
 * @since 0.1.0
 * @category models
 */
export type Scalar = string | number | boolean | null

/**
 * A condition on summary rows: a small expression language that every store evaluates the same way (SQL stores
 * compile it to `WHERE`). Time values are canonical timestamps.
 *
 * @since 0.1.0
 * @category models
 */
export type Condition =
  | { readonly _tag: "Eq"; readonly field: Column; readonly value: Scalar }
  | { readonly _tag: "In"; readonly field: Column; readonly values: ReadonlyArray<string | number> }
  | { readonly _tag: "Gt"; readonly field: Column; readonly value: number }
  | { readonly _tag: "Present"; readonly field: TimeField | Column }
  | { readonly _tag: "Absent"; readonly field: TimeField | Column }
  | { readonly _tag: "Before"; readonly field: TimeField; readonly value: string }
  | { readonly _tag: "NotBefore"; readonly field: TimeField; readonly value: string }
  | { readonly _tag: "Later"; readonly field: TimeField; readonly than: TimeField }
  | { readonly _tag: "Within"; readonly field: "placePath" | "handlingPath"; readonly path: string }
  | { readonly _tag: "And"; readonly conditions: ReadonlyArray<Condition> }
  | { readonly _tag: "Or"; readonly conditions: ReadonlyArray<Condition> }
  | { readonly _tag: "Not"; readonly condition: Condition }

/**
 * The keyset position after which a page starts.
 *
 * @since 0.1.0
 * @category models
 */
export interface Keyset {
  readonly registeredAt: string
  readonly id: string
}

/**
 * A page request: rows matching `where`, ordered by `(registeredAt, id)`, after `after`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListRequest {
  readonly where: Condition
  readonly limit: number
  readonly order: "asc" | "desc"
  readonly after?: Keyset | undefined
}

/**
 * A page of cases.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListResult {
  readonly items: ReadonlyArray<Case>
  /** Set when there may be more rows. */
  readonly next?: Keyset | undefined
}

/**
 * A grouping key of an aggregate: a column, a time period in the centre's time zone (`day` → `2025-03-01`,
 * `week` → the Monday `2025-02-24`, `month` → `2025-03`, `quarter` → `2025-Q1`, `year` → `2025`), or the code of
 * the place/handling node's ancestor at a depth below the root (0 = the root; `null` when the node is shallower).
 *
 * @since 0.1.0
 * @category models
 */
export type Dimension =
  | { readonly _tag: "Column"; readonly field: Column }
  | {
    readonly _tag: "Period"
    readonly field: TimeField
    readonly unit: "day" | "week" | "month" | "quarter" | "year"
  }
  | { readonly _tag: "Jurisdiction"; readonly of: "place" | "handling"; readonly depth: number }

/**
 * The numeric columns a `Sum` measure can add up (listed once, in `Summary.SummableColumn`).
 *
 * @since 0.1.0
 * @category models
 */
export type SummableColumn = Summary.SummableColumn

/**
 * A measure of an aggregate. Durations are in milliseconds, over rows where both times are present.
 *
 * @since 0.1.0
 * @category models
 */
export type Measure =
  | { readonly _tag: "Count"; readonly name: string; readonly where?: Condition | undefined }
  | {
    readonly _tag: "Sum"
    readonly name: string
    readonly field: SummableColumn
    readonly where?: Condition | undefined
  }
  | {
    readonly _tag: "Duration"
    readonly name: string
    readonly from: TimeField
    readonly to: TimeField
    readonly stat: "avg" | "sum" | "min" | "max" | "median" | "count"
    readonly where?: Condition | undefined
  }

/**
 * An aggregate request: group the rows matching `where` by `groupBy` and compute `measures`. Without `groupBy`
 * the answer is always exactly one row, even when no row matches (as SQL does).
 *
 * @since 0.1.0
 * @category models
 */
export interface AggregateRequest {
  readonly where: Condition
  readonly groupBy: ReadonlyArray<Dimension>
  readonly measures: ReadonlyArray<Measure>
  /** For period dimensions. */
  readonly utcOffsetMinutes: number
}

/**
 * One group of an aggregate: its keys (in `groupBy` order) and measure values (by name; `null` when no row
 * qualifies for an average, minimum, maximum or median).
 *
 * @since 0.1.0
 * @category models
 */
export interface AggregateRow {
  readonly keys: ReadonlyArray<string | number | boolean | null>
  readonly values: Readonly<Record<string, number | null>>
}

const rank = (v: unknown): number => (v === null ? 0 : typeof v === "boolean" ? 1 : typeof v === "number" ? 2 : 3)

/**
 * The order of aggregate rows, by their keys: `null` first, then booleans, numbers, then strings (by UTF-16 code
 * units, as JavaScript compares them). Every store returns its rows in this order.
 *
 * @since 0.1.0
 * @category utils
 */
export const compareKeys = (
  a: ReadonlyArray<string | number | boolean | null>,
  b: ReadonlyArray<string | number | boolean | null>
): number => {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    const y = b[i]
    if (x === y) continue
    const rx = rank(x)
    const ry = rank(y)
    if (rx !== ry) return rx - ry
    return (x as string | number) < (y as string | number) ? -1 : 1
  }
  return 0
}

/**
 * Freezes a value and everything it holds, in place, and returns it: what a store hands out (snapshots, summaries,
 * events) cannot be changed by its reader. Stops at what is frozen already, so the unchanged parts of a new
 * snapshot, shared with the old one, cost nothing.
 *
 * @since 0.2.0
 * @category utils
 */
export const deepFreeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    const record = value as Record<string, unknown>
    for (const k in record) {
      const v = record[k]
      if (typeof v === "object" && v !== null) deepFreeze(v)
    }
  }
  return value
}

/**
 * What a store can do, for tests and tools.
 *
 * @since 0.1.0
 * @category models
 */
export interface Capabilities {
  readonly name: string
  /** Data survives the process. */
  readonly persistent: boolean
  /** Several processes or connections may write at once. */
  readonly concurrentWriters: boolean
  /**
   * How many `aggregate` queries the store runs at once (its read connections; default 1). Statistics split a
   * long period into that many time slices, so that its passes keep every connection busy.
   */
  readonly parallelReads?: number | undefined
}

/**
 * The event log (事件日志): what a command writes and how it stays atomic. The events of each case with the
 * snapshot and summary row written beside them, the command-id index that makes commands idempotent, the gapless
 * counters of case codes, and the transaction every other facet's writes join. The facet a store is built around:
 * the other three read or write beside it, in its transactions.
 *
 * @since 0.2.0
 * @category models
 */
export interface EventLog {
  /** What the store can do (for tests and tools). */
  readonly capabilities: Capabilities
  /**
   * Appends atomically; see {@link AppendRequest}. Inside a transaction, a failed append leaves nothing of itself
   * behind and the transaction usable (a store may leave the undoing of an unexpected failure to the transaction's
   * rollback, as long as the transaction can then no longer commit).
   */
  readonly append: (request: AppendRequest) => Effect.Effect<void, VersionConflict | DuplicateCommand | StoreError>
  /** Appends many requests (typically new cases in a bulk import) in one transaction: all or nothing. */
  readonly appendBatch: (
    requests: ReadonlyArray<AppendRequest>
  ) => Effect.Effect<void, VersionConflict | DuplicateCommand | StoreError>
  /** Events of a case, in version order, optionally from/to a version (inclusive). */
  readonly readEvents: (
    centre: string,
    caseId: string,
    range?: { readonly fromVersion?: number | undefined; readonly toVersion?: number | undefined }
  ) => Effect.Effect<ReadonlyArray<Envelope>, StoreError | CorruptRecord>
  /** Where a command id's events are, if it was applied. */
  readonly findCommand: (centre: string, commandId: string) => Effect.Effect<Option.Option<CommandRecord>, StoreError>
  /**
   * The next number of a gapless sequence (a case-code counter); with `count`, reserves that many consecutive
   * numbers and returns the first. Call it inside the same transaction as the append that uses it, so that a
   * failed command gives its numbers back.
   */
  readonly nextSequence: (centre: string, scope: string, count?: number) => Effect.Effect<number, StoreError>
  /**
   * Runs an effect in a transaction; nested calls join the outer one (a nested failure rolls back its part). The
   * writes of every facet inside it commit or roll back together.
   */
  readonly withTransaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StoreError, R>
}

/**
 * The case index (案件索引): the latest snapshot and {@link CaseSummary} row of each case, as the event log's
 * appends leave them, read by id, by code, by page and in aggregate.
 *
 * @since 0.2.0
 * @category models
 */
export interface CaseIndex {
  /** The latest snapshot of a case. */
  readonly load: (centre: string, caseId: string) => Effect.Effect<Option.Option<Case>, StoreError | CorruptRecord>
  /**
   * The latest snapshots of several cases at once, in any order; ids without a case are left out. Optional: the
   * centre falls back to {@link CaseIndex.load} per id (the bulk import checks its case ids with it, one query per
   * few hundred ids on the SQL stores instead of one per case).
   */
  readonly loadMany?:
    | ((
      centre: string,
      caseIds: ReadonlyArray<string>
    ) => Effect.Effect<ReadonlyArray<Case>, StoreError | CorruptRecord>)
    | undefined
  /** The latest snapshot of a case by its code. */
  readonly loadByCode: (centre: string, code: string) => Effect.Effect<Option.Option<Case>, StoreError | CorruptRecord>
  /** A page of cases. */
  readonly list: (centre: string, request: ListRequest) => Effect.Effect<ListResult, StoreError | CorruptRecord>
  /** Group-by counts, sums and durations over summaries, computed where the data lives. */
  readonly aggregate: (
    centre: string,
    request: AggregateRequest
  ) => Effect.Effect<ReadonlyArray<AggregateRow>, StoreError>
  /**
   * Keeps a copy of a centre's jurisdiction tree, for stores that report on it in their own query language (the
   * SQL stores' `jurisdictions` table). Called by the centre at start-up; optional.
   */
  readonly registerCentre?:
    | ((
      centre: string,
      nodes: ReadonlyArray<PlacedNode>
    ) => Effect.Effect<void, StoreError>)
    | undefined
}

/**
 * Plugin state (插件状态): each plugin's namespaced JSON entries with compare-and-set versions, and the record of
 * the plugin migrations applied. Written in the command's transaction, so it commits or rolls back with the
 * events.
 *
 * @since 0.2.0
 * @category models
 */
export interface PluginState {
  /** Entries of a namespace's state by key (missing keys are left out). */
  readonly readState: (
    centre: string,
    namespace: string,
    keys: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyArray<StateEntry>, StoreError>
  /**
   * Compare-and-set of one entry: writes `value` (JSON; `undefined` deletes) when the entry is at
   * `expectedVersion` (0: absent), and returns the new version (0 after a delete).
   */
  readonly writeState: (
    centre: string,
    namespace: string,
    key: string,
    expectedVersion: number,
    value: unknown
  ) => Effect.Effect<number, StateConflict | StoreError>
  /** Entries whose key starts with `prefix`, in key order (by UTF-16 code units), after `after`, at most `limit`. */
  readonly scanState: (
    centre: string,
    namespace: string,
    options: { readonly prefix: string; readonly after?: string | undefined; readonly limit: number }
  ) => Effect.Effect<ReadonlyArray<StateEntry>, StoreError>
  /**
   * The ids of a plugin's migrations applied so far (its own record, apart from the store's schema). Read inside a
   * transaction, they stay true until it ends: a store other processes write to at once keeps their migrators
   * waiting meanwhile (the SQL stores: PostgreSQL takes the migration lock; SQLite's write transaction already
   * excludes other writers), so the host can read, apply and record a migration without racing another start.
   */
  readonly pluginMigrations: (centre: string, plugin: string) => Effect.Effect<ReadonlyArray<number>, StoreError>
  /** Records a plugin migration as applied (call in the transaction that applied it). */
  readonly recordPluginMigration: (
    centre: string,
    plugin: string,
    id: number,
    name: string
  ) => Effect.Effect<void, StoreError>
}

/**
 * The audit trail (审计链) and what may rewrite it: checking the hash chain the event log's appends extend, and
 * retention (保存期限) rewriting or purging a case's events. Both members are optional in the type; the
 * conformance suite expects them.
 *
 * @since 0.2.0
 * @category models
 */
export interface Audit {
  /**
   * Checks the audit trail (see `AuditTrail`): recomputes every stored event's hash from the previous hash and its
   * content, for one case or for the whole centre, and reports the first broken link. Stores that keep the chain
   * implement it (the in-memory and SQL stores do).
   */
  readonly verify?:
    | ((centre: string, caseId?: string, options?: VerifyOptions) => Effect.Effect<VerifyReport, StoreError>)
    | undefined
  /**
   * Retention (保存期限): replaces a case's snapshot (its summary row is kept as it is, so statistics do not change)
   * and either replaces its events (`events` given: same versions, the hash chain recomputed) or removes them
   * (`events` undefined: purged). Fails with `VersionConflict` when the case is not at `version`.
   */
  readonly redact?: ((request: RedactRequest) => Effect.Effect<void, VersionConflict | StoreError>) | undefined
  /**
   * Gives the store the key its case rows are sealed with from now on (HMAC-SHA-256, see `AuditTrail.sealCase`):
   * a centre with a key service calls it when it starts, so that a copied or invented head, or an edited row, cannot
   * be sealed again without the key. Stores that seal their rows implement it (the SQL store does).
   */
  readonly useSealKey?: ((key: Uint8Array) => Effect.Effect<void, StoreError>) | undefined
}

/**
 * The storage port: four small contracts under one tag — the {@link EventLog} (appends, events, commands,
 * sequences, transactions), the {@link CaseIndex} (snapshots and summaries: load, list, aggregate), the
 * {@link PluginState} and the {@link Audit} trail. An adapter implements all four; a reader of the code sees which
 * concern a member belongs to.
 *
 * @since 0.1.0
 * @category models
 */
export interface CaseStore extends EventLog, CaseIndex, PluginState, Audit {}

/**
 * The tag of the storage port.
 *
 * @since 0.1.0
 * @category tags
 */
export const CaseStore: Context.Tag<CaseStore, CaseStore> = Context.GenericTag<CaseStore>("@fengqiao/core/CaseStore")
