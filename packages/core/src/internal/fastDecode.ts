/**
 * A fast path for decoding valid input. `effect/Schema`'s interpreter is general (effectful members, error
 * collection, concurrency annotations): decoding one command costs tens of microseconds, most of a command's time
 * on the in-memory store. {@link compile} turns a schema's AST into plain closures that either return the value the
 * schema would decode to, or {@link Fail} — on any doubt. Callers then decode with the schema itself, which gives
 * the same value or the exact typed error, so the fast path never changes an outcome; it only skips work on the
 * common, valid path.
 *
 * Same semantics by construction: refinements call the schema's own filters, transformations its own decode
 * functions and declarations their own parsers; property and union rules follow `ParseResult` (own keys, excess
 * keys refused, required keys read even when absent, union members tried in the interpreter's order). A node the
 * compiler does not model (per-node parse options, decoding fallbacks, surrogates, effectful results) is decoded by
 * the interpreter, for that node alone. A property test checks it against the interpreter on generated and mutated
 * input.
 * @internal
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as AST from "effect/SchemaAST"

/** @internal */
export const Fail: unique symbol = Symbol.for("@fengqiao/core/fastDecode/Fail")

/** @internal */
export type Decoder = (input: unknown) => unknown

const options: AST.ParseOptions = { errors: "all", onExcessProperty: "error" }

const fromEither = (r: unknown): unknown => Either.isEither(r) ? (Either.isRight(r) ? r.right : Fail) : Fail

/** The interpreter for one node: exact, and slower. */
const delegate = (ast: AST.AST): Decoder => {
  const decode = ParseResult.decodeUnknownEither({ ast } as never, options) as (u: unknown) => Either.Either<unknown>
  return (input) => {
    const r = decode(input)
    return Either.isRight(r) ? r.right : Fail
  }
}

/** Whether the interpreter would put the node into a union's literal search tree (then member order may change). */
const hasLiterals = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "Refinement":
      return hasLiterals(ast.from)
    case "Transformation":
      return hasLiterals(ast.from)
    case "Declaration":
      // the interpreter looks through a surrogate only
      return Option.isSome(AST.getSurrogateAnnotation(ast))
    case "Suspend":
      return true // not modelled: treated as possibly having literals
    case "TypeLiteral":
      return ast.propertySignatures.some((ps) => !ps.isOptional && AST.isLiteral(AST.encodedAST(ps.type)))
    case "TupleType":
      return ast.elements.some((e) => !e.isOptional && AST.isLiteral(AST.encodedAST(e.type)))
    default:
      return false
  }
}

/** The literal `_tag` a union member requires of its input, if it is a struct that has one. */
const tagOf = (ast: AST.AST): string | undefined => {
  switch (ast._tag) {
    case "Refinement":
    case "Transformation":
      return tagOf(ast.from)
    case "TypeLiteral": {
      const ps = ast.propertySignatures.find((p) => p.name === "_tag")
      if (ps === undefined || ps.isOptional) return undefined
      const t = AST.encodedAST(ps.type)
      return AST.isLiteral(t) && typeof t.literal === "string" ? t.literal : undefined
    }
    default:
      return undefined
  }
}

/** Whether a node fails on every object (so it cannot compete with a struct in a union). */
const rejectsRecords = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "Refinement":
      return rejectsRecords(ast.from)
    case "StringKeyword":
    case "NumberKeyword":
    case "BooleanKeyword":
    case "UndefinedKeyword":
      return true
    case "Literal":
      return ast.literal === null || typeof ast.literal !== "object"
    default:
      return false
  }
}

const isRecord = (u: unknown): u is Record<PropertyKey, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const hasOwn = Object.prototype.hasOwnProperty

const go = (ast: AST.AST, memo: Map<AST.AST, Decoder>): Decoder => {
  const known = memo.get(ast)
  if (known !== undefined) return known
  const d = build(ast, memo)
  memo.set(ast, d)
  return d
}

const build = (ast: AST.AST, memo: Map<AST.AST, Decoder>): Decoder => {
  // per-node parse options and decoding fallbacks change what the interpreter does: leave such nodes to it
  if (
    ast.annotations[AST.ParseOptionsAnnotationId] !== undefined ||
    ast.annotations[AST.DecodingFallbackAnnotationId] !== undefined
  ) return delegate(ast)
  switch (ast._tag) {
    case "StringKeyword":
      return (u) => typeof u === "string" ? u : Fail
    case "NumberKeyword":
      return (u) => typeof u === "number" ? u : Fail
    case "BooleanKeyword":
      return (u) => typeof u === "boolean" ? u : Fail
    case "UndefinedKeyword":
      return (u) => u === undefined ? u : Fail
    case "UnknownKeyword":
    case "AnyKeyword":
      return (u) => u
    case "Literal": {
      const literal = ast.literal
      return (u) => u === literal ? u : Fail
    }
    case "Refinement": {
      const from = go(ast.from, memo)
      const filter = ast.filter
      return (u) => {
        const a = from(u)
        return a === Fail || Option.isSome(filter(a, options, ast)) ? Fail : a
      }
    }
    case "Transformation": {
      const t = ast.transformation
      const from = go(ast.from, memo)
      const to = go(ast.to, memo)
      if (t._tag === "ComposeTransformation") {
        return (u) => {
          const a = from(u)
          return a === Fail ? Fail : to(a)
        }
      }
      if (t._tag === "FinalTransformation") {
        const decode = t.decode
        return (u) => {
          const a = from(u)
          if (a === Fail) return Fail
          const b = fromEither(decode(a, options, ast, u))
          return b === Fail ? Fail : to(b)
        }
      }
      if (AST.isTypeLiteral(ast.from)) {
        // optional and renamed properties (`optionalToOptional`, `fromKey`): as the interpreter does, on the fresh
        // object the struct's decoder made (never on the caller's input)
        const psts = t.propertySignatureTransformations
        const froms = new Set<PropertyKey>(psts.map((p) => p.from))
        const independent = psts.every((p) => !froms.has(p.to) || p.to === p.from) &&
          new Set(psts.map((p) => p.to)).size === psts.length
        if (independent) {
          // a new object in the interpreter's key order (untouched keys, then each transformed key), without
          // `delete`, which would leave the object in slow dictionary mode for everything that reads it later
          return (u) => {
            const a = from(u) as Record<PropertyKey, unknown> | typeof Fail
            if (a === Fail) return Fail
            const out: Record<PropertyKey, unknown> = {}
            const keys = Reflect.ownKeys(a)
            for (let i = 0; i < keys.length; i++) {
              const k = keys[i]!
              if (!froms.has(k)) out[k] = a[k]
            }
            for (let i = 0; i < psts.length; i++) {
              const pst = psts[i]!
              const o = pst.decode(hasOwn.call(a, pst.from) ? Option.some(a[pst.from]) : Option.none())
              if (Option.isSome(o)) out[pst.to] = o.value
            }
            return to(out)
          }
        }
        return (u) => {
          const a = from(u) as Record<PropertyKey, unknown> | typeof Fail
          if (a === Fail) return Fail
          for (let i = 0; i < psts.length; i++) {
            const pst = psts[i]!
            const o = pst.decode(hasOwn.call(a, pst.from) ? Option.some(a[pst.from]) : Option.none())
            delete a[pst.from]
            if (Option.isSome(o)) a[pst.to] = o.value
          }
          return to(a)
        }
      }
      return delegate(ast)
    }
    case "Declaration": {
      const parse = ast.decodeUnknown(...ast.typeParameters)
      return (u) => fromEither(parse(u, options, ast))
    }
    case "TupleType": {
      if (ast.elements.length !== 0 || ast.rest.length !== 1) return delegate(ast)
      const item = go(ast.rest[0]!.type, memo)
      return (u) => {
        // an array of another prototype (whose holes it could fill) is left to the schema
        if (!Array.isArray(u) || Object.getPrototypeOf(u) !== Array.prototype) return Fail
        const out: Array<unknown> = new Array(u.length)
        for (let i = 0; i < u.length; i++) {
          const v = item(u[i])
          if (v === Fail) return Fail
          out[i] = v
        }
        return out
      }
    }
    case "TypeLiteral": {
      if (ast.indexSignatures.length > 0) return delegate(ast)
      const props = ast.propertySignatures.map((ps) => ({
        name: ps.name,
        optional: ps.isOptional,
        decode: go(ps.type, memo)
      }))
      const names = new Set<PropertyKey>(props.map((p) => p.name))
      return (u) => {
        if (!isRecord(u)) return Fail
        const keys = Reflect.ownKeys(u)
        for (let i = 0; i < keys.length; i++) if (!names.has(keys[i]!)) return Fail
        const out: Record<PropertyKey, unknown> = {}
        for (let i = 0; i < props.length; i++) {
          const p = props[i]!
          // a field the object does not hold itself is never read from its prototype: absent when optional, the
          // schema's own answer otherwise (`decodeInput` names an inherited field)
          if (!hasOwn.call(u, p.name)) {
            if (p.optional) continue
            return Fail
          }
          const v = p.decode(u[p.name])
          if (v === Fail) return Fail
          out[p.name] = v
        }
        return out
      }
    }
    case "Union": {
      const members = ast.types
      const tags = members.map(tagOf)
      if (tags.every((t) => t !== undefined) && new Set(tags).size === tags.length) {
        // members told apart by distinct `_tag` literals: only the member with the input's tag can succeed, and the
        // interpreter tries it too
        const byTag = new Map<string, Decoder>()
        members.forEach((m, i) => byTag.set(tags[i]!, go(m, memo)))
        return (u) => {
          if (!isRecord(u) || !hasOwn.call(u, "_tag")) return Fail
          const tag = u._tag
          const d = typeof tag === "string" ? byTag.get(tag) : undefined
          return d === undefined ? Fail : d(u)
        }
      }
      const tagged = members.filter((_, i) => tags[i] !== undefined)
      if (
        tagged.length > 0 && new Set(tags.filter((t) => t !== undefined)).size === tagged.length &&
        members.every((m, i) => tags[i] !== undefined || rejectsRecords(m))
      ) {
        // tagged structs and members that never accept an object (`UndefinedOr(struct)`): an object can only be the
        // struct with its tag; anything else only one of the others, tried in order as the interpreter does
        const byTag = new Map<string, Decoder>()
        const others: Array<Decoder> = []
        members.forEach((m, i) => tags[i] !== undefined ? byTag.set(tags[i]!, go(m, memo)) : others.push(go(m, memo)))
        return (u) => {
          if (isRecord(u)) {
            const tag = hasOwn.call(u, "_tag") ? u._tag : undefined
            const d = typeof tag === "string" ? byTag.get(tag) : undefined
            return d === undefined ? Fail : d(u)
          }
          for (let i = 0; i < others.length; i++) {
            const v = others[i]!(u)
            if (v !== Fail) return v
          }
          return Fail
        }
      }
      if (members.some(hasLiterals)) return delegate(ast)
      // no member in the literal search tree: the interpreter tries them in order and keeps the first success
      const ds = members.map((m) => go(m, memo))
      return (u) => {
        for (let i = 0; i < ds.length; i++) {
          const v = ds[i]!(u)
          if (v !== Fail) return v
        }
        return Fail
      }
    }
    default:
      return delegate(ast)
  }
}

/**
 * A fast decoder for a schema's AST: the decoded value, or {@link Fail} when the input is invalid or the fast path
 * cannot tell (decode with the schema then). Decoding options are those of the core's inputs:
 * `{ errors: "all", onExcessProperty: "error" }`.
 * @internal
 */
export const compile = (ast: AST.AST): Decoder => go(ast, new Map())
