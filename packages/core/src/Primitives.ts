/**
 * Small value types shared by every part of the domain: keys, identifiers, timestamps, division codes, labels.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * An identifier from a configurable taxonomy (a case kind, a category, a channel, a role …): ASCII letters,
 * digits, `_` and `-`, starting with a letter, at most 64 characters.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Key = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, {
    message: () => "a key: a letter followed by up to 63 letters, digits, '_' or '-'"
  }),
  Schema.annotations({ identifier: "Key", description: "a taxonomy or configuration key" })
)

/**
 * An opaque identifier of a case, command, order or session. UUIDs (the SDK makes UUIDv7) or any caller id of
 * 1–128 characters from `[A-Za-z0-9_.:-]`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Id = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9_.:-]{1,128}$/, {
    message: () => "an id: 1 to 128 characters from A-Z a-z 0-9 _ . : -"
  }),
  Schema.annotations({ identifier: "Id" })
)

/**
 * The id of a case.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CaseId = Id.annotations({ identifier: "CaseId" })

/**
 * The id of a command; a command id seen twice yields one set of events (idempotency).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CommandId = Id.annotations({ identifier: "CommandId" })

const canonicalInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/**
 * An instant in canonical ISO-8601 UTC form (`2025-03-01T08:30:00.000Z`, exactly what
 * `Date.prototype.toISOString` prints). Canonical strings compare correctly as strings, so stores can index
 * and sort them directly.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Timestamp = Schema.String.pipe(
  Schema.pattern(canonicalInstant, {
    message: () => "a canonical UTC timestamp such as 2025-03-01T08:30:00.000Z"
  }),
  Schema.annotations({
    identifier: "Timestamp",
    arbitrary: () => (fc) =>
      fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2026, 11, 31) }).map((ms) => new Date(ms).toISOString())
  })
)

/**
 * @since 0.1.0
 * @category models
 */
export type Timestamp = typeof Timestamp.Type

const isoInput = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/

/**
 * Parses an ISO-8601 string (with a zone, or a bare date taken as midnight in China, UTC+8) or a `Date` into a
 * canonical {@link Timestamp}. Returns `undefined` when it is not one.
 *
 * @since 0.1.0
 * @category constructors
 */
export const toTimestamp = (input: string | Date | number): Timestamp | undefined => {
  let ms: number
  if (typeof input === "string") {
    // fast path: already canonical (what the SDK itself writes)
    if (
      canonicalInstant.test(input) && input.slice(11, 13) < "24" && input.slice(14, 16) < "60" &&
      input.slice(17, 19) < "60" && isValidCivilDate(input.slice(0, 10))
    ) return input
    // Date.parse rolls 2025-02-30 over to 2 March and accepts 24:00: refuse both
    if (!isoInput.test(input) || !isValidCivilDate(input.slice(0, 10))) return undefined
    if (input.length > 10 && (input.slice(11, 13) > "23" || input.slice(14, 16) > "59")) return undefined
    ms = input.length === 10 ? Date.parse(`${input}T00:00:00+08:00`) : Date.parse(input)
  } else if (typeof input === "number") {
    ms = input
  } else {
    ms = input.getTime()
  }
  if (!Number.isFinite(ms) || ms < -62135596800000 || ms > 253402300799999) return undefined
  return new Date(ms).toISOString()
}

/**
 * The earliest instant any door accepts (`1900-01-01T00:00:00.000Z`): older dates are typing mistakes, not history a
 * centre keeps, and would break statistics by year or period.
 *
 * @since 0.3.0
 * @category constants
 */
export const earliestInstant = "1900-01-01T00:00:00.000Z"

/**
 * The first instant no door accepts (`2200-01-01T00:00:00.000Z`): every accepted instant lies before it.
 *
 * @since 0.3.0
 * @category constants
 */
export const instantsEnd = "2200-01-01T00:00:00.000Z"

/**
 * Whether a canonical {@link Timestamp} lies in the range every door accepts: from {@link earliestInstant} up to
 * (not including) {@link instantsEnd}.
 *
 * @since 0.3.0
 * @category predicates
 */
export const isSaneInstant = (ts: string): boolean => ts >= earliestInstant && ts < instantsEnd

/**
 * The largest version a case may reach or a query may name (2^31 − 1): the stores keep versions in 32-bit integers.
 *
 * @since 0.3.0
 * @category constants
 */
export const maxVersion = 2 ** 31 - 1

/**
 * Accepts an ISO-8601 string with a time zone (or a bare `YYYY-MM-DD`, read as midnight in China), or a `Date`,
 * and decodes it to a canonical {@link Timestamp} from 1900 to 2199 (see {@link earliestInstant},
 * {@link instantsEnd}): one far-off date must never break a centre's statistics.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TimestampInput = Schema.transformOrFail(
  Schema.Union(Schema.String, Schema.DateFromSelf).annotations({
    identifier: "TimestampInput",
    // on the wire (JSON) a timestamp is always a string; a `Date` is accepted only from JavaScript callers
    jsonSchema: {
      type: "string",
      description: "An ISO-8601 timestamp with a time zone (e.g. 2025-03-01T08:30:00+08:00), or a bare " +
        "YYYY-MM-DD read as midnight in China (UTC+8)"
    }
  }),
  Timestamp,
  {
    strict: true,
    decode: (input, _, ast) => {
      const ts = toTimestamp(input)
      return ts === undefined
        ? ParseResult.fail(
          new ParseResult.Type(ast, input, "an ISO-8601 timestamp with a time zone, e.g. 2025-03-01T08:30:00+08:00")
        )
        : !isSaneInstant(ts)
        ? ParseResult.fail(
          new ParseResult.Type(ast, input, "an instant from 1900-01-01 to 2199-12-31 (UTC)")
        )
        : ParseResult.succeed(ts)
    },
    encode: (ts) => ParseResult.succeed(ts)
  }
).annotations({ identifier: "TimestampInput" })

/**
 * A civil date `YYYY-MM-DD` (in the centre's time zone, China by default).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CivilDate = Schema.String.pipe(
  Schema.pattern(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: () => "a date YYYY-MM-DD" }),
  Schema.filter((s) => isValidCivilDate(s) || "a date that exists in the calendar"),
  Schema.annotations({
    identifier: "CivilDate",
    arbitrary: () => (fc) =>
      fc.integer({ min: 18262, max: 20818 }).map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10))
  })
)

/**
 * True when `YYYY-MM-DD` names a real day.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isValidCivilDate = (s: string): boolean => {
  const y = Number(s.slice(0, 4))
  const m = Number(s.slice(5, 7))
  const d = Number(s.slice(8, 10))
  const dt = new Date(Date.UTC(y, m - 1, d))
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d
}

/**
 * A jurisdiction node's code: a GB/T 2260 administrative division code (6 digits), a statistical division code
 * (9 or 12 digits), or a local code for grids (letters, digits, `-`, up to 32).
 *
 * @since 0.1.0
 * @category schemas
 */
export const DivisionCode = Schema.String.pipe(
  Schema.pattern(/^[0-9A-Za-z][0-9A-Za-z-]{0,31}$/, {
    message: () => "a division code: GB/T 2260 digits or a local code of up to 32 letters, digits or '-'"
  }),
  Schema.annotations({ identifier: "DivisionCode" })
)

/**
 * A user-facing language. `zh-Hans` is the default; the Yanbian centres also serve in Korean.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Locale = Schema.Literal("zh-Hans", "zh-Hant", "en", "ko").annotations({ identifier: "Locale" })

/**
 * @since 0.1.0
 * @category models
 */
export type Locale = typeof Locale.Type

/**
 * All supported locales, the default first.
 *
 * @since 0.1.0
 * @category constants
 */
export const locales: ReadonlyArray<Locale> = ["zh-Hans", "zh-Hant", "en", "ko"]

/**
 * Text trimmed of surrounding space, not empty, with a maximum length.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Text = (maxLength: number) =>
  Schema.String.pipe(
    Schema.filter((s) => s.trim().length > 0 || "a non-empty text"),
    Schema.maxLength(maxLength, { message: () => `a text of at most ${maxLength} characters` }),
    Schema.filter((s) => isWellFormed(s) || "well-formed Unicode text (no lone surrogates)")
  )

/**
 * True when a string has no lone UTF-16 surrogates.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isWellFormed = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1)
      if (!(n >= 0xdc00 && n <= 0xdfff)) return false
      i++
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false
    }
  }
  return true
}

/**
 * A short name (a person, an organisation, a unit): 1–100 characters.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Name = Text(100).annotations({ identifier: "Name" })

/**
 * A reason, a note or a summary: 1–2 000 characters.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Note = Text(2000).annotations({ identifier: "Note" })

/**
 * A case description: 1–20 000 characters.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Description = Text(20000).annotations({ identifier: "Description" })

/**
 * An amount of money in yuan (元): finite, not negative, at most two decimals — exactly the number a literal such as
 * `1.23` gives, so that every store sees the same amount (`0.1 + 0.2` is refused: round computed amounts to fen).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Yuan = Schema.Number.pipe(
  Schema.finite({ message: () => "a finite amount of yuan" }),
  Schema.nonNegative({ message: () => "an amount of yuan that is not negative" }),
  // exactly the number a two-decimal literal gives (1.23, not 1.000000001 nor 0.1 + 0.2): the in-memory store
  // compares the number, SQL stores whole fen, and both must see the same amount
  Schema.filter((n) =>
    Math.round(n * 100) / 100 === n ||
    "an amount with at most two decimals, as written (round a computed amount to fen: Math.round(x * 100) / 100)"
  ),
  Schema.lessThanOrEqualTo(1e13, { message: () => "an amount of at most 10 000 000 000 000 yuan" }),
  Schema.annotations({
    identifier: "Yuan",
    arbitrary: () => (fc) => fc.integer({ min: 0, max: 1_000_000_000 }).map((fen) => fen / 100)
  })
)

/**
 * Labels of one thing in the supported languages; `zh-Hans` is required, the others fall back to it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Labels = Schema.Struct({
  "zh-Hans": Name,
  "zh-Hant": Schema.optional(Name),
  en: Schema.optional(Name),
  ko: Schema.optional(Name)
}).annotations({ identifier: "Labels" })

/**
 * @since 0.1.0
 * @category models
 */
export type Labels = typeof Labels.Type

/**
 * An optional field of an input: it may be absent or `undefined`, and an `undefined` value is dropped while
 * decoding, so decoded values (and the events made from them) never carry `undefined` keys — what is stored is
 * exactly what is read back, in every store.
 *
 * @since 0.1.0
 * @category schemas
 */
export const optionalField = <A, I, R>(
  schema: Schema.Schema<A, I, R>
): Schema.PropertySignature<"?:", A, never, "?:", I | undefined, false, R> =>
  Schema.optionalToOptional(Schema.UndefinedOr(schema), Schema.typeSchema(schema), {
    decode: (o) => Option.filter(o, (a): a is A => a !== undefined),
    encode: (o) => o
  })
