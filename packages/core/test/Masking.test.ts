/**
 * Masking of personal numbers however they are spelled (issue 26, section 4): ID numbers and mobile numbers with
 * any separator, invisible characters inside, prefixes, full-width, Arabic-Indic and mathematical digits are found
 * after normalising (NFKC, digits of any script, invisible characters stripped); the text around them is kept as it
 * is. What is not a personal number (case codes, division codes, timestamps, UUIDs, amounts, dates, hashes) is
 * left alone. Log annotations and `CorruptRecord` messages are masked too.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as HashMap from "effect/HashMap"
import * as Logger from "effect/Logger"
import { CaseStore } from "../src/CaseStore.js"
import { CorruptRecord } from "../src/Errors.js"
import * as masking from "../src/internal/masking.js"
import * as MemoryStore from "../src/MemoryStore.js"
import * as Plugin from "../src/Plugin.js"
import * as Privacy from "../src/Privacy.js"
import { countyConfig, registerInput } from "./fixtures.js"
import { makeScenario } from "./scenario.js"

const ID = "110105********002X"
const MOBILE = "138****5678"

/**
 * `[spelling, masked, masked before issue 26]`: each spelling is written inside a sentence, and the sentence must
 * come back with the number masked and everything around it unchanged.
 */
const spellings: ReadonlyArray<readonly [string, string, boolean]> = [
  // ID numbers (18 characters with an X check character, old 15-digit ones, in groups)
  ["11010519900101002X", ID, true],
  ["11010519900101002x", "110105********002x", true],
  ["ID11010519900101002X", `ID${ID}`, true],
  ["110105800101001", "110105********1001", true],
  ["110105 19900101 002X", "110105 ******** 002X", true],
  ["110105-19900101-002X", "110105-********-002X", true],
  ["110105 1990 0101 002X", "110105 ******** 002X", true],
  ["110105-1990-0101-002X", "110105-********-002X", true],
  ["110105\u00a019900101\u00a0002X", "110105\u00a0********\u00a0002X", true],
  // mobile numbers, with +86 / 86 prefixes
  ["13812345678", MOBILE, true],
  ["138 1234 5678", MOBILE, true],
  ["138-1234-5678", MOBILE, true],
  ["+8613812345678", MOBILE, true],
  ["+86 138 1234 5678", MOBILE, true],
  ["+86-138-1234-5678", MOBILE, true],
  ["8613812345678", MOBILE, true],
  ["tel13812345678", `tel${MOBILE}`, true],
  ["１３８１２３４５６７８", MOBILE, false],
  ["13８1234５678", MOBILE, false],
  // --- missed before issue 26 ---
  // separators other than spaces and hyphens
  ["138.1234.5678", MOBILE, false],
  ["138/1234/5678", MOBILE, false],
  ["138_1234_5678", MOBILE, false],
  ["138—1234—5678", MOBILE, false],
  ["138–1234–5678", MOBILE, false],
  ["138·1234·5678", MOBILE, false],
  // a space between every digit
  ["1 3 8 1 2 3 4 5 6 7 8", MOBILE, false],
  // invisible characters inside: zero-width space, word joiner, byte-order mark, soft hyphen
  ["138\u200b1234\u200b5678", MOBILE, false],
  ["1381234\u20605678", MOBILE, false],
  ["\ufeff13812345678", `\ufeff${MOBILE}`, false],
  ["138\u00ad1234\u00ad5678", MOBILE, false],
  ["11010519900101\u00ad002X", ID, false],
  ["1101\u200d0519900101002X", ID, false],
  // prefixes written otherwise
  ["+86.138.1234.5678", MOBILE, false],
  ["0086 138 1234 5678", MOBILE, false],
  ["0086-13812345678", MOBILE, false],
  ["＋８６　１３８　１２３４　５６７８", MOBILE, false],
  // ID numbers in groups with other separators
  ["110105.19900101.002X", "110105.********.002X", false],
  ["110105/1990/0101/002X", "110105/********/002X", false],
  ["110105—19900101—002X", "110105—********—002X", false],
  ["110105 19900101-002X", "110105 ********-002X", false],
  // full-width ID number (full-width check character too), Arabic-Indic and mathematical digits
  ["１１０１０５１９９００１０１００２Ｘ", ID, false],
  ["١٣٨١٢٣٤٥٦٧٨", MOBILE, false],
  ["۱۱۰۱۰۵۱۹۹۰۰۱۰۱۰۰۲X", ID, false],
  ["𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", MOBILE, false],
  ["𝟙𝟙𝟘𝟙𝟘𝟝𝟙𝟡𝟡𝟘𝟘𝟙𝟘𝟙𝟘𝟘𝟚X", ID, false]
]

/** Not personal numbers: left exactly as they are, alone and inside a sentence. */
const notNumbers: ReadonlyArray<string> = [
  // case codes and division codes
  "222403-2025-000017",
  "222403-10-000001",
  "222403100201",
  "222403 100 201",
  // timestamps and dates
  "2025-03-03T09:00:00.000Z",
  "2025-03-03T09:00:00+08:00",
  "1741000000000",
  "2024-01-01 至 2024-12-31",
  "2024.01.01—2024.12.31",
  "2024/01/01",
  "20240101",
  "2024年1月13日15时",
  // UUIDs and hashes
  "0193a0b2-0433-7123-8456-012345678901",
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "a13812345678",
  "13812345678abc",
  // amounts and counts
  "金额 100 200 300 400 500 元",
  "赔偿 138123456.78 元",
  "1,381,234,567.00 元",
  "１２３元",
  "١٢٣ 元",
  "各村 13 14 15 16 17 18 件",
  // an address, an IP address, emoji joined by invisible characters
  "139.196.10.123",
  "吉林省延边州敦化市胜利街 138 号 5 单元",
  "家庭 👨‍👩‍👧 三人"
]

const sentence = (s: string) => `申请人联系方式：${s}（已核实）。`

describe("masking every spelling of a personal number (issue 26)", () => {
  it.each(spellings)("masks %j", (spelling, masked) => {
    expect(Privacy.maskText(spelling)).toBe(masked)
    expect(Privacy.maskText(sentence(spelling))).toBe(sentence(masked))
  })

  it("has at least 15 spellings that were masked before and 15 that were not", () => {
    expect(spellings.filter(([, , before]) => before).length).toBeGreaterThanOrEqual(15)
    expect(spellings.filter(([, , before]) => !before).length).toBeGreaterThanOrEqual(15)
  })

  it.each(notNumbers)("leaves %j alone", (text) => {
    expect(Privacy.maskText(text)).toBe(text)
    expect(Privacy.maskText(sentence(text))).toBe(sentence(text))
  })

  it("masks several numbers in one text, each in its own spelling, and keeps the rest", () => {
    const text =
      "张三 １１０１０５１９９００１０１００２Ｘ，电话 138.1234.5678；李四 +86 139 8765 4321，案号 222403-2025-000017"
    expect(Privacy.maskText(text)).toBe(
      "张三 110105********002X，电话 138****5678；李四 139****4321，案号 222403-2025-000017"
    )
  })

  it("the quick scan is true for every text a pattern masks", () => {
    const alphabet = FastCheck.constantFrom(
      ..."0123456789013868X x-./_—·+()\u200b\u00ad\ufeff\u3000１３８Ｘ٣۸𝟏a中".match(/./gu)!
    )
    FastCheck.assert(
      FastCheck.property(FastCheck.array(alphabet, { maxLength: 40 }).map((cs) => cs.join("")), (text) => {
        if (masking.maskAll(text) !== text) expect(masking.mayHoldNumber(text), JSON.stringify(text)).toBe(true)
      }),
      { numRuns: 3000 }
    )
    for (const [spelling] of spellings) expect(masking.mayHoldNumber(sentence(spelling)), spelling).toBe(true)
  })

  it("every character the quick scan passes over folds to one character that is not a digit", () => {
    // the scan's contract, for every code point: what it does not stop at neither vanishes nor becomes a digit
    const wrong: Array<string> = []
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue
      const ch = String.fromCodePoint(cp)
      if (masking.mayHoldNumber(ch)) continue
      const folded = masking.fold(ch).text
      if (folded.length !== 1 || (folded >= "0" && folded <= "9")) wrong.push(cp.toString(16))
    }
    expect(wrong).toStrictEqual([])
  })
})

describe("log lines and CorruptRecord messages (issue 26)", () => {
  type Line = { readonly message: unknown; readonly annotations: Record<string, unknown> }
  const capture = (lines: Array<Line>) =>
    Logger.make(({ annotations, message }) => {
      const a: Record<string, unknown> = {}
      for (const [k, v] of HashMap.toEntries(annotations)) a[k] = v
      lines.push({ message, annotations: a })
    })

  it.effect("maskingLogger masks the message and the annotations", () =>
    Effect.gen(function*() {
      const lines: Array<Line> = []
      yield* Effect.logWarning("command 138.1234.5678 failed", { caller: "１３８１２３４５６７８" }).pipe(
        Effect.annotateLogs({ commandId: "tel13812345678", caseId: "c-110105199001010021", attempt: 2 }),
        Effect.provide(Logger.replace(Logger.defaultLogger, Privacy.maskingLogger(capture(lines))))
      )
      expect(lines).toHaveLength(1)
      expect(lines[0]!.message).toStrictEqual(["command 138****5678 failed", { caller: MOBILE }])
      expect(lines[0]!.annotations).toStrictEqual({
        commandId: `tel${MOBILE}`,
        caseId: "c-110105********0021",
        attempt: 2
      })
    }))

  it.effect("maskingLogger masks the errors and defects of a logged cause", () =>
    Effect.gen(function*() {
      const printed: Array<string> = []
      const logger = Logger.make(({ cause }) => printed.push(Cause.pretty(cause)))
      yield* Effect.logError(
        "gateway",
        Cause.sequential(Cause.die(new Error("SMS to 138.1234.5678 failed")), Cause.fail(`ID ${"11010519900101002X"}`))
      ).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, Privacy.maskingLogger(logger))))
      expect(printed).toHaveLength(1)
      expect(printed[0]).toContain(`SMS to ${MOBILE} failed`)
      expect(printed[0]).toContain(`ID ${ID}`)
      expect(printed[0]).not.toMatch(/1234.5678|19900101/)
    }))

  it.live("a plugin's failure after the commit is logged with the command id masked, with any logger", () => {
    const lines: Array<Line> = []
    return Effect.gen(function*() {
      const store = yield* MemoryStore.make
      const failing = Plugin.definePlugin({
        id: "notifier",
        version: "1.0.0",
        afterCommit: () => Effect.die(new Error("SMS gateway down"))
      })
      const center = yield* makeScenario({ config: countyConfig, plugins: [failing] }).pipe(
        Effect.provideService(CaseStore, store)
      )
      yield* center.execute(registerInput({ caseId: "c1", commandId: "cmd:138.1234.5678" }))
      const failure = lines.find((l) => l.annotations.hook === "afterCommit" && "commandId" in l.annotations)
      expect(failure?.annotations.commandId).toBe(`cmd:${MOBILE}`)
      expect(JSON.stringify(lines)).not.toMatch(/1234.?5678/)
    }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, capture(lines))))
  })

  it("a CorruptRecord quoting a stored value has its message masked", () => {
    const error = new CorruptRecord({
      caseId: "c1",
      version: 3,
      reason: "event does not match the Registered schema: Expected 18 characters, actual \"11010519900101002X-\""
    })
    expect(error.message).toBe(
      `Record of case c1 at version 3 cannot be read: event does not match the Registered schema: ` +
        `Expected 18 characters, actual "${ID}-"`
    )
    const byId = new CorruptRecord({ caseId: "13812345678", version: 1, reason: "snapshot: bad JSON" })
    expect(byId.message).not.toContain("13812345678")
  })
})
