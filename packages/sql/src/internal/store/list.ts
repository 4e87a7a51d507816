/**
 * `list`: a page of cases as SQL (`WHERE`, keyset pagination) with the in-memory store's semantics.
 *
 * @internal
 */
import type { CaseStore } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import { caseColumns } from "../columns.js"
import * as Q from "../query.js"
import { type Context, storeError } from "./migrate.js"
import type { CaseRow, Read } from "./read.js"

/** @internal */
export const makeList = (ctx: Context, reading: Read): CaseStore.CaseIndex["list"] => {
  const { q, t } = ctx
  const { caseOfRow } = reading
  const columns = `${caseColumns.join(", ")}, head_hash, seal, purge`
  const list = (centre: string, req: CaseStore.ListRequest) => {
    const params: Array<unknown> = [centre]
    const where = Q.condition(req.where, params)
    let keyset = ""
    if (req.after !== undefined) {
      const op = req.order === "asc" ? ">" : "<"
      const ms = Date.parse(req.after.registeredAt)
      // a row value, so that both engines seek the index to the cursor instead of filtering every row before it
      // (the OR form made each page cost as much as all the pages before it)
      keyset = ` AND (registered_at, id) ${op} (?, ?)`
      params.push(ms, req.after.id)
    }
    const dir = req.order === "asc" ? "ASC" : "DESC"
    params.push(req.limit + 1)
    return q<CaseRow>(
      `SELECT ${columns} FROM ${t.cases} WHERE centre = ? AND ${where}${keyset} ORDER BY registered_at ${dir}, id ${dir} LIMIT ?`,
      params
    ).pipe(
      Effect.mapError(storeError("list")),
      Effect.flatMap((rows) =>
        Effect.map(
          Effect.forEach(rows.slice(0, req.limit), (r) => caseOfRow(centre, r)),
          (items): CaseStore.ListResult => {
            const last = items.at(-1)
            // `next` only when a further row exists (the query asked for one more than the limit)
            return rows.length > req.limit && last !== undefined
              ? { items, next: { registeredAt: last.registeredAt, id: last.id } }
              : { items }
          }
        )
      )
    )
  }
  return list
}
