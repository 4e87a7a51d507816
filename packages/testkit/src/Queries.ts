/**
 * Arbitrary queries for differential tests: conditions, dimensions, measures, aggregate requests and list
 * filters over the sample centre's vocabulary, including values of the wrong type (a string for a number column)
 * and empty `And`/`Or`, so stores must agree on the corner cases too.
 *
 * @since 0.1.0
 */
import { type CaseStore, type CenterConfig, Summary } from "@fengqiao/core"
import * as FastCheck from "effect/FastCheck"

const timeFields = Summary.timeFields

const keyColumns: ReadonlyArray<CaseStore.Column> = [
  "status",
  "kind",
  "channel",
  "category",
  "complexity",
  "riskLevel",
  "leadUnit",
  "mediationType",
  "placeCode",
  "handlingCode",
  "outcome",
  "disposition",
  "rating",
  "mergedInto"
]

const summable: ReadonlyArray<CaseStore.SummableColumn> = Summary.SummableColumn.literals

const numberColumns: ReadonlyArray<CaseStore.Column> = ["riskRank", "handlingTier", ...summable]

/**
 * Arbitraries over a centre's vocabulary.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const make = (config: CenterConfig.Resolved) => {
  const values = [
    ...config.caseKinds.keys(),
    ...config.categories.keys(),
    ...config.channels.keys(),
    ...config.riskLevels.keys(),
    ...config.departments.keys(),
    ...config.mediationTypes.keys(),
    ...config.dispositions.keys(),
    "registered",
    "handling",
    "archived",
    "closed",
    "resolved",
    "notResolved",
    "satisfied",
    ...config.tree.nodes.map((n) => n.code)
  ]
  // instants as the stores write them, and the same written otherwise (with an offset, without milliseconds,
  // beyond year 9999): every store compares them as instants
  const instant = FastCheck.tuple(
    FastCheck.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2025, 11, 31) }),
    FastCheck.constantFrom("canonical", "offset", "seconds")
  ).map(([ms, form]) => {
    const iso = new Date(ms).toISOString()
    if (form === "seconds") return `${iso.slice(0, 19)}Z`
    if (form === "offset") return new Date(ms + 8 * 3_600_000).toISOString().replace("Z", "+08:00")
    return iso
  })
  const farInstant = FastCheck.constantFrom("+010000-01-01T00:00:00.000Z", "0999-12-31T00:00:00.000Z")
  const scalar = FastCheck.oneof(
    FastCheck.constantFrom(...values),
    FastCheck.integer({ min: 0, max: 5 }),
    FastCheck.constantFrom(0.5, 1.25, 100, true, false, "3", 2 ** 31, -1e10, 1e17)
  )
  const atom: FastCheck.Arbitrary<CaseStore.Condition> = FastCheck.oneof(
    FastCheck.record({
      _tag: FastCheck.constant("Eq" as const),
      field: FastCheck.constantFrom(...keyColumns, ...numberColumns, "open" as const, "enteredLate" as const),
      value: FastCheck.oneof(scalar, FastCheck.constant(null))
    }),
    FastCheck.record({
      _tag: FastCheck.constant("In" as const),
      field: FastCheck.constantFrom(...keyColumns, ...numberColumns),
      values: FastCheck.array(
        FastCheck.oneof(FastCheck.constantFrom(...values), FastCheck.integer({ min: 0, max: 4 })),
        {
          maxLength: 4
        }
      )
    }),
    FastCheck.record({
      _tag: FastCheck.constant("Gt" as const),
      field: FastCheck.constantFrom(...numberColumns, "status" as const),
      // with bounds beyond what the columns hold (INTEGER, BIGINT fen)
      value: FastCheck.constantFrom(0, 1, 2, 0.5, 99.99, -1e10, 2 ** 31, 1e17)
    }),
    FastCheck.record({
      _tag: FastCheck.constant("Present" as const),
      field: FastCheck.constantFrom<Summary.TimeField | CaseStore.Column>(...timeFields, ...keyColumns)
    }),
    FastCheck.record({
      _tag: FastCheck.constant("Absent" as const),
      field: FastCheck.constantFrom<Summary.TimeField | CaseStore.Column>(...timeFields, ...keyColumns)
    }),
    FastCheck.record({
      _tag: FastCheck.constant("Before" as const),
      field: FastCheck.constantFrom(...timeFields),
      value: FastCheck.oneof({ weight: 5, arbitrary: instant }, { weight: 1, arbitrary: farInstant })
    }),
    FastCheck.record({
      _tag: FastCheck.constant("NotBefore" as const),
      field: FastCheck.constantFrom(...timeFields),
      value: instant
    }),
    FastCheck.record({
      _tag: FastCheck.constant("Later" as const),
      field: FastCheck.constantFrom(...timeFields),
      than: FastCheck.constantFrom(...timeFields)
    }),
    FastCheck.record({
      _tag: FastCheck.constant("Within" as const),
      field: FastCheck.constantFrom("placePath" as const, "handlingPath" as const),
      path: FastCheck.constantFrom(...config.tree.nodes.map((n) => n.path))
    })
  )
  const condition: FastCheck.Arbitrary<CaseStore.Condition> = FastCheck.letrec<{ c: CaseStore.Condition }>((tie) => ({
    c: FastCheck.oneof(
      { depthSize: "small", withCrossShrink: true },
      atom,
      FastCheck.record({
        _tag: FastCheck.constant("And" as const),
        conditions: FastCheck.array(tie("c"), { maxLength: 3 })
      }),
      FastCheck.record({
        _tag: FastCheck.constant("Or" as const),
        conditions: FastCheck.array(tie("c"), { maxLength: 3 })
      }),
      FastCheck.record({ _tag: FastCheck.constant("Not" as const), condition: tie("c") })
    )
  })).c
  const dimension: FastCheck.Arbitrary<CaseStore.Dimension> = FastCheck.oneof(
    FastCheck.record({
      _tag: FastCheck.constant("Column" as const),
      field: FastCheck.constantFrom(...keyColumns, ...numberColumns, "open" as const, "enteredLate" as const)
    }),
    FastCheck.record({
      _tag: FastCheck.constant("Period" as const),
      field: FastCheck.constantFrom(...timeFields),
      unit: FastCheck.constantFrom(
        "day" as const,
        "week" as const,
        "month" as const,
        "quarter" as const,
        "year" as const
      )
    }),
    FastCheck.record({
      _tag: FastCheck.constant("Jurisdiction" as const),
      of: FastCheck.constantFrom("place" as const, "handling" as const),
      depth: FastCheck.integer({ min: 0, max: 4 })
    })
  )
  const name = FastCheck.constantFrom("a", "b", "c", "d", "e", "f")
  const measure: FastCheck.Arbitrary<CaseStore.Measure> = FastCheck.oneof(
    FastCheck.record({
      _tag: FastCheck.constant("Count" as const),
      name,
      where: FastCheck.option(condition, { nil: undefined })
    }),
    FastCheck.record({
      _tag: FastCheck.constant("Sum" as const),
      name,
      field: FastCheck.constantFrom(...summable),
      where: FastCheck.option(condition, { nil: undefined })
    }),
    FastCheck.record({
      _tag: FastCheck.constant("Duration" as const),
      name,
      from: FastCheck.constantFrom(...timeFields),
      to: FastCheck.constantFrom(...timeFields),
      stat: FastCheck.constantFrom(
        "avg" as const,
        "sum" as const,
        "min" as const,
        "max" as const,
        "median" as const,
        "count" as const
      ),
      where: FastCheck.option(condition, { nil: undefined })
    })
  )
  const aggregate: FastCheck.Arbitrary<CaseStore.AggregateRequest> = FastCheck.record({
    where: condition,
    groupBy: FastCheck.array(dimension, { maxLength: 2 }),
    measures: FastCheck.uniqueArray(measure, { minLength: 1, maxLength: 4, selector: (m) => m.name }),
    utcOffsetMinutes: FastCheck.constantFrom(480, 0, -300)
  })
  const listRequest: FastCheck.Arbitrary<Omit<CaseStore.ListRequest, "after">> = FastCheck.record({
    where: condition,
    limit: FastCheck.integer({ min: 1, max: 7 }),
    order: FastCheck.constantFrom("asc" as const, "desc" as const)
  })
  return { condition, dimension, measure, aggregate, listRequest }
}
