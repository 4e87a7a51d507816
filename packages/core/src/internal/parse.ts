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

/** Deeper than any input or configuration of the SDK (a condition nests at most 8 levels). */
const maxDepth = 64

const describe = (e: unknown): string => {
  try {
    return e instanceof Error ? e.message : String(e)
  } catch {
    return "an exception"
  }
}

/**
 * Why a value that made decoding throw is not plain data, and where: a getter or a Proxy trap that throws, a
 * cycle, or nesting deeper than any input needs (which would overflow the stack). Walks the value with every read
 * guarded; names the path of the first problem (shortened when deep).
 * @internal
 */
export const unreadable = (
  value: unknown,
  thrown: unknown,
  prefix = ""
): { readonly field: string; readonly expected: string } => {
  const name = (path: ReadonlyArray<string>) => {
    const shown = path.length > 6 ? [...path.slice(0, 5), "…"] : path
    return [prefix, ...shown].filter((p) => p !== "").join(".") || "(root)"
  }
  const seen = new Set<object>()
  const walk = (v: unknown, path: Array<string>): { field: string; expected: string } | undefined => {
    if (typeof v !== "object" || v === null) return undefined
    if (path.length > maxDepth) return { field: name(path), expected: `at most ${maxDepth} levels of nesting` }
    if (seen.has(v)) return { field: name(path), expected: "plain data without cycles" }
    seen.add(v)
    let keys: Array<string | symbol>
    try {
      keys = Reflect.ownKeys(v)
    } catch (e) {
      return { field: name(path), expected: `plain data (listing its fields threw: ${describe(e)})` }
    }
    for (const k of keys) {
      if (typeof k === "symbol") continue
      let child: unknown
      try {
        child = (v as Record<string, unknown>)[k]
      } catch (e) {
        return { field: name([...path, k]), expected: `plain data (reading it threw: ${describe(e)})` }
      }
      const found = walk(child, [...path, k])
      if (found !== undefined) return found
    }
    seen.delete(v)
    return undefined
  }
  return walk(value, []) ??
    { field: name([]), expected: `plain data (decoding it threw: ${describe(thrown)})` }
}

/**
 * Decodes unknown input with a schema into `Either<A, InvalidInput>`; excess properties are errors so that a
 * misspelt field is reported rather than silently dropped.
 * @internal
 */
export const decodeInput = <A, I>(schema: Schema.Schema<A, I, never>) => {
  const fast = compile(schema.ast)
  const decode = ParseResult.decodeUnknownEither(schema, parseOptions)
  return (input: unknown, prefix = ""): Either.Either<A, InvalidInput> => {
    try {
      // valid input takes the compiled fast path; anything else gets the schema's own answer (and its error)
      const value = fast(input)
      return value !== Fail
        ? Either.right(value as A)
        : Either.mapLeft(decode(input), (e) => invalidInputFromParseError(e, { prefix }))
    } catch (e) {
      // a getter or Proxy that throws, a cycle, nesting that overflows the stack: bad input, named
      const { expected, field } = unreadable(input, e, prefix)
      return Either.left(invalidInput(field, expected))
    }
  }
}

/**
 * Decodes unknown input with the schema alone (no fast path, nothing caught) into `Either<A, InvalidInput>`,
 * excess properties refused: the decoder plugins use (`Plugin.decodeInput`).
 * @internal
 */
export const decodeWithSchema = <A, I>(schema: Schema.Schema<A, I, never>) => {
  const decode = ParseResult.decodeUnknownEither(schema, parseOptions)
  return (input: unknown): Either.Either<A, InvalidInput> =>
    Either.mapLeft(decode(input), (e) => invalidInputFromParseError(e))
}

/** @internal */
export const decodeConfig = <A, I>(schema: Schema.Schema<A, I, never>) => {
  const decode = ParseResult.decodeUnknownEither(schema, parseOptions)
  return (input: unknown, prefix = ""): Either.Either<A, InvalidConfig> => {
    try {
      return Either.mapLeft(decode(input), (e) => toInvalidConfig(e, prefix))
    } catch (e) {
      const { expected, field } = unreadable(input, e, prefix)
      return Either.left(invalidConfig(field, expected))
    }
  }
}
