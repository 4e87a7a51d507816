/**
 * `aggregate`: statistics (统计查询) as SQL `GROUP BY`, with medians bracketed by a sample where the dialect
 * offers it, and the dialect's settings for statistics around the queries.
 *
 * @internal
 */
import type { SqlError } from "@effect/sql/SqlError"
import { CaseStore } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import type { SampledMedians } from "../../Dialect.js"
import * as Medians from "../medians.js"
import * as Q from "../query.js"
import { type Context, storeError } from "./migrate.js"

/** @internal */
export const makeAggregate = (ctx: Context): CaseStore.CaseIndex["aggregate"] => {
  const { dialect, q, read, t, withTransaction } = ctx
  const maxBracketedParams = 1000
  /**
   * The brackets of an ungrouped aggregate's medians from a sample of the table (by measure index): a median
   * whose sample is too small has none, and stays an ordinary aggregate.
   */
  const sampleBrackets = (
    sampling: SampledMedians,
    measures: ReadonlyArray<Q.MeasureSql>,
    where: string,
    whereParams: ReadonlyArray<unknown>
  ) =>
    Effect.gen(function*() {
      const out = new Map<number, { readonly low: number; readonly high: number }>()
      // a median whose condition has many parameters stays an ordinary aggregate: its bracketed form repeats them
      // five times (a long `In` list would then exceed the engine's parameter limit)
      const medians = measures.flatMap((m, i) =>
        m.medianValue === undefined || m.medianValue.params.length > maxBracketedParams
          ? []
          : [[i, m.medianValue] as const]
      )
      if (medians.length === 0) return out
      const parts = medians.flatMap(([, x], j): Array<Q.Sql> => [
        { text: `COUNT(${x.text}) AS s${j}`, params: x.params },
        Q.template((e) => `${sampling.quantiles(e, Medians.fractions)} AS q${j}`, [x])
      ])
      const [row] = yield* read(
        `SELECT ${parts.map((p) => p.text).join(", ")} FROM ${t.cases} ${
          sampling.tableSample(sampling.percent)
        } WHERE centre = ? AND ${where}`,
        [...parts.flatMap((p) => p.params), ...whereParams]
      )
      medians.forEach(([i], j) => {
        const b = Medians.bracket(Number(row?.[`s${j}`] ?? 0), row?.[`q${j}`], sampling)
        if (b !== undefined) out.set(i, b)
      })
      return out
    })

  const aggregate = (centre: string, req: CaseStore.AggregateRequest) => {
    // `sample`: whether medians may be bracketed by a sample (see `SampledMedians`); when a bracket misses, the
    // whole request is computed again without, so that every figure of the answer comes from one statement
    const compute = (
      sample: boolean
    ): Effect.Effect<ReadonlyArray<CaseStore.AggregateRow>, SqlError> =>
      Effect.gen(function*() {
        const keys = req.groupBy.map((d) => Q.dimension(d, dialect, req.utcOffsetMinutes))
        const measures = req.measures.map((m) => Q.measure(m, dialect))
        const whereParams: Array<unknown> = [centre]
        const where = Q.condition(req.where, whereParams)
        const keyCols = keys.map((k, i) => `${k.expression} AS k${i}`)
        // the medians of an ungrouped aggregate, by sampling where the dialect offers it: a sample of the table
        // brackets each median, and the pass below collects only the values inside its bracket
        const sampling = sample && keys.length === 0 ? dialect.sampledMedians : undefined
        const brackets = sampling === undefined
          ? new Map<number, { readonly low: number; readonly high: number }>()
          : yield* sampleBrackets(sampling, measures, where, whereParams)
        // each distinct aggregate expression once (a step's count and its average's count are the same COUNT)
        const aliases = new Map<string, string>()
        const values: Array<Q.Sql> = []
        const aliasOf = (e: Q.Sql): string => {
          const id = `${e.text}\u0000${JSON.stringify(e.params)}`
          let alias = aliases.get(id)
          if (alias === undefined) {
            alias = `m${values.length}`
            aliases.set(id, alias)
            values.push({ text: `${e.text} AS ${alias}`, params: e.params })
          }
          return alias
        }
        // a bracketed median's columns: the count of its values, how many lie below the bracket, and the middle
        // values (collected inside the bracket, then picked by an outer query)
        const bracketed = new Map<
          number,
          { readonly count: string; readonly below: string; readonly middle: string }
        >()
        const columnsOf = measures.map((m, i) => {
          const b = brackets.get(i)
          if (b === undefined || m.medianValue === undefined || sampling === undefined) {
            return m.expressions.map(aliasOf)
          }
          const x = m.medianValue
          bracketed.set(i, {
            count: aliasOf({ text: `COUNT(${x.text})`, params: x.params }),
            below: aliasOf({
              text: dialect.aggregateFilter === true
                ? `COUNT(*) FILTER (WHERE ${x.text} < ?)`
                : `COUNT(CASE WHEN ${x.text} < ? THEN 1 END)`,
              params: [...x.params, b.low]
            }),
            middle: aliasOf(
              Q.template(sampling.collect, [x, { text: "?", params: [b.low] }, { text: "?", params: [b.high] }])
            )
          })
          return []
        })
        const select = [...keyCols, ...values.map((v) => v.text)]
        const groupBy = keys.length === 0
          ? ""
          : ` GROUP BY ${keys.map((k, i) => k.group ?? String(i + 1)).join(", ")}`
        const inner = `SELECT ${select.join(", ")} FROM ${t.cases} WHERE centre = ? AND ${where}${groupBy}`
        const middles = new Map([...bracketed.values()].map((b) => [b.middle, b] as const))
        const text = middles.size === 0 || sampling === undefined ? inner : `SELECT ${
          values.map((_, j) => {
            const alias = `m${j}`
            const b = middles.get(alias)
            return b === undefined
              ? alias
              : `${sampling.middle(alias, Medians.offsetSql(b.count, b.below))} AS ${alias}`
          }).join(", ")
        } FROM (${inner}) s`
        const rows = select.length === 0
          ? [{}]
          : yield* read(text, [...values.flatMap((v) => v.params), ...whereParams])
        const out = new Map<
          string,
          { keys: Array<string | number | boolean | null>; values: Record<string, number | null> }
        >()
        // bracketed medians whose bracket missed the middle: computed whole below
        const missed: Array<number> = []
        for (const row of rows) {
          const k = keys.map((key, i) => key.read(row[`k${i}`]))
          const values: Record<string, number | null> = {}
          measures.forEach((m, i) => {
            const b = bracketed.get(i)
            if (b === undefined) {
              values[req.measures[i]!.name] = m.combine(columnsOf[i]!.map((alias) => row[alias]))
              return
            }
            const median = Medians.fromBracket(Number(row[b.count] ?? 0), Number(row[b.below] ?? 0), row[b.middle])
            if (median === undefined) missed.push(i)
            values[req.measures[i]!.name] = median ?? null
          })
          out.set(JSON.stringify(k), { keys: k, values })
        }
        if (missed.length > 0) return yield* compute(false)
        // medians without the dialect's `median` aggregate: one window query each, over the rows its filter admits
        const keyList = keys.map((_, j) => `k${j}`)
        const partition = keys.length === 0 ? "" : `PARTITION BY ${keyList.join(", ")}`
        for (const [i, m] of measures.entries()) {
          if (m.median === undefined) continue
          const medianRows = yield* read(
            `SELECT ${[...keyList, "AVG(d) AS median"].join(", ")} FROM (
SELECT ${
              [...keyList, "d"].join(", ")
            }, ROW_NUMBER() OVER (${partition} ORDER BY d) AS rn, COUNT(*) OVER (${partition}) AS cnt
FROM (SELECT ${[...keyCols, `${m.median.duration} AS d`].join(", ")} FROM ${t.cases}
      WHERE ${m.median.filter.text} AND centre = ? AND ${where}) x
) y WHERE rn IN ((cnt + 1) / 2, (cnt + 2) / 2)${keys.length === 0 ? "" : ` GROUP BY ${keyList.join(", ")}`}`,
            [...m.median.filter.params, ...whereParams]
          )
          for (const r of medianRows) {
            const k = keys.map((key, j) => key.read(r[`k${j}`]))
            const entry = out.get(JSON.stringify(k))
            if (entry !== undefined) entry.values[req.measures[i]!.name] = r.median === null ? null : Number(r.median)
          }
        }
        const result = [...out.values()].map((e): CaseStore.AggregateRow => ({ keys: e.keys, values: e.values }))
        return result.sort((a, b) => CaseStore.compareKeys(a.keys, b.keys))
      })
    return compute(true).pipe(
      (body) => {
        const settings = dialect.aggregateSettings ?? []
        if (settings.length === 0) return body
        // the dialect's settings for statistics, only around these queries (also inside a caller's transaction)
        const set = (value: (v: string) => string) =>
          Effect.forEach(settings, ([name, v]) => q(`SET LOCAL ${name} ${value(v)}`), { discard: true })
        return withTransaction(
          Effect.zipRight(set((v) => `= ${v}`), Effect.zipLeft(body, set(() => "TO DEFAULT")))
        )
      },
      Effect.mapError(storeError("aggregate"))
    )
  }
  return aggregate
}
