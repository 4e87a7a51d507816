/**
 * Schemas of the query inputs: list filters, aggregate requests and the condition language, so that queries
 * from untrusted callers are validated like commands.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Actor } from "./Actor.js"
import { Status } from "./Case.js"
import type { Column, Condition, Dimension, Measure } from "./CaseStore.js"
import { defaultQueryLimits, type QueryLimits } from "./CenterConfig.js"
import type { InvalidInput } from "./Errors.js"
import { beyondLimits, conditionSize } from "./internal/querySize.js"
import { CaseId, DivisionCode, isSaneInstant, Key, maxVersion, TimestampInput } from "./Primitives.js"
import * as Summary from "./Summary.js"
import type { TimeField } from "./Summary.js"

/**
 * How a query returns resident ID numbers and phone numbers: `masked` (the default: `220283********1234`,
 * `138****5678`) or `full`, which needs the `readPersonalData` permission and is recorded.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PersonalData = Schema.Literal("masked", "full").annotations({ identifier: "PersonalData" })

/**
 * A summary column.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ColumnSchema: Schema.Schema<Column> = Summary.Column.annotations({ identifier: "Column" })

/**
 * A time column.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TimeFieldSchema: Schema.Schema<TimeField> = Summary.TimeField.annotations({
  identifier: "TimeField"
})

// numbers in conditions are finite: NaN and ±Infinity compare differently in JavaScript and in SQL
const FiniteNumber = Schema.Number.pipe(Schema.finite())

// an instant in a condition (each store compares it as an instant): an ISO-8601 date-time with its time zone, or a
// date alone (midnight UTC, as Date.parse reads it). Not whatever else Date.parse reads: "2025-03-01T08:00" or
// "March 1, 2025" are read in the host's time zone, so the same query would select other cases on another server
const instantPattern = /^(\d{4}|[+-]\d{6})-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/

const InstantText = Schema.String.pipe(
  Schema.maxLength(40),
  Schema.filter((s) =>
    (instantPattern.test(s) && !Number.isNaN(Date.parse(s))) ||
    "an ISO-8601 instant with its time zone, such as 2025-03-01T00:00:00.000Z or 2025-03-01T08:00:00+08:00"
  ),
  // the range every door accepts (see `Primitives.earliestInstant`)
  Schema.filter((s) =>
    isSaneInstant(new Date(Date.parse(s)).toISOString()) || "an instant from 1900-01-01 to 2199-12-31 (UTC)"
  ),
  // property tests draw instants that the pattern admits (random text almost never would)
  Schema.annotations({
    arbitrary: () => (fc) =>
      fc.tuple(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), fc.nat(2)).map(([ms, form]) => {
        const iso = new Date(ms).toISOString()
        return form === 0 ? iso : form === 1
          ? new Date(ms + 28_800_000).toISOString().replace("Z", "+08:00")
          : iso.slice(0, 10)
      })
  })
)

// text compared with stored values: no store keeps a NUL character (PostgreSQL refuses one), so none is asked for
const QueryText = (maxLength: number) =>
  Schema.String.pipe(
    Schema.maxLength(maxLength),
    Schema.filter((s) => !s.includes("\u0000") || "text without NUL characters")
  )

/** The largest version a store keeps (a 32-bit integer). */
const Version = Schema.Int.pipe(Schema.between(1, maxVersion))

const ScalarSchema = Schema.Union(
  QueryText(1000),
  FiniteNumber,
  Schema.Boolean,
  Schema.Null
)

/**
 * The condition language (see `CaseStore.Condition`), at most 8 levels deep and 100 terms per level.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ConditionSchema: Schema.Schema<Condition, Condition> = Schema.Union(
  Schema.TaggedStruct("Eq", { field: ColumnSchema, value: ScalarSchema }),
  Schema.TaggedStruct("In", {
    field: ColumnSchema,
    values: Schema.Array(Schema.Union(QueryText(1000), FiniteNumber)).pipe(
      Schema.maxItems(1000)
    )
  }),
  Schema.TaggedStruct("Gt", { field: ColumnSchema, value: FiniteNumber }),
  Schema.TaggedStruct("Present", { field: Schema.Union(TimeFieldSchema, ColumnSchema) }),
  Schema.TaggedStruct("Absent", { field: Schema.Union(TimeFieldSchema, ColumnSchema) }),
  Schema.TaggedStruct("Before", { field: TimeFieldSchema, value: InstantText }),
  Schema.TaggedStruct("NotBefore", { field: TimeFieldSchema, value: InstantText }),
  Schema.TaggedStruct("Later", { field: TimeFieldSchema, than: TimeFieldSchema }),
  Schema.TaggedStruct("Within", {
    field: Schema.Literal("placePath", "handlingPath"),
    path: Schema.String.pipe(Schema.pattern(/^\/([0-9A-Za-z-]+\/)+$/))
  }),
  Schema.TaggedStruct("And", {
    conditions: Schema.Array(Schema.suspend((): Schema.Schema<Condition, Condition> => ConditionSchema)).pipe(
      Schema.maxItems(100)
    )
  }),
  Schema.TaggedStruct("Or", {
    conditions: Schema.Array(Schema.suspend((): Schema.Schema<Condition, Condition> => ConditionSchema)).pipe(
      Schema.maxItems(100)
    )
  }),
  Schema.TaggedStruct("Not", {
    condition: Schema.suspend((): Schema.Schema<Condition, Condition> => ConditionSchema)
  })
).pipe(
  Schema.filter((c) => depth(c) <= 8 || "a condition nested at most 8 levels deep")
).annotations({ identifier: "Condition" })

/**
 * Checks the size of a condition as given, before it is decoded: its terms once shared parts are expanded and the
 * values it compares, against `limits` (the defaults of `CenterConfig.QueryLimits` if omitted). Counts each object
 * of the input once, so a condition of a few objects referring to each other many times is refused in as many
 * steps as it has objects. Returns the `InvalidInput` naming `field` and the limit, or `undefined` when it fits
 * (or is not shaped like a condition: decoding refuses it then). Plugins that accept a caller's condition call it
 * before decoding.
 *
 * @since 0.3.0
 * @category validation
 */
export const checkConditionSize = (
  condition: unknown,
  field = "where",
  limits: QueryLimits = defaultQueryLimits
): InvalidInput | undefined =>
  condition === undefined
    ? undefined
    : beyondLimits(limits, conditionSize(condition, Math.max(limits.maxTerms, limits.maxParameters)), field)

const depth = (c: Condition): number =>
  c._tag === "And" || c._tag === "Or"
    ? 1 + c.conditions.reduce((m, x) => Math.max(m, depth(x)), 0)
    : c._tag === "Not"
    ? 1 + depth(c.condition)
    : 1

/**
 * A grouping dimension (see `CaseStore.Dimension`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const DimensionSchema: Schema.Schema<Dimension> = Schema.Union(
  Schema.TaggedStruct("Column", { field: ColumnSchema }),
  Schema.TaggedStruct("Period", {
    field: TimeFieldSchema,
    unit: Schema.Literal("day", "week", "month", "quarter", "year")
  }),
  Schema.TaggedStruct("Jurisdiction", {
    of: Schema.Literal("place", "handling"),
    depth: Schema.Int.pipe(Schema.between(0, 9))
  })
).annotations({ identifier: "Dimension" })

const measureName = Schema.String.pipe(Schema.pattern(/^[A-Za-z][A-Za-z0-9_]{0,63}$/))

/**
 * A measure (see `CaseStore.Measure`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const MeasureSchema: Schema.Schema<Measure, any> = Schema.Union(
  Schema.TaggedStruct("Count", { name: measureName, where: Schema.optional(ConditionSchema) }),
  Schema.TaggedStruct("Sum", {
    name: measureName,
    field: Summary.SummableColumn,
    where: Schema.optional(ConditionSchema)
  }),
  Schema.TaggedStruct("Duration", {
    name: measureName,
    from: TimeFieldSchema,
    to: TimeFieldSchema,
    stat: Schema.Literal("avg", "sum", "min", "max", "median", "count"),
    where: Schema.optional(ConditionSchema)
  })
).annotations({ identifier: "Measure" })

/**
 * The filter of a list query. All given criteria must hold; a list criterion holds when any value matches.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ListFilter = Schema.Struct({
  status: Schema.optional(Schema.Array(Status).pipe(Schema.maxItems(20))),
  kind: Schema.optional(Schema.Array(Key).pipe(Schema.maxItems(100))),
  category: Schema.optional(Schema.Array(Key).pipe(Schema.maxItems(100))),
  channel: Schema.optional(Schema.Array(Key).pipe(Schema.maxItems(100))),
  riskLevel: Schema.optional(Schema.Array(Key).pipe(Schema.maxItems(100))),
  leadUnit: Schema.optional(Schema.Array(Key).pipe(Schema.maxItems(1000))),
  mediationType: Schema.optional(Schema.Array(Key).pipe(Schema.maxItems(100))),
  /** Cases that arose in this node's subtree. */
  jurisdiction: Schema.optional(DivisionCode),
  /** Cases handled in this node's subtree. */
  handlingJurisdiction: Schema.optional(DivisionCode),
  open: Schema.optional(Schema.Boolean),
  /** Cases entered late (true: imported or backdated history, 历史补录) or as they happened (false). */
  enteredLate: Schema.optional(Schema.Boolean),
  /** Open cases whose running deadline has passed at `asOf` (now, by the centre's clock, if omitted). */
  overdue: Schema.optional(Schema.Boolean),
  /** The reference time of `overdue`. */
  asOf: Schema.optional(TimestampInput),
  registeredFrom: Schema.optional(TimestampInput),
  registeredBefore: Schema.optional(TimestampInput),
  code: Schema.optional(QueryText(100)),
  mergedInto: Schema.optional(CaseId)
}).annotations({ identifier: "ListFilter" })

/**
 * @since 0.1.0
 * @category models
 */
export type ListFilter = typeof ListFilter.Encoded

/**
 * A list query.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ListQuery = Schema.Struct({
  actor: Actor,
  personalData: Schema.optional(PersonalData),
  filter: Schema.optional(ListFilter),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 1000))),
  cursor: Schema.optional(Schema.String.pipe(Schema.maxLength(2000))),
  order: Schema.optional(Schema.Literal("asc", "desc"))
}).annotations({ identifier: "ListQuery" })

/**
 * @since 0.1.0
 * @category models
 */
export type ListQuery = typeof ListQuery.Encoded

/**
 * A query for one case.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GetQuery = Schema.Struct({ actor: Actor, caseId: CaseId, personalData: Schema.optional(PersonalData) })
  .annotations({ identifier: "GetQuery" })

/**
 * @since 0.1.0
 * @category models
 */
export type GetQuery = typeof GetQuery.Encoded

/**
 * What can be done with a case now (by the centre's clock), or at `at` for a what-if view.
 *
 * @since 0.2.0
 * @category schemas
 */
export const EnabledCommandsQuery = Schema.Struct({
  actor: Actor,
  caseId: CaseId,
  at: Schema.optional(TimestampInput)
}).annotations({ identifier: "EnabledCommandsQuery" })

/**
 * @since 0.2.0
 * @category models
 */
export type EnabledCommandsQuery = typeof EnabledCommandsQuery.Encoded

/**
 * A query for a case by its code.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GetByCodeQuery = Schema.Struct({
  actor: Actor,
  code: QueryText(100),
  personalData: Schema.optional(PersonalData)
})
  .annotations({ identifier: "GetByCodeQuery" })

/**
 * @since 0.1.0
 * @category models
 */
export type GetByCodeQuery = typeof GetByCodeQuery.Encoded

/**
 * A query for a case's events, optionally a version range.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HistoryQuery = Schema.Struct({
  actor: Actor,
  caseId: CaseId,
  fromVersion: Schema.optional(Version),
  toVersion: Schema.optional(Version),
  /**
   * A page: at most this many events (1 to {@link maxHistoryPage}), from `fromVersion`; the next page starts at
   * the last event's version + 1, and a page shorter than `limit` is the last. Without it, the events from
   * `fromVersion` up to the centre's `limits.eventsPerCase` (default 10 000).
   */
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 1000))),
  personalData: Schema.optional(PersonalData)
}).annotations({ identifier: "HistoryQuery" })

/**
 * @since 0.1.0
 * @category models
 */
export type HistoryQuery = typeof HistoryQuery.Encoded

/**
 * The largest page of a {@link HistoryQuery} (`limit`).
 *
 * @since 0.4.0
 * @category constants
 */
export const maxHistoryPage = 1000

/**
 * A query for a case as it stood at a time (time travel).
 *
 * @since 0.1.0
 * @category schemas
 */
export const AsOfQuery = Schema.Struct({
  actor: Actor,
  caseId: CaseId,
  at: TimestampInput,
  personalData: Schema.optional(PersonalData)
}).annotations({
  identifier: "AsOfQuery"
})

/**
 * @since 0.1.0
 * @category models
 */
export type AsOfQuery = typeof AsOfQuery.Encoded

/**
 * An aggregate query over the cases the actor may read.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AggregateQuery = Schema.Struct({
  actor: Actor,
  filter: Schema.optional(ListFilter),
  where: Schema.optional(ConditionSchema),
  groupBy: Schema.Array(DimensionSchema).pipe(Schema.maxItems(5)),
  measures: Schema.Array(MeasureSchema).pipe(
    Schema.minItems(1),
    Schema.maxItems(50),
    // each measure's value is returned under its name: two with the same name would overwrite each other
    Schema.filter((ms) => {
      const seen = new Set<string>()
      for (const [i, m] of ms.entries()) {
        if (seen.has(m.name)) return { path: [i, "name"], message: "a name no other measure of the query has" }
        seen.add(m.name)
      }
      return true
    })
  )
}).annotations({ identifier: "AggregateQuery" })

/**
 * @since 0.1.0
 * @category models
 */
export type AggregateQuery = typeof AggregateQuery.Encoded

/**
 * A check of the audit trail: one case, or (without `caseId`) the whole centre, which needs an actor at the
 * centre's root node. Needs the `verifyAuditTrail` permission.
 *
 * `unhashed` says what an event without a hash is: `"legacy"` (the default) counts it as written before the audit
 * trail existed, as long as no hashed event of its case comes before it; `"broken"` reports it as a broken link.
 * Use `"broken"` for a centre whose store had the audit trail from its start (no legacy rows can exist there): it
 * also finds a case whose every hash and head were removed, which otherwise looks like a legacy case.
 *
 * @since 0.1.0
 * @category schemas
 */
export const VerifyQuery = Schema.Struct({
  actor: Actor,
  caseId: Schema.optional(CaseId),
  unhashed: Schema.optional(Schema.Literal("legacy", "broken"))
}).annotations({
  identifier: "VerifyQuery"
})

/**
 * @since 0.1.0
 * @category models
 */
export type VerifyQuery = typeof VerifyQuery.Encoded

/**
 * The retention rule (保存期限): archived cases whose archiving is older than `olderThanDays` (default: the
 * centre's `retention.afterDays`) as of `asOf` (default now) are anonymised (parties replaced by placeholders, the
 * description cleared, events rewritten and re-chained) or purged (the same, and their events removed). Their
 * summary rows stay as they are, so statistics do not change. Needs the `applyRetention` permission and an actor
 * at the centre's root node.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RetentionQuery = Schema.Struct({
  actor: Actor,
  mode: Schema.optional(Schema.Literal("anonymise", "purge")),
  olderThanDays: Schema.optional(Schema.Int.pipe(Schema.between(1, 36_500))),
  asOf: Schema.optional(TimestampInput),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 100_000)))
}).annotations({ identifier: "RetentionQuery" })

/**
 * @since 0.1.0
 * @category models
 */
export type RetentionQuery = typeof RetentionQuery.Encoded

/**
 * A run of `Center.recomputeDeadlines` (时限重算): every case whose running deadlines were
 * counted on a predicted calendar is counted again on the calendar as it now is; `limit` caps the cases changed.
 *
 * @since 0.2.0
 * @category schemas
 */
export const RecomputeQuery = Schema.Struct({
  actor: Actor,
  reason: Schema.optional(Schema.String.pipe(Schema.maxLength(2000))),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 10_000_000)))
}).annotations({ identifier: "RecomputeQuery" })

/**
 * @since 0.2.0
 * @category models
 */
export type RecomputeQuery = typeof RecomputeQuery.Encoded
