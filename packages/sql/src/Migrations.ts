/**
 * The store's schema, as numbered migrations applied in order and recorded in their own table
 * (`<prefix>migrations`). Applying is idempotent and safe when several processes start at once: all of it runs in
 * one write transaction (`BEGIN IMMEDIATE` on SQLite; an advisory lock on PostgreSQL).
 *
 * Every table leads with the centre (tenant) key, so a distributed PostgreSQL (e.g. Citus) can shard by it.
 *
 * @since 0.1.0
 */
import type { Dialect } from "./Dialect.js"
import { caseColumns, fields } from "./internal/columns.js"

/**
 * A migration: a number, a name and its statements.
 *
 * @since 0.1.0
 * @category models
 */
export interface Migration {
  readonly id: number
  readonly name: string
  readonly statements: ReadonlyArray<string>
}

/**
 * The table names for a prefix (default `fq_`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Tables {
  readonly events: string
  readonly commands: string
  readonly cases: string
  readonly sequences: string
  readonly outbox: string
  readonly jurisdictions: string
  readonly pluginState: string
  readonly pluginMigrations: string
  readonly migrations: string
}

/**
 * The table names for a prefix.
 *
 * @since 0.1.0
 * @category constructors
 */
export const tables = (prefix: string): Tables => ({
  events: `${prefix}events`,
  commands: `${prefix}commands`,
  cases: `${prefix}cases`,
  sequences: `${prefix}sequences`,
  outbox: `${prefix}outbox`,
  jurisdictions: `${prefix}jurisdictions`,
  pluginState: `${prefix}plugin_state`,
  pluginMigrations: `${prefix}plugin_migrations`,
  migrations: `${prefix}migrations`
})

const caseColumnDdl = (d: Dialect): string => {
  const kinds = new Map(fields.map(([, c, k]) => [c, k]))
  const notNull = new Set([
    "id",
    "code",
    "version",
    "status",
    "open",
    "kind",
    "channel",
    "risk_level",
    "risk_rank",
    "place_code",
    "place_path",
    "handling_code",
    "handling_path",
    "handling_tier",
    "intake_code",
    "first_receiver",
    "headcount",
    "registered_at",
    "updated_at"
  ])
  // the cases table as migration 1 made it: columns added since come with their own migrations
  return caseColumns.filter((c) => !addedLater.has(c)).map((c) => {
    if (c === "snapshot") return `snapshot ${d.types.json} NOT NULL`
    const kind = kinds.get(c)
    const type = kind === undefined
      ? d.types.key // depth columns
      : kind === "key"
      ? d.types.key
      : kind === "ms" || kind === "fen"
      ? d.types.bigint
      : d.types.int
    return `${c} ${type}${notNull.has(c) ? " NOT NULL" : ""}`
  }).join(",\n  ")
}

/** Summary columns added to the cases table after migration 1, each by a migration of its own. */
const addedLater: ReadonlySet<string> = new Set(["entered_late"])

/**
 * The migrations of the store, for a dialect and table prefix.
 *
 * @since 0.1.0
 * @category constructors
 */
export const migrations = (d: Dialect, prefix: string): ReadonlyArray<Migration> => {
  const t = tables(prefix)
  const k = d.types.key
  return [
    {
      id: 1,
      name: "events, commands, cases, sequences",
      statements: [
        `CREATE TABLE ${t.events} (
  centre ${k} NOT NULL,
  case_id ${k} NOT NULL,
  version ${d.types.int} NOT NULL,
  type ${k} NOT NULL,
  at_ms ${d.types.bigint} NOT NULL,
  actor_id ${k} NOT NULL,
  command_id ${k} NOT NULL,
  correlation_id ${k} NOT NULL,
  envelope ${d.types.json} NOT NULL,
  PRIMARY KEY (centre, case_id, version)
)`,
        `CREATE INDEX ${t.events}_correlation ON ${t.events} (centre, correlation_id)`,
        `CREATE TABLE ${t.commands} (
  centre ${k} NOT NULL,
  command_id ${k} NOT NULL,
  case_id ${k} NOT NULL,
  from_version ${d.types.int} NOT NULL,
  to_version ${d.types.int} NOT NULL,
  PRIMARY KEY (centre, command_id)
)`,
        `CREATE TABLE ${t.cases} (
  centre ${k} NOT NULL,
  ${caseColumnDdl(d)},
  PRIMARY KEY (centre, id)
)`,
        `CREATE UNIQUE INDEX ${t.cases}_code ON ${t.cases} (centre, code)`,
        `CREATE INDEX ${t.cases}_registered ON ${t.cases} (centre, registered_at, id)`,
        ...["status", "kind", "category", "channel", "risk_level", "lead_unit", "mediation_type", "merged_into"].map(
          (c) => `CREATE INDEX ${t.cases}_${c} ON ${t.cases} (centre, ${c}, registered_at, id)`
        ),
        `CREATE INDEX ${t.cases}_place_path ON ${t.cases} (centre, place_path)`,
        `CREATE INDEX ${t.cases}_handling_path ON ${t.cases} (centre, handling_path)`,
        `CREATE INDEX ${t.cases}_due ON ${t.cases} (centre, open, due_at)`,
        `CREATE TABLE ${t.sequences} (
  centre ${k} NOT NULL,
  scope ${k} NOT NULL,
  value ${d.types.bigint} NOT NULL,
  PRIMARY KEY (centre, scope)
)`
      ]
    },
    {
      id: 2,
      name: "outbox",
      statements: [
        `CREATE TABLE ${t.outbox} (
  centre ${k} NOT NULL,
  ${d.types.serial},
  subscription ${k} NOT NULL,
  case_id ${k} NOT NULL,
  version ${d.types.int} NOT NULL,
  envelope ${d.types.json} NOT NULL,
  created_ms ${d.types.bigint} NOT NULL,
  delivered_ms ${d.types.bigint}${d.outboxKey}
)`,
        `CREATE INDEX ${t.outbox}_pending ON ${t.outbox} (centre, subscription, delivered_ms, seq)`,
        `CREATE INDEX ${t.outbox}_case ON ${t.outbox} (centre, subscription, case_id, seq)`
      ]
    },
    {
      id: 3,
      name: "jurisdictions",
      statements: [
        `CREATE TABLE ${t.jurisdictions} (
  centre ${k} NOT NULL,
  code ${k} NOT NULL,
  parent ${k},
  level ${k} NOT NULL,
  tier ${d.types.int} NOT NULL,
  depth ${d.types.int} NOT NULL,
  name ${d.types.text} NOT NULL,
  path ${k} NOT NULL,
  PRIMARY KEY (centre, code)
)`,
        `CREATE INDEX ${t.jurisdictions}_path ON ${t.jurisdictions} (centre, path)`
      ]
    },
    {
      id: 4,
      name: "plugin state and plugin migrations",
      statements: [
        `CREATE TABLE ${t.pluginState} (
  centre ${k} NOT NULL,
  namespace ${k} NOT NULL,
  key ${k} NOT NULL,
  version ${d.types.int} NOT NULL,
  value ${d.types.json} NOT NULL,
  updated_ms ${d.types.bigint} NOT NULL,
  PRIMARY KEY (centre, namespace, key)
)`,
        `CREATE TABLE ${t.pluginMigrations} (
  centre ${k} NOT NULL,
  plugin ${k} NOT NULL,
  id ${d.types.int} NOT NULL,
  name ${d.types.text} NOT NULL,
  applied_at ${d.types.text} NOT NULL,
  PRIMARY KEY (centre, plugin, id)
)`
      ]
    },
    {
      id: 5,
      name: "audit trail: event hashes and each case's head hash",
      // rows written before this migration keep NULL: `verify` reports them as unhashed
      statements: [
        `ALTER TABLE ${t.events} ADD COLUMN hash ${k}`,
        `ALTER TABLE ${t.cases} ADD COLUMN head_hash ${k}`
      ]
    },
    {
      id: 6,
      name: "statistics: a covering index of the columns the KPIs read",
      // the cases row is wide (the snapshot JSON lives in it): statistics (统计) read this narrow copy of the
      // summary columns instead, in registration order, and never touch the rows themselves
      statements: [
        `CREATE INDEX ${t.cases}_stats ON ${t.cases} (${
          statsIndexColumns.filter((c) => !addedLater.has(c)).join(", ")
        })`
      ]
    },
    {
      id: 7,
      name: "outbox: parked entries",
      // an entry a consumer could not read, set aside (`Outbox.processBatch` with `onCorrupt: "park"`) so the other
      // cases keep flowing; it still holds back its own case's later entries, in order, until it is unparked
      statements: [
        `ALTER TABLE ${t.outbox} ADD COLUMN parked_ms ${d.types.bigint}`,
        `ALTER TABLE ${t.outbox} ADD COLUMN parked_reason ${d.types.text}`
      ]
    },
    {
      id: 8,
      name: "cases: entered late (history imported or backdated), in the statistics index",
      // rows written before this migration read as entered in time (0): until then only `importCases` entered late
      // history, and nothing recorded it on the summary row. The statistics index is made again with the column,
      // so the dashboards, which leave late history out of timeliness, still read the index alone
      statements: [
        `ALTER TABLE ${t.cases} ADD COLUMN entered_late ${d.types.int} NOT NULL DEFAULT 0`,
        `DROP INDEX IF EXISTS ${t.cases}_stats`,
        `CREATE INDEX ${t.cases}_stats ON ${t.cases} (${statsIndexColumns.join(", ")})`
      ]
    },
    {
      id: 9,
      name: "cases: each row sealed to its head (seal), purges recorded in the chain (purge)",
      // the store's own migration seals the rows present at upgrade (and turns the bare purge marker into a legacy
      // purge record) in the same transaction; a row left without a seal while it has a head is a broken link
      statements: [
        `ALTER TABLE ${t.cases} ADD COLUMN seal ${k}`,
        `ALTER TABLE ${t.cases} ADD COLUMN purge ${d.types.text}`
      ]
    }
  ]
}

/**
 * The columns of the statistics index (migration 6, made again with `entered_late` by migration 8): the centre and
 * registration time first (the range every dashboard selects), then every column the KPIs, their durations,
 * breakdowns and read scopes refer to — so a dashboard's `GROUP BY` is answered from the index alone (a covering
 * index; 29 columns, under PostgreSQL's 32).
 *
 * @since 0.1.0
 * @category constants
 */
export const statsIndexColumns: ReadonlyArray<string> = [
  "centre",
  "registered_at",
  "accepted_at",
  "assessed_at",
  "dispatched_at",
  "handling_started_at",
  "closed_at",
  "feedback_at",
  "archived_at",
  "due_at",
  "handling_due_at",
  "acceptance_due_at",
  "open",
  "entered_late",
  "outcome",
  "rating",
  "follow_up_count",
  "reopen_count",
  "escalation_count",
  "risk_rank",
  "handling_tier",
  "category",
  "channel",
  "kind",
  "risk_level",
  "lead_unit",
  "mediation_type",
  "place_path",
  "handling_path"
]
