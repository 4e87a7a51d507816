/**
 * The KPI options (decimals, three-rate weights, satisfied ratings, lowest tier, dispute kinds, cases entered
 * late), their defaults, and how they fit a centre.
 *
 * @internal
 */
import { Case, type CenterConfig } from "@fengqiao/core"
import * as Schema from "effect/Schema"

/**
 * The weights of the hotline three rates (三率).
 *
 * @internal
 */
export const ThreeRateWeights = Schema.Struct({
  response: Schema.Number.pipe(Schema.nonNegative(), Schema.finite()),
  resolution: Schema.Number.pipe(Schema.nonNegative(), Schema.finite()),
  satisfaction: Schema.Number.pipe(Schema.nonNegative(), Schema.finite())
}).pipe(
  Schema.filter((w) => w.response + w.resolution + w.satisfaction > 0 || "weights that are not all zero")
).annotations({ identifier: "ThreeRateWeights" })

/**
 * The weights of the hotline three rates.
 *
 * @internal
 */
export type ThreeRateWeights = typeof ThreeRateWeights.Type

/**
 * How the KPIs are computed and shown (see `Kpi.KpiOptions`).
 *
 * @internal
 */
export const KpiOptions = Schema.Struct({
  /** Decimals of a percentage (half-up rounding, 四舍五入). Default 2: 99.00 %. */
  decimals: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 6)), { default: () => 2 }),
  /** Weights of the hotline three rates. */
  weights: Schema.optionalWith(ThreeRateWeights, {
    default: () => ({ response: 0.1, resolution: 0.45, satisfaction: 0.45 })
  }),
  /** The ratings that count as satisfied (满意 + 基本满意 by default). */
  satisfiedRatings: Schema.optionalWith(
    Schema.Array(Schema.Literal(...Case.Rating.literals)).pipe(Schema.minItems(1)),
    { default: () => ["satisfied", "basicallySatisfied"] as const }
  ),
  /**
   * The jurisdiction level of 小事不出村: a case resolved while handled at this level or below counts. Default:
   * `village` when the centre has that level, else its deepest level.
   */
  lowestTier: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64))),
  /**
   * The case kinds 化解率 is computed over (its cases are disputes, 矛盾纠纷): resolvedDisputes ÷ acceptedDisputes.
   * Default: `dispute` when the centre has that kind, else every kind.
   */
  resolutionKinds: Schema.optional(
    Schema.Array(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64))).pipe(Schema.minItems(1))
  ),
  /**
   * How the cases entered late (历史补录: imported by `importCases`, or backdated by a role of
   * `time.backdateRoles`) count in the figures of timeliness — 及时响应数 and 响应率, 超期数, 在办超期数 and 超期率.
   * `exclude` (the default) leaves them out of those figures, numerators and denominators alike: their times are
   * what the caller said, not what the centre recorded as it happened, so imported history can neither flatter nor
   * spoil the on-time figures. `include` counts them as any other case. Every other figure counts them either way;
   * the count `enteredLate` says how many there are.
   */
  enteredLate: Schema.optionalWith(Schema.Literal("exclude", "include"), { default: () => "exclude" as const })
}).annotations({ identifier: "KpiOptions" })

/**
 * The decoded KPI options.
 *
 * @internal
 */
export type KpiOptions = typeof KpiOptions.Type

/**
 * The defaults of {@link KpiOptions}.
 *
 * @internal
 */
export const defaultOptions: KpiOptions = Schema.decodeSync(KpiOptions)({})

/**
 * Why `options.lowestTier` names none of the centre's levels, if it does.
 *
 * @internal
 */
export const lowestTierProblem = (
  centre: CenterConfig.Resolved,
  options: KpiOptions
): { readonly field: "lowestTier"; readonly expected: string } | undefined =>
  options.lowestTier === undefined || centre.tree.levels.some((l) => l.id === options.lowestTier)
    ? undefined
    : { field: "lowestTier", expected: `one of the centre's levels: ${centre.tree.levels.map((l) => l.id).join(", ")}` }

/**
 * Why `options.resolutionKinds` names a kind the centre does not have, if it does.
 *
 * @internal
 */
export const resolutionKindsProblem = (
  centre: CenterConfig.Resolved,
  options: KpiOptions
): { readonly field: "resolutionKinds"; readonly expected: string } | undefined =>
  options.resolutionKinds === undefined || options.resolutionKinds.every((k) => centre.caseKinds.has(k))
    ? undefined
    : { field: "resolutionKinds", expected: `the centre's case kinds: ${[...centre.caseKinds.keys()].join(", ")}` }

/**
 * The first problem of the options for a centre (`lowestTier`, then `resolutionKinds`), if any.
 *
 * @internal
 */
export const optionsProblem = (
  centre: CenterConfig.Resolved,
  options: KpiOptions
): { readonly field: string; readonly expected: string } | undefined =>
  lowestTierProblem(centre, options) ?? resolutionKindsProblem(centre, options)

/**
 * The case kinds 化解率 counts: `options.resolutionKinds`, else `dispute` when the centre has it, else every kind
 * (`undefined`).
 *
 * @internal
 */
export const resolutionKindsOf = (
  centre: CenterConfig.Resolved,
  options: KpiOptions
): ReadonlyArray<string> | undefined =>
  options.resolutionKinds ?? (centre.caseKinds.has("dispute") ? ["dispute"] : undefined)

/**
 * The tier index (0 = the top level) of the level 小事不出村 counts at.
 *
 * @internal
 */
export const lowestTierIndex = (centre: CenterConfig.Resolved, options: KpiOptions): number => {
  const levels = centre.tree.levels.map((l) => l.id)
  const id = options.lowestTier ?? (levels.includes("village") ? "village" : levels.at(-1)!)
  const i = levels.indexOf(id)
  return i < 0 ? levels.length - 1 : i
}
