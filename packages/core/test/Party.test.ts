import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import {
  CreditCode,
  creditCodeCheckChar,
  Party,
  Phone,
  residentIdCheckChar,
  ResidentIdNumber,
  residentIdProblem
} from "../src/Party.js"

const decode = <A, I>(s: Schema.Schema<A, I>) => (u: unknown) => ParseResult.decodeUnknownEither(s)(u)

describe("ResidentIdNumber (GB 11643)", () => {
  it("accepts a number with a correct check digit and normalises a lowercase x", () => {
    expect(decode(ResidentIdNumber)("11010519491231002X")).toEqual(Either.right("11010519491231002X"))
    expect(decode(ResidentIdNumber)("11010519491231002x")).toEqual(Either.right("11010519491231002X"))
  })

  it("computes the ISO 7064 MOD 11-2 check character", () => {
    expect(residentIdCheckChar("11010519491231002")).toBe("X")
    expect(residentIdCheckChar("44052418800101001")).toBe("4")
  })

  it("rejects a wrong check digit, an impossible birth date and a wrong length, saying why", () => {
    expect(residentIdProblem("110105194912310021")).toMatch(/check digit/)
    expect(residentIdProblem("110105194902300028")).toMatch(/birth date/)
    expect(residentIdProblem("110105194913310028")).toMatch(/birth date/)
    expect(residentIdProblem("1101051949123100")).toMatch(/18 characters/)
    // born 2099-01-01, with a correct check digit: a date in the future
    const future = `11010520990101002`
    expect(residentIdProblem(future + residentIdCheckChar(future))).toMatch(/not in the future/)
    expect(Either.isLeft(decode(ResidentIdNumber)("110105194912310021"))).toBe(true)
  })

  it("a single changed digit is always caught by the check digit", () => {
    FastCheck.assert(
      FastCheck.property(
        Arbitrary.make(ResidentIdNumber),
        FastCheck.integer({ min: 14, max: 16 }),
        FastCheck.integer({ min: 1, max: 9 }),
        (id, pos, delta) => {
          const digit = (Number(id[pos]) + delta) % 10
          const changed = id.slice(0, pos) + String(digit) + id.slice(pos + 1)
          expect(residentIdProblem(id)).toBeUndefined()
          expect(residentIdProblem(changed)).toMatch(/check digit/)
        }
      )
    )
  })
})

describe("CreditCode (GB 32100)", () => {
  it("accepts a code with a correct check character", () => {
    const first17 = "91350100M000100Y4"
    const code = first17 + creditCodeCheckChar(first17)
    expect(decode(CreditCode)(code)).toEqual(Either.right(code))
    expect(decode(CreditCode)(code.toLowerCase())).toEqual(Either.right(code))
  })

  it("rejects forbidden letters and wrong check characters", () => {
    expect(Either.isLeft(decode(CreditCode)("91350100M000100YIO"))).toBe(true)
    const first17 = "91350100M000100Y4"
    const right = creditCodeCheckChar(first17)
    const wrong = "0123456789ABCDEFGHJKLMNPQRTUWXY".split("").find((c) => c !== right)!
    expect(Either.isLeft(decode(CreditCode)(first17 + wrong))).toBe(true)
  })
})

describe("Phone", () => {
  it("accepts mobile numbers with or without +86 and spaces, and landlines", () => {
    expect(decode(Phone)("+86 138 1234 5678")).toEqual(Either.right("13812345678"))
    expect(decode(Phone)("0433-6222222")).toEqual(Either.right("0433-6222222"))
    expect(Either.isLeft(decode(Phone)("12345"))).toBe(true)
    expect(Either.isLeft(decode(Phone)("23812345678"))).toBe(true)
  })
})

describe("Party", () => {
  it("Schema-derived parties round-trip through JSON", () => {
    FastCheck.assert(
      FastCheck.property(Arbitrary.make(Party), (party) => {
        const encoded = Schema.encodeSync(Party)(party)
        const back = Schema.decodeUnknownSync(Party)(JSON.parse(JSON.stringify(encoded)))
        expect(back).toEqual(party)
      }),
      { numRuns: 200 }
    )
  })
})
