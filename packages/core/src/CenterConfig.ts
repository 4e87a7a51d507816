/**
 * The configuration of a centre (综治中心): its jurisdiction tree, stationed departments, taxonomies, deadline
 * rules and case-code format. Everything has a Chinese default except the tree itself. The configuration is
 * validated by Schema at start-up and then cross-checked (unknown references, duplicate ids); a problem is an
 * {@link InvalidConfig} that names the field.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type { Calendar } from "./Calendar.js"
import * as Deadline from "./Deadline.js"
import { Department } from "./Department.js"
import type { InvalidConfig } from "./Errors.js"
import { decodeConfig, invalidConfig } from "./internal/parse.js"
import * as Jurisdiction from "./Jurisdiction.js"
import { Id, Name } from "./Primitives.js"
import * as Taxonomy from "./Taxonomy.js"

/**
 * Time the centre can trust (可信时间). The centre stamps every event with its own clock (`recordedAt`); a caller's
 * `at` — when something happened — is taken only from `backDays` days before the centre's time to `aheadMinutes`
 * minutes after it, and never before the case's previous event. Actors holding one of `backdateRoles` may enter
 * older history; such events are marked `enteredLate`, as `importCases`' are.
 *
 * @since 0.2.0
 * @category schemas
 */
export const TrustedTime = Schema.Struct({
  aheadMinutes: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 1440)), { default: () => 5 }),
  backDays: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 3650)), { default: () => 7 }),
  backdateRoles: Schema.optionalWith(Schema.Array(Id), { default: () => [] })
}).annotations({ identifier: "TrustedTime" })

/**
 * @since 0.2.0
 * @category models
 */
export type TrustedTime = typeof TrustedTime.Type

/**
 * The defaults: 5 minutes ahead, 7 days back, no role may backdate.
 *
 * @since 0.2.0
 * @category defaults
 */
export const defaultTrustedTime: TrustedTime = { aheadMinutes: 5, backDays: 7, backdateRoles: [] }

/**
 * The bounds of every query (查询上限), checked before any work so that no query, however it is built, makes a
 * store do unbounded work: `maxTerms` condition terms once shared parts are expanded (the request's `where`, its
 * measures' conditions, its filter and the actor's scope together), `maxParameters` values compared with stored
 * ones (each `In` value counts), and `maxRows` groups an aggregate returns. A query beyond one is refused with
 * `InvalidInput` naming the limit. Plugins' own statistics (built by their code, not by a caller) are not bound by
 * them.
 *
 * @since 0.3.0
 * @category schemas
 */
export const QueryLimits = Schema.Struct({
  maxTerms: Schema.optionalWith(Schema.Int.pipe(Schema.between(10, 1_000_000)), { default: () => 10_000 }),
  // below SQLite's 32 766 and PostgreSQL's 65 535 bound values, with room for the scope and the measures
  maxParameters: Schema.optionalWith(Schema.Int.pipe(Schema.between(10, 30_000)), { default: () => 10_000 }),
  maxRows: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 1_000_000)), { default: () => 10_000 })
}).annotations({ identifier: "QueryLimits" })

/**
 * @since 0.3.0
 * @category models
 */
export type QueryLimits = typeof QueryLimits.Type

/**
 * The defaults: 10 000 terms, 10 000 parameters, 10 000 rows.
 *
 * @since 0.3.0
 * @category defaults
 */
export const defaultQueryLimits: QueryLimits = { maxTerms: 10_000, maxParameters: 10_000, maxRows: 10_000 }

const withDefault = <S extends Schema.Schema.Any>(schema: S, value: () => Schema.Schema.Type<S>) =>
  Schema.optionalWith(schema, { default: value })

/**
 * How case codes (一案一码) are formed. Placeholders: `{division}` (the centre's root division code),
 * `{centre}` (the centre id), `{year}` (registration year in the centre's time zone) and `{seq:N}` (the
 * sequence number in that year, zero-padded to N digits). Numbers are gapless per centre and year.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CaseCodeFormat = Schema.Struct({
  template: Schema.String.pipe(
    Schema.maxLength(100),
    Schema.filter((t) =>
      (t.includes("{year}") && /\{seq(:\d)?\}/.test(t)) || "a template with {year} and {seq} or {seq:N}"
    )
  )
}).annotations({ identifier: "CaseCodeFormat" })

/**
 * The configuration as written by a vendor.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CenterConfig = Schema.Struct({
  /** The centre's id: the tenant key of every stored row. */
  id: Id,
  name: Name,
  levels: withDefault(
    Schema.Array(Jurisdiction.Level).pipe(Schema.minItems(1), Schema.maxItems(10)),
    () => Jurisdiction.levelPresets.county4
  ),
  jurisdictions: Schema.Array(Jurisdiction.Node).pipe(Schema.minItems(1), Schema.maxItems(2_000_000)),
  departments: withDefault(Schema.Array(Department).pipe(Schema.maxItems(100_000)), () => []),
  departmentKinds: withDefault(Schema.Array(Taxonomy.DepartmentKind), () => Taxonomy.defaultDepartmentKinds),
  caseKinds: withDefault(Schema.Array(Taxonomy.Entry).pipe(Schema.minItems(1)), () => Taxonomy.defaultCaseKinds),
  categories: withDefault(Schema.Array(Taxonomy.Entry).pipe(Schema.minItems(1)), () => Taxonomy.defaultCategories),
  channels: withDefault(Schema.Array(Taxonomy.Entry).pipe(Schema.minItems(1)), () => Taxonomy.defaultChannels),
  complexities: withDefault(Schema.Array(Taxonomy.Entry).pipe(Schema.minItems(1)), () => Taxonomy.defaultComplexities),
  riskLevels: withDefault(Schema.Array(Taxonomy.RiskLevel).pipe(Schema.minItems(1)), () => Taxonomy.defaultRiskLevels),
  mediationTypes: withDefault(Schema.Array(Taxonomy.MediationType), () => Taxonomy.defaultMediationTypes),
  dispositions: withDefault(Schema.Array(Taxonomy.Entry).pipe(Schema.minItems(1)), () => Taxonomy.defaultDispositions),
  deadlines: withDefault(Schema.Array(Deadline.Rule), () => Deadline.defaultRules),
  caseCode: withDefault(CaseCodeFormat, () => ({ template: "{division}-{year}-{seq:6}" })),
  /** The centre's offset from UTC in minutes; China (UTC+8, no daylight saving) by default. */
  utcOffsetMinutes: withDefault(Schema.Int.pipe(Schema.between(-720, 840)), () => 480),
  /** How far a caller's `at` may stray from the centre's clock (see {@link TrustedTime}). */
  time: withDefault(TrustedTime, () => defaultTrustedTime),
  /** The bounds of every query (see {@link QueryLimits}). */
  queryLimits: withDefault(QueryLimits, () => defaultQueryLimits)
}).annotations({ identifier: "CenterConfig" })

/**
 * The configuration after decoding (defaults filled in).
 *
 * @since 0.1.0
 * @category models
 */
export type CenterConfig = typeof CenterConfig.Type

/**
 * The configuration as accepted from callers (defaults optional).
 *
 * @since 0.1.0
 * @category models
 */
export type CenterConfigInput = typeof CenterConfig.Encoded

/**
 * A validated configuration with its indexes, as the lifecycle uses it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Resolved {
  readonly config: CenterConfig
  readonly id: string
  readonly tree: Jurisdiction.Tree
  readonly calendar: Calendar
  readonly departments: ReadonlyMap<string, Department>
  readonly departmentKinds: ReadonlyMap<string, Taxonomy.DepartmentKind>
  readonly caseKinds: ReadonlyMap<string, Taxonomy.Entry>
  readonly categories: ReadonlyMap<string, Taxonomy.Entry>
  readonly channels: ReadonlyMap<string, Taxonomy.Entry>
  readonly complexities: ReadonlyMap<string, Taxonomy.Entry>
  readonly riskLevels: ReadonlyMap<string, Taxonomy.RiskLevel>
  /** The level given when nothing graded a case: the lowest rank. */
  readonly defaultRiskLevel: Taxonomy.RiskLevel
  readonly mediationTypes: ReadonlyMap<string, Taxonomy.MediationType>
  readonly dispositions: ReadonlyMap<string, Taxonomy.Entry>
  readonly deadlines: ReadonlyArray<Deadline.Rule>
  readonly utcOffsetMinutes: number
  /** Formats a case code from a year and a sequence number. */
  readonly formatCode: (year: number, seq: number) => string
}

const decode = decodeConfig(CenterConfig)

const indexed = <A extends { readonly id: string }>(
  entries: ReadonlyArray<A>,
  field: string
): Either.Either<ReadonlyMap<string, A>, InvalidConfig> => {
  const map = new Map<string, A>()
  for (const [i, e] of entries.entries()) {
    if (map.has(e.id)) return Either.left(invalidConfig(`${field}.${i}.id`, `a unique id ("${e.id}" repeats)`))
    map.set(e.id, e)
  }
  return Either.right(map)
}

const checkRefs = (
  refs: ReadonlyArray<string> | undefined,
  known: ReadonlyMap<string, unknown>,
  field: string,
  what: string
): InvalidConfig | undefined => {
  if (refs === undefined) return undefined
  for (const [i, r] of refs.entries()) {
    if (!known.has(r)) {
      return invalidConfig(`${field}.${i}`, `one of the configured ${what}: ${[...known.keys()].join(", ")}`)
    }
  }
  return undefined
}

/**
 * Decodes and cross-checks a configuration.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (input: unknown, calendar: Calendar): Either.Either<Resolved, InvalidConfig> =>
  Either.gen(function*() {
    const config = yield* decode(input, "")
    const tree = yield* Jurisdiction.makeTree(config.levels, config.jurisdictions)
    const departmentKinds = yield* indexed(config.departmentKinds, "departmentKinds")
    const caseKinds = yield* indexed(config.caseKinds, "caseKinds")
    const categories = yield* indexed(config.categories, "categories")
    const channels = yield* indexed(config.channels, "channels")
    const complexities = yield* indexed(config.complexities, "complexities")
    const riskLevels = yield* indexed(config.riskLevels, "riskLevels")
    const mediationTypes = yield* indexed(config.mediationTypes, "mediationTypes")
    const dispositions = yield* indexed(config.dispositions, "dispositions")
    const departments = yield* indexed(config.departments, "departments")
    yield* indexed(config.deadlines, "deadlines")
    for (const [i, d] of config.departments.entries()) {
      if (!departmentKinds.has(d.kind)) {
        return yield* Either.left(
          invalidConfig(
            `departments.${i}.kind`,
            `one of the department kinds: ${[...departmentKinds.keys()].join(", ")}`
          )
        )
      }
      if (tree.get(d.jurisdiction) === undefined) {
        return yield* Either.left(
          invalidConfig(`departments.${i}.jurisdiction`, "the code of a node in the jurisdiction tree")
        )
      }
    }
    for (const [i, r] of config.deadlines.entries()) {
      const problem = checkRefs(r.kinds, caseKinds, `deadlines.${i}.kinds`, "case kinds") ??
        checkRefs(r.channels, channels, `deadlines.${i}.channels`, "channels") ??
        checkRefs(r.complexities, complexities, `deadlines.${i}.complexities`, "complexities")
      if (problem !== undefined) return yield* Either.left(problem)
    }
    const ranks = new Set<number>()
    for (const [i, r] of config.riskLevels.entries()) {
      if (ranks.has(r.rank)) {
        return yield* Either.left(invalidConfig(`riskLevels.${i}.rank`, `a unique rank (${r.rank} repeats)`))
      }
      ranks.add(r.rank)
    }
    const defaultRiskLevel = [...config.riskLevels].sort((a, b) => a.rank - b.rank)[0]!
    const template = config.caseCode.template
    const formatCode = (year: number, seq: number): string =>
      template
        .replace("{division}", tree.root.code)
        .replace("{centre}", config.id)
        .replace("{year}", String(year))
        .replace(/\{seq(?::(\d))?\}/, (_, width: string | undefined) => String(seq).padStart(Number(width ?? 1), "0"))
    return {
      config,
      id: config.id,
      tree,
      calendar,
      departments,
      departmentKinds,
      caseKinds,
      categories,
      channels,
      complexities,
      riskLevels,
      defaultRiskLevel,
      mediationTypes,
      dispositions,
      deadlines: config.deadlines,
      utcOffsetMinutes: config.utcOffsetMinutes,
      formatCode
    }
  })

/**
 * The nature of a department (court, administrative body, people's mediation committee …).
 *
 * @since 0.1.0
 * @category utils
 */
export const natureOf = (resolved: Resolved, departmentId: string): Taxonomy.Nature | undefined => {
  const d = resolved.departments.get(departmentId)
  return d === undefined ? undefined : resolved.departmentKinds.get(d.kind)?.nature
}
