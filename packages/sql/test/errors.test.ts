/**
 * The text of a driver's error in a `StoreError`'s reason (`SqlStore.causeText`): the message, and for Node's
 * `AggregateError` (no message of its own, as when every address of a host refuses a connection) its code and
 * the messages it gathers.
 */
import { describe, expect, it } from "@effect/vitest"
import { SqlStore } from "@fengqiao/sql"

const withCode = (e: Error, code: string) => Object.assign(e, { code })

describe("SqlStore.causeText", () => {
  it("an error's message; a string as it is; nothing for no cause", () => {
    expect(SqlStore.causeText(withCode(new Error("connect ECONNREFUSED 127.0.0.1:1"), "ECONNREFUSED"))).toBe(
      "connect ECONNREFUSED 127.0.0.1:1"
    )
    expect(SqlStore.causeText("disk full")).toBe("disk full")
    expect(SqlStore.causeText(undefined)).toBe("")
  })

  it("an AggregateError without a message: its code and the messages it gathers, once each", () => {
    const refused = (address: string) => withCode(new Error(`connect ECONNREFUSED ${address}`), "ECONNREFUSED")
    const all = withCode(
      new AggregateError([refused("::1:5432"), refused("127.0.0.1:5432"), refused("::1:5432")], ""),
      "ECONNREFUSED"
    )
    expect(SqlStore.causeText(all)).toBe(
      "ECONNREFUSED (connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432)"
    )
    expect(SqlStore.causeText(new AggregateError([], ""))).toBe("AggregateError")
  })
})
