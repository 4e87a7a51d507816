import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import { isWellFormed, Text, TimestampInput, toTimestamp } from "../src/Primitives.js"

describe("timestamps", () => {
  it("canonicalises ISO-8601 with a zone, bare dates (as midnight in China) and Dates", () => {
    expect(toTimestamp("2025-03-01T08:00:00+08:00")).toBe("2025-03-01T00:00:00.000Z")
    expect(toTimestamp("2025-03-01T00:00:00.000Z")).toBe("2025-03-01T00:00:00.000Z")
    expect(toTimestamp("2025-03-01")).toBe("2025-02-28T16:00:00.000Z")
    expect(toTimestamp(new Date(Date.UTC(2025, 0, 2)))).toBe("2025-01-02T00:00:00.000Z")
  })

  it("refuses impossible dates and times instead of rolling them over", () => {
    for (
      const bad of [
        "2025-02-30T00:00:00.000Z",
        "2025-02-29",
        "2025-02-28T24:00:00Z",
        "2025-03-01T08:60:00Z",
        "2025-13-01"
      ]
    ) {
      expect(toTimestamp(bad), bad).toBeUndefined()
    }
    expect(toTimestamp("2024-02-29T12:00:00Z")).toBe("2024-02-29T12:00:00.000Z")
    expect(toTimestamp("yesterday")).toBeUndefined()
    expect(toTimestamp("2025-03-01T08:00:00")).toBeUndefined() // no zone: ambiguous
  })

  it("decodes through the schema with a readable expectation", () => {
    const r = ParseResult.decodeUnknownEither(TimestampInput)("2025-02-30T00:00:00Z")
    expect(Either.isLeft(r)).toBe(true)
  })
})

describe("text", () => {
  it("must be non-empty, bounded and well-formed Unicode", () => {
    const decode = ParseResult.decodeUnknownEither(Text(5))
    expect(Either.isRight(decode("纠纷"))).toBe(true)
    expect(Either.isLeft(decode("   "))).toBe(true)
    expect(Either.isLeft(decode("123456"))).toBe(true)
    expect(Either.isLeft(decode("a\uD800b"))).toBe(true)
    expect(isWellFormed("🏠")).toBe(true)
    expect(isWellFormed("\uDC00")).toBe(false)
  })
})
