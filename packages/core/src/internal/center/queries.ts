/**
 * A centre's queries (查询): one case, its history and past, pages of cases and aggregates, the commands an actor
 * may send, and the labels of its configuration — each under the policy's read scope, with personal data masked
 * unless revealed.
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { Case } from "../../Case.js"
import type { AggregateRow, Column, Condition, Keyset } from "../../CaseStore.js"
import type { CommandName } from "../../Command.js"
import { CaseNotFound, type InvalidInput } from "../../Errors.js"
import type { Envelope } from "../../Event.js"
import * as I18n from "../../I18n.js"
import * as Lifecycle from "../../Lifecycle.js"
import { type Locale, maxVersion, toTimestamp } from "../../Primitives.js"
import * as Privacy from "../../Privacy.js"
import * as Query from "../../Query.js"
import { decodeInput, invalidInput } from "../parse.js"
import { beyondLimits, conditionSize, plus, rawAggregateSize } from "../querySize.js"
import { fromEither } from "./access.js"
import type { Base, CenterContext, Page, QueryError } from "./context.js"

const decodeGet = decodeInput(Query.GetQuery)
const decodeEnabled = decodeInput(Query.EnabledCommandsQuery)
const decodeGetByCode = decodeInput(Query.GetByCodeQuery)
const decodeHistory = decodeInput(Query.HistoryQuery)
const decodeAsOf = decodeInput(Query.AsOfQuery)
const decodeList = decodeInput(Query.ListQuery)
const decodeAggregate = decodeInput(Query.AggregateQuery)

const encodeCursor = (k: Keyset): string => Buffer.from(JSON.stringify([k.registeredAt, k.id])).toString("base64url")

const decodeCursor = (cursor: string): Either.Either<Keyset, InvalidInput> => {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"))
    // the instant must be written as the store writes it (every store compares it the same way only then)
    if (
      Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string" &&
      toTimestamp(v[0]) === v[0]
    ) {
      return Either.right({ registeredAt: v[0], id: v[1] })
    }
  } catch {
    // fall through
  }
  return Either.left(invalidInput("cursor", "a cursor returned by a previous page"))
}

const nowIso = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms).toISOString())

const nodeOf = (config: Base["config"], code: string, field: string) => {
  const n = config.tree.get(code)
  return n === undefined
    ? Effect.fail(invalidInput(field, "the code of a node in the centre's jurisdiction tree"))
    : Effect.succeed(n)
}

const filterCondition = (config: Base["config"], f: typeof Query.ListFilter.Type | undefined, now: string) =>
  Effect.gen(function*() {
    const cs: Array<Condition> = []
    if (f === undefined) return cs
    const inList = (field: Column, values?: ReadonlyArray<string>) => {
      if (values !== undefined) cs.push({ _tag: "In", field, values })
    }
    inList("status", f.status)
    inList("kind", f.kind)
    inList("category", f.category)
    inList("channel", f.channel)
    inList("riskLevel", f.riskLevel)
    inList("leadUnit", f.leadUnit)
    inList("mediationType", f.mediationType)
    if (f.jurisdiction !== undefined) {
      cs.push({
        _tag: "Within",
        field: "placePath",
        path: (yield* nodeOf(config, f.jurisdiction, "filter.jurisdiction")).path
      })
    }
    if (f.handlingJurisdiction !== undefined) {
      const n = yield* nodeOf(config, f.handlingJurisdiction, "filter.handlingJurisdiction")
      cs.push({ _tag: "Within", field: "handlingPath", path: n.path })
    }
    if (f.open !== undefined) cs.push({ _tag: "Eq", field: "open", value: f.open })
    if (f.enteredLate !== undefined) cs.push({ _tag: "Eq", field: "enteredLate", value: f.enteredLate })
    if (f.overdue !== undefined) {
      const overdue: Condition = {
        _tag: "And",
        conditions: [{ _tag: "Eq", field: "open", value: true }, {
          _tag: "Before",
          field: "dueAt",
          value: f.asOf ?? now
        }]
      }
      cs.push(f.overdue ? overdue : { _tag: "Not", condition: overdue })
    }
    if (f.registeredFrom !== undefined) {
      cs.push({ _tag: "NotBefore", field: "registeredAt", value: f.registeredFrom })
    }
    if (f.registeredBefore !== undefined) {
      cs.push({ _tag: "Before", field: "registeredAt", value: f.registeredBefore })
    }
    if (f.code !== undefined) {
      cs.push({ _tag: "Eq", field: "code", value: f.code })
    }
    if (f.mergedInto !== undefined) cs.push({ _tag: "Eq", field: "mergedInto", value: f.mergedInto })
    return cs
  })

/** @internal */
export const get = (ctx: CenterContext) => {
  const { loadCase, mayRead, readable, reveal } = ctx
  return (input: Query.GetQuery): Effect.Effect<Case, QueryError> =>
    Effect.gen(function*() {
      const q = yield* fromEither(decodeGet(input))
      yield* mayRead(q.actor)
      const c = yield* readable(q.actor, yield* loadCase(q.caseId))
      return yield* reveal(q.actor, q.personalData, "get", [c.id], c, Privacy.maskCase)
    })
}

/** @internal */
export const getByCode = (ctx: CenterContext) => {
  const { centre, mayRead, readable, reveal, store } = ctx
  return (input: Query.GetByCodeQuery): Effect.Effect<Case, QueryError> =>
    Effect.gen(function*() {
      const q = yield* fromEither(decodeGetByCode(input))
      yield* mayRead(q.actor)
      const found = yield* store.loadByCode(centre, q.code)
      if (Option.isNone(found)) {
        return yield* new CaseNotFound({ caseId: q.code })
      }
      const c = yield* readable(q.actor, found.value, q.code)
      return yield* reveal(q.actor, q.personalData, "getByCode", [c.id], c, Privacy.maskCase)
    })
}

/** @internal */
export const history = (ctx: CenterContext) => {
  const { centre, limits, loadCase, mayRead, readable, reveal, store } = ctx
  return (input: Query.HistoryQuery): Effect.Effect<ReadonlyArray<Envelope>, QueryError> =>
    Effect.gen(function*() {
      const q = yield* fromEither(decodeHistory(input))
      yield* mayRead(q.actor)
      yield* readable(q.actor, yield* loadCase(q.caseId))
      // one page: the store reads only its versions (without a limit, at most a case's worth of events)
      const fromVersion = q.fromVersion ?? 1
      // (never past the largest version a query may name: a page from near it would overflow the stores' integers)
      const lastOfPage = Math.min(fromVersion + (q.limit ?? limits.eventsPerCase) - 1, maxVersion)
      const events = yield* store.readEvents(centre, q.caseId, {
        fromVersion,
        toVersion: q.toVersion === undefined ? lastOfPage : Math.min(q.toVersion, lastOfPage)
      })
      return yield* reveal(
        q.actor,
        q.personalData,
        "history",
        [q.caseId],
        events,
        (es) => es.map(Privacy.maskEnvelope)
      )
    })
}

/** @internal */
export const asOf = (ctx: CenterContext) => {
  const { centre, loadCase, mayRead, readable, reveal, store } = ctx
  return (input: Query.AsOfQuery): Effect.Effect<Case, QueryError> =>
    Effect.gen(function*() {
      const q = yield* fromEither(decodeAsOf(input))
      yield* mayRead(q.actor)
      yield* readable(q.actor, yield* loadCase(q.caseId))
      const events = yield* store.readEvents(centre, q.caseId)
      const past = Lifecycle.replay(events.filter((e) => e.at <= q.at))
      if (past === undefined) {
        return yield* new CaseNotFound({ caseId: q.caseId })
      }
      return yield* reveal(q.actor, q.personalData, "asOf", [q.caseId], past, Privacy.maskCase)
    })
}

/** @internal */
export const list = (ctx: CenterContext) => {
  const { centre, config, mayRead, reveal, store } = ctx
  return (input: Query.ListQuery): Effect.Effect<Page, QueryError> =>
    Effect.gen(function*() {
      const q = yield* fromEither(decodeList(input))
      const visible = yield* mayRead(q.actor)
      const after = q.cursor === undefined ? undefined : yield* fromEither(decodeCursor(q.cursor))
      const conditions = yield* filterCondition(config, q.filter, yield* nowIso)
      const where: Condition = { _tag: "And", conditions: [visible, ...conditions] }
      const limits = config.config.queryLimits
      const refused = beyondLimits(
        limits,
        conditionSize(where, Math.max(limits.maxTerms, limits.maxParameters)),
        "filter"
      )
      if (refused !== undefined) return yield* refused
      const result = yield* store.list(centre, {
        where,
        limit: q.limit ?? 50,
        order: q.order ?? "desc",
        after
      })
      const items = yield* reveal(
        q.actor,
        q.personalData,
        "list",
        result.items.map((c) => c.id),
        result.items,
        (cs) => cs.map(Privacy.maskCase)
      )
      return result.next === undefined
        ? { items }
        : { items, nextCursor: encodeCursor(result.next) }
    })
}

/** @internal */
export const aggregate = (ctx: CenterContext) => {
  const { centre, config, mayRead, store } = ctx
  return (input: Query.AggregateQuery): Effect.Effect<ReadonlyArray<AggregateRow>, QueryError> =>
    Effect.gen(function*() {
      const limits = config.config.queryLimits
      // the size as given, before decoding: a condition of shared parts is never expanded past the limits
      const tooLarge = rawAggregateSize(limits, input)
      if (tooLarge !== undefined) return yield* tooLarge
      const q = yield* fromEither(decodeAggregate(input))
      const visible = yield* mayRead(q.actor)
      const conditions = yield* filterCondition(config, q.filter, yield* nowIso)
      const where: Condition = {
        _tag: "And",
        conditions: [visible, ...conditions, ...(q.where !== undefined ? [q.where] : [])]
      }
      // the whole query as the store sees it: scope, filter, where and the measures' conditions
      const cap = Math.max(limits.maxTerms, limits.maxParameters)
      const memo = new Map()
      const refused = beyondLimits(
        limits,
        plus(
          cap,
          conditionSize(where, cap, memo),
          ...q.measures.map((m) =>
            m.where === undefined ? { terms: 0, parameters: 0 } : conditionSize(m.where, cap, memo)
          )
        ),
        q.where !== undefined ? "where" : "filter"
      )
      if (refused !== undefined) return yield* refused
      const rows = yield* store.aggregate(centre, {
        where,
        groupBy: q.groupBy,
        measures: q.measures,
        utcOffsetMinutes: config.utcOffsetMinutes
      })
      if (rows.length > limits.maxRows) {
        return yield* invalidInput(
          "groupBy",
          `groups yielding at most ${limits.maxRows} rows (queryLimits.maxRows): narrow the filter or group by ` +
            `coarser dimensions`
        )
      }
      return rows
    })
}

/** @internal */
export const enabledCommands = (ctx: CenterContext) => {
  const { config, loadCase, mayRead, policy, readable } = ctx
  return (input: Query.EnabledCommandsQuery): Effect.Effect<ReadonlyArray<CommandName>, QueryError> =>
    Effect.gen(function*() {
      const q = yield* fromEither(decodeEnabled(input))
      yield* mayRead(q.actor)
      const c = yield* readable(q.actor, yield* loadCase(q.caseId))
      // the centre's clock, or the time of a what-if view
      const now = q.at ?? (yield* nowIso)
      return Lifecycle.enabledCommands(config, c, now < c.updatedAt ? c.updatedAt : now, q.actor).filter((name) =>
        policy.authorizeCommand(config, q.actor, name, c, undefined) === undefined
      )
    })
}

/** @internal */
export const labels = ({ config }: Base) => (locale: Locale = "zh-Hans"): Readonly<Record<string, string>> => {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(I18n.builtInLabels)) out[k] = I18n.pick(v, locale)
  const add = (
    prefix: string,
    entries: Iterable<{ readonly id: string; readonly labels: Parameters<typeof I18n.pick>[0] }>
  ) => {
    for (const e of entries) out[`${prefix}.${e.id}`] = I18n.pick(e.labels, locale)
  }
  add("kind", config.caseKinds.values())
  add("category", config.categories.values())
  add("channel", config.channels.values())
  add("complexity", config.complexities.values())
  add("risk", config.riskLevels.values())
  add("mediationType", config.mediationTypes.values())
  add("disposition", config.dispositions.values())
  add("departmentKind", config.departmentKinds.values())
  add("level", config.tree.levels)
  return out
}
