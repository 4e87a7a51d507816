import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import type { InputIssue } from "../Errors.js"
import { InvalidConfig, InvalidInput } from "../Errors.js"
import { maskText } from "../Privacy.js"
import { compile, Fail } from "./fastDecode.js"

const describe = (issue: ParseResult.ArrayFormatterIssue): string => {
  if (issue._tag === "Missing") return "a value (the field is required)"
  if (issue._tag === "Unexpected") return "no such field"
  // messages may quote the input: personal numbers in it are masked
  const m = maskText(issue.message)
  return m.startsWith("Expected ") ? m.slice("Expected ".length) : m
}

/** @internal */
export const issuesOf = (issue: ParseResult.ParseIssue, prefix: string): ReadonlyArray<InputIssue> => {
  const raw = ParseResult.ArrayFormatter.formatIssueSync(issue)
  const issues = raw.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter((s) => s !== "").join(".") || "(root)",
    expected: describe(issue)
  }))
  return issues.length === 0
    ? [{ field: prefix || "(root)", expected: maskText(ParseResult.TreeFormatter.formatIssueSync(issue)) }]
    : issues
}

/** @internal */
export const toInvalidInput = (error: ParseResult.ParseIssue, prefix = ""): InvalidInput => {
  const issues = issuesOf(error, prefix)
  return new InvalidInput({ field: issues[0]!.field, expected: issues[0]!.expected, issues })
}

/** @internal */
export const toInvalidConfig = (error: ParseResult.ParseIssue, prefix = ""): InvalidConfig => {
  const issues = issuesOf(error, prefix)
  return new InvalidConfig({ field: issues[0]!.field, expected: issues[0]!.expected, issues })
}

/** @internal */
export const invalidInput = (field: string, expected: string): InvalidInput =>
  new InvalidInput({ field, expected, issues: [{ field, expected }] })

/** @internal */
export const invalidConfig = (field: string, expected: string): InvalidConfig =>
  new InvalidConfig({ field, expected, issues: [{ field, expected }] })

const parseOptions = { errors: "all", onExcessProperty: "error" } as const

/**
 * Decodes unknown input with a schema into `Either<A, InvalidInput>`; excess properties are errors so that a
 * misspelt field is reported rather than silently dropped.
 * @internal
 */
export const decodeInput = <A, I>(schema: Schema.Schema<A, I, never>) => {
  const fast = compile(schema.ast)
  const decode = ParseResult.decodeUnknownEither(schema, parseOptions)
  return (input: unknown, prefix = ""): Either.Either<A, InvalidInput> => {
    // valid input takes the compiled fast path; anything else gets the schema's own answer (and its error)
    const value = fast(input)
    return value !== Fail ? Either.right(value as A) : Either.mapLeft(decode(input), (e) => toInvalidInput(e, prefix))
  }
}

/** @internal */
export const decodeConfig = <A, I>(schema: Schema.Schema<A, I, never>) => {
  const decode = ParseResult.decodeUnknownEither(schema, parseOptions)
  return (input: unknown, prefix = ""): Either.Either<A, InvalidConfig> =>
    Either.mapLeft(decode(input), (e) => toInvalidConfig(e, prefix))
}
