import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import { isWellFormed, Text, TimestampInput, toTimestamp, Yuan } from "../src/Primitives.js"

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

describe("Yuan", () => {
  const decode = ParseResult.decodeUnknownEither(Yuan)
  it("takes amounts as written with at most two decimals, and refuses any other number", () => {
    for (const ok of [0, 0.01, 0.29, 0.3, 1.23, 12.5, 99.99, 1e13]) {
      expect(Either.isRight(decode(ok)), String(ok)).toBe(true)
    }
    // 1.000000001 is not 1.00 (SQL would store 100 fen and the in-memory store 1.000000001); 0.1 + 0.2 is not 0.3
    for (const bad of [1.000000001, 0.1 + 0.2, 0.001, -1, Number.NaN, Infinity, 1e13 + 0.01]) {
      expect(Either.isLeft(decode(bad)), String(bad)).toBe(true)
    }
    expect(Either.isRight(decode(Math.round((0.1 + 0.2) * 100) / 100))).toBe(true)
  })
})
