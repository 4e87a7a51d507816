import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import { InvalidConfig, InvalidInput, invalidInputFromParseError } from "../Errors.js"
import { compile, Fail } from "./fastDecode.js"

/** @internal */
export const toInvalidConfig = (error: ParseResult.ParseIssue, prefix = ""): InvalidConfig => {
  // the same fields and wording as an input error, for the configuration
  const { expected, field, issues } = invalidInputFromParseError(error, { prefix })
  return new InvalidConfig({ field, expected, issues })
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
    return value !== Fail
      ? Either.right(value as A)
      : Either.mapLeft(decode(input), (e) => invalidInputFromParseError(e, { prefix }))
  }
}

/** @internal */
export const decodeConfig = <A, I>(schema: Schema.Schema<A, I, never>) => {
  const decode = ParseResult.decodeUnknownEither(schema, parseOptions)
  return (input: unknown, prefix = ""): Either.Either<A, InvalidConfig> =>
    Either.mapLeft(decode(input), (e) => toInvalidConfig(e, prefix))
}
