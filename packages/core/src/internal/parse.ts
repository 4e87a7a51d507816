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

const objectProto = Object.prototype
const arrayProto = Array.prototype
const dateProto = Date.prototype

/**
 * The first field of `value` that a decoder would read from a prototype rather than from the object itself (a
 * data field or a getter on a prototype other than the built-in ones): `Object.create({ roles: ["admin"] })` is
 * not an actor with the role `admin`. Walks the value once, each object once however often it is shared (linear in
 * the size of the input graph). A read that throws is left to the decoder, which reports it.
 * @internal
 */
export const inheritedField = (value: unknown, prefix = ""): string | undefined => {
  const seen = new Set<object>()
  const name = (path: ReadonlyArray<string>) => {
    const shown = path.length > 6 ? [...path.slice(0, 5), "…"] : path
    return [prefix, ...shown].filter((p) => p !== "").join(".") || "(root)"
  }
  const path: Array<string> = []
  const walk = (v: unknown): string | undefined => {
    if (typeof v !== "object" || v === null || seen.has(v) || path.length > maxDepth) return undefined
    seen.add(v)
    let proto = Object.getPrototypeOf(v) as object | null
    if (proto === dateProto) return undefined
    while (proto !== null && proto !== objectProto && proto !== arrayProto) {
      for (const k of Reflect.ownKeys(proto)) {
        if (typeof k !== "string" || k === "constructor" || Object.prototype.hasOwnProperty.call(v, k)) continue
        const d = Reflect.getOwnPropertyDescriptor(proto, k)
        // methods of a class are not fields; data and getters are
        if (d !== undefined && (d.get !== undefined || typeof d.value !== "function")) return name([...path, k])
      }
      proto = Object.getPrototypeOf(proto) as object | null
    }
    for (const k of Reflect.ownKeys(v)) {
      if (typeof k !== "string") continue
      path.push(k)
      const found = walk((v as Record<string, unknown>)[k])
      path.pop()
      if (found !== undefined) return found
    }
    return undefined
  }
  try {
    return walk(value)
  } catch {
    return undefined
  }
}

const inheritedExpected = "a field of its own (fields inherited from a prototype are not read)"

/**
 * Decodes unknown input with a schema into `Either<A, InvalidInput>`; excess properties are errors so that a
 * misspelt field is reported rather than silently dropped, and fields inherited from a prototype are refused.
 * @internal
 */
export const decodeInput = <A, I>(schema: Schema.Schema<A, I, never>) => {
  const fast = compile(schema.ast)
  const decode = ParseResult.decodeUnknownEither(schema, parseOptions)
  return (input: unknown, prefix = ""): Either.Either<A, InvalidInput> => {
    try {
      // valid input takes the compiled fast path, which reads only fields an object holds itself; anything else is
      // checked for inherited fields, then gets the schema's own answer (and its error)
      const value = fast(input)
      if (value !== Fail) return Either.right(value as A)
      const inherited = inheritedField(input, prefix)
      if (inherited !== undefined) return Either.left(invalidInput(inherited, inheritedExpected))
      return Either.mapLeft(decode(input), (e) => invalidInputFromParseError(e, { prefix }))
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
  return (input: unknown): Either.Either<A, InvalidInput> => {
    const inherited = inheritedField(input)
    return inherited !== undefined
      ? Either.left(invalidInput(inherited, inheritedExpected))
      : Either.mapLeft(decode(input), (e) => invalidInputFromParseError(e))
  }
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
