/**
 * The risk plugin's API: the early-warning list (预警清单), `explain`, `acknowledge` and `pruneIncidents`, with the
 * Schemas of their inputs.
 * @internal
 */
import { type Case, type CaseStore, Errors, Plugin, Primitives } from "@fengqiao/core"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { RiskConfig } from "./config.js"
import { pruneLinks } from "./incidents.js"
import { type Warning, warningKey } from "./warnings.js"

/**
 * The early-warning list's query: a jurisdiction subtree (the caller's by default), levels of the centre, a due
 * time (with its time zone; compared as a time), unacknowledged warnings only, and at most `limit` (1–10 000,
 * default 100) warnings.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EarlyWarningsQuery = Schema.Struct({
  actor: Schema.Unknown,
  jurisdiction: Schema.optional(Primitives.DivisionCode),
  levels: Schema.optional(Schema.Array(Primitives.Key).pipe(Schema.maxItems(100))),
  dueBefore: Schema.optional(Primitives.TimestampInput),
  unacknowledgedOnly: Schema.optional(Schema.Boolean),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 10_000)))
}).annotations({ identifier: "EarlyWarningsQuery" })

/**
 * What `earlyWarnings` takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface EarlyWarningsInput {
  readonly actor: unknown
  readonly jurisdiction?: string | undefined
  readonly levels?: ReadonlyArray<string> | undefined
  readonly dueBefore?: string | undefined
  readonly unacknowledgedOnly?: boolean | undefined
  readonly limit?: number | undefined
}

/**
 * The query of `explain`: a case.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ExplainQuery = Schema.Struct({ actor: Schema.Unknown, caseId: Primitives.CaseId }).annotations({
  identifier: "ExplainQuery"
})

/**
 * What `explain` takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExplainInput {
  readonly actor: unknown
  readonly caseId: string
}

/**
 * The command of `acknowledge`: the case whose warning was reported or dealt with, and a note (1–2 000
 * characters).
 *
 * @since 0.1.0
 * @category schemas
 */
export const AcknowledgeQuery = Schema.Struct({
  actor: Schema.Unknown,
  caseId: Primitives.CaseId,
  note: Primitives.Note
}).annotations({ identifier: "AcknowledgeQuery" })

/**
 * What `acknowledge` takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface AcknowledgeInput {
  readonly actor: unknown
  readonly caseId: string
  readonly note: string
}

/**
 * The input of `pruneIncidents`: the actor only.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PruneIncidentsQuery = Schema.Struct({ actor: Schema.Unknown }).annotations({
  identifier: "PruneIncidentsQuery"
})

/**
 * What `pruneIncidents` takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface PruneIncidentsInput {
  readonly actor: unknown
}

/**
 * Whether a read scope holds every case placed in the subtree at `path` (a sufficient condition, read from the
 * condition's shape: anything else is answered by the store).
 * @internal
 */
export const covers = (scope: CaseStore.Condition, path: string): boolean =>
  scope._tag === "And"
    ? scope.conditions.every((c) => covers(c, path))
    : scope._tag === "Or"
    ? scope.conditions.some((c) => covers(c, path))
    : scope._tag === "Within" && scope.field === "placePath" && path.startsWith(scope.path)

/**
 * The handlers of the risk plugin's API.
 * @internal
 */
export const api = (ctx: Plugin.ApiContext<RiskConfig>) => {
  const readable = (caller: Plugin.Caller, caseId: string) =>
    Effect.flatMap(ctx.load(caseId), (c) =>
      c !== undefined && caller.mayRead(c as Case.Case)
        ? Effect.succeed(c as Case.Case)
        : Effect.fail(
          new Errors.Forbidden({
            actorId: caller.actor.id,
            action: "read",
            reason: `case ${caseId} is not visible`
          })
        ))
  /**
   * The warnings of a subtree that the caller may read. When its scope covers the whole subtree (the root's, or a
   * township's own), the subtree's warnings are one prefix scan; otherwise the scope is pushed down to the store:
   * the open cases of the subtree within it, then only their warnings by key, so that a township's actor asking
   * about the county never reads the other townships' warnings (`mayRead` still checks each warning answered).
   */
  const candidates = (caller: Plugin.Caller, path: string) =>
    Effect.gen(function*() {
      if (covers(caller.scope, path)) return yield* ctx.state.scan(`w/${path}`, { limit: 100_000 })
      const rows = yield* ctx.aggregate({
        where: {
          _tag: "And",
          conditions: [
            caller.scope,
            { _tag: "Within", field: "placePath", path },
            { _tag: "Eq", field: "open", value: true }
          ]
        },
        groupBy: [{ _tag: "Column", field: "placeCode" }, { _tag: "Column", field: "id" }],
        measures: [{ _tag: "Count", name: "cases" }],
        utcOffsetMinutes: ctx.centre.utcOffsetMinutes
      })
      // the key `keepWarning` writes: `w/<place path><case id>`
      const keys = rows.map(({ keys: [place, id] }) =>
        `w/${ctx.centre.tree.get(String(place))?.path ?? `/${String(place)}/`}${String(id)}`
      )
      const chunks: Array<ReadonlyArray<string>> = []
      for (let i = 0; i < keys.length; i += 500) chunks.push(keys.slice(i, i + 500))
      const found = yield* Effect.forEach(chunks, (chunk) => ctx.state.getMany(chunk))
      return found.flat()
    })
  return {
    /** 预警清单: open warnings in a jurisdiction subtree (the caller's by default), most urgent first. */
    earlyWarnings: (input: EarlyWarningsInput, caller: Plugin.Caller) =>
      Effect.gen(function*() {
        const q = yield* Plugin.decodeInput(EarlyWarningsQuery)(input)
        const unknown = (q.levels ?? []).findIndex((l) => !ctx.centre.riskLevels.has(l))
        if (unknown >= 0) {
          return yield* Plugin.invalidInput(
            `levels.${unknown}`,
            `a risk level of the centre (${[...ctx.centre.riskLevels.keys()].join(", ")})`
          )
        }
        const node = ctx.centre.tree.get(q.jurisdiction ?? caller.actor.jurisdiction)
        if (node === undefined) {
          return yield* Plugin.invalidInput("jurisdiction", "the code of a node in the centre's jurisdiction tree")
        }
        const entries = yield* candidates(caller, node.path)
        const warnings = entries.map((e) => e.value as Warning).filter((w) =>
          (q.levels === undefined || q.levels.includes(w.level)) &&
          (q.dueBefore === undefined || w.dueAt < q.dueBefore) &&
          (q.unacknowledgedOnly !== true || w.acknowledged === undefined)
        ).sort((a, b) => b.rank - a.rank || (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0))
        const visible: Array<Warning> = []
        for (const w of warnings) {
          if (visible.length >= (q.limit ?? 100)) break
          const c = yield* ctx.load(w.caseId)
          if (c !== undefined && caller.mayRead(c as Case.Case)) visible.push(w)
        }
        return visible as ReadonlyArray<Warning>
      }),
    /** The case's grade with its factors, and its open warning if any. */
    explain: (input: ExplainInput, caller: Plugin.Caller) =>
      Effect.gen(function*() {
        const q = yield* Plugin.decodeInput(ExplainQuery)(input)
        const c = yield* readable(caller, q.caseId)
        const warning = (yield* ctx.state.get(warningKey(ctx.centre, c)))?.value as Warning | undefined
        return { risk: c.risk, warning }
      }),
    /**
     * Records that a warning was reported or dealt with (上报/处置). A write: the actor needs one of
     * `acknowledgeRoles` (by default the roles that may issue `Regrade`: admin and dispatcher) and must be able
     * to read the case.
     */
    acknowledge: (input: AcknowledgeInput, caller: Plugin.Caller) =>
      Effect.gen(function*() {
        const q = yield* Plugin.decodeInput(AcknowledgeQuery)(input)
        const roles = ctx.config.acknowledgeRoles
        if (!caller.actor.roles.some((r) => roles.includes(r))) {
          return yield* new Errors.Forbidden({
            actorId: caller.actor.id,
            action: "acknowledge",
            reason: `none of the roles [${caller.actor.roles.join(", ")}] may acknowledge a warning (${
              roles.join(", ")
            } may)`
          })
        }
        const c = yield* readable(caller, q.caseId)
        const key = warningKey(ctx.centre, c)
        const entry = yield* ctx.state.get(key)
        if (entry === undefined) return yield* Plugin.invalidInput("caseId", "a case with an open warning")
        const warning: Warning = {
          ...(entry.value as Warning),
          acknowledged: {
            by: caller.actor.id,
            at: new Date(yield* Clock.currentTimeMillis).toISOString(),
            note: q.note
          }
        }
        yield* ctx.state.put(key, entry.version, warning)
        return warning
      }),
    /**
     * Removes from the incident index the links to cases that no longer name that person, phone or address:
     * cases anonymised or purged before this plugin was installed, or changed or removed by other means
     * (`applyRetention` itself unlinks the cases it anonymises or purges, through `onRetention`). Like
     * `applyRetention`, it needs an actor at the root with one of `retentionRoles` (by default the roles granted
     * `applyRetention`).
     */
    pruneIncidents: (input: PruneIncidentsInput, caller: Plugin.Caller) =>
      Effect.gen(function*() {
        yield* Plugin.decodeInput(PruneIncidentsQuery)(input)
        const roles = ctx.config.retentionRoles
        const refusal = !caller.actor.roles.some((r) => roles.includes(r))
          ? `none of the roles [${caller.actor.roles.join(", ")}] may prune the incident index (${
            roles.join(", ")
          } may)`
          : caller.actor.jurisdiction !== ctx.centre.tree.root.code
          ? `the incident index spans the centre: only an actor at ${ctx.centre.tree.root.code} may prune it`
          : undefined
        if (refusal !== undefined) {
          return yield* new Errors.Forbidden({
            actorId: caller.actor.id,
            action: "pruneIncidents",
            reason: refusal
          })
        }
        return yield* pruneLinks(ctx)
      })
  }
}
