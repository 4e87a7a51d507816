import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { Command } from "../src/Command.js"
import { compile, Fail } from "../src/internal/fastDecode.js"
import * as Query from "../src/Query.js"

const parseOptions = { errors: "all", onExcessProperty: "error" } as const

/** Hostile and ordinary values to put where a field was. */
const junk: FastCheck.Arbitrary<unknown> = FastCheck.oneof(
  FastCheck.constantFrom(undefined, null, "", 0, -1, 1.5, NaN, true, false, [], {}, "x".repeat(300)),
  FastCheck.string(),
  FastCheck.integer(),
  FastCheck.date(),
  FastCheck.constantFrom("2025-02-30", "2025-03-01T08:30:00+08:00", "2025-03-01", "Register", "Person"),
  FastCheck.array(FastCheck.string(), { maxLength: 3 }),
  FastCheck.dictionary(FastCheck.string({ maxLength: 4 }), FastCheck.string(), { maxKeys: 3 })
)

type Path = ReadonlyArray<string | number>

const paths = (u: unknown, prefix: Path = []): Array<Path> => {
  if (typeof u !== "object" || u === null) return [prefix]
  const entries: Array<[string | number, unknown]> = Array.isArray(u)
    ? u.map((v, i) => [i, v])
    : Object.entries(u)
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))]
}

type Mutation = { readonly path: number; readonly op: "delete" | "set" | "extra"; readonly value: unknown }

/** A deep copy of `u` with one change at one of its paths: a key removed, a value replaced or an extra key. */
const mutate = (u: unknown, m: Mutation): unknown => {
  const copy = structuredClone(u)
  const all = paths(copy)
  const path = all[m.path % all.length]!
  if (path.length === 0) return m.op === "set" ? m.value : copy
  let parent = copy as Record<string | number, unknown>
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>
  const last = path[path.length - 1]!
  if (m.op === "delete") {
    if (Array.isArray(parent)) parent.splice(Number(last), 1)
    else delete parent[last]
  } else if (m.op === "set") parent[last] = m.value
  else if (typeof parent[last] === "object" && parent[last] !== null && !Array.isArray(parent[last])) {
    ;(parent[last] as Record<string, unknown>).extraField = m.value
  } else parent[last] = m.value
  return copy
}

const mutation: FastCheck.Arbitrary<Mutation> = FastCheck.record({
  path: FastCheck.nat(),
  op: FastCheck.constantFrom("delete", "set", "extra"),
  value: junk
})

/** The fast path gives exactly the schema's value when it answers, and answers whenever the schema succeeds. */
const agrees = <A, I>(schema: Schema.Schema<A, I>, fast: (u: unknown) => unknown, input: unknown) => {
  const before = JSON.stringify(input)
  const slow = ParseResult.decodeUnknownEither(schema, parseOptions)(input)
  const quick = fast(input)
  expect(JSON.stringify(input)).toBe(before) // the input is never changed
  if (Either.isRight(slow)) {
    expect(quick).not.toBe(Fail)
    // same value, same key order
    expect(JSON.stringify(quick)).toBe(JSON.stringify(slow.right))
    expect(quick).toStrictEqual(slow.right)
  } else {
    expect(quick).toBe(Fail)
  }
}

const validCommands = (runs: number) =>
  FastCheck.sample(Arbitrary.make(Command), { numRuns: runs, seed: 11 }).map((c) => Schema.encodeSync(Command)(c))

describe("the compiled fast decoder", () => {
  const fastCommand = compile(Command.ast)

  it("decodes every generated command exactly as the schema does", () => {
    const inputs = validCommands(400)
    const tags = new Set(inputs.map((i) => i._tag))
    expect(tags.size).toBeGreaterThan(15)
    for (const input of inputs) agrees(Command, fastCommand, input)
  })

  it("gives the schema's value or fails over to it for mutated commands (removed, replaced and extra fields)", () => {
    const inputs = validCommands(120)
    FastCheck.assert(
      FastCheck.property(FastCheck.constantFrom(...inputs), mutation, (input, m) => {
        agrees(Command, fastCommand, mutate(input, m))
      }),
      { numRuns: 3000, seed: 5 }
    )
  })

  it("reads input the way the schema does: dates as Date, bare dates, optional keys set to undefined", () => {
    const base = validCommands(40).find((c) => c._tag === "Accept")!
    for (
      const at of [new Date("2025-03-01T00:00:00Z"), "2025-03-01", "2025-03-01T08:30+08:00", undefined, new Date(NaN)]
    ) {
      agrees(Command, fastCommand, { ...base, at })
    }
    agrees(Command, fastCommand, Object.assign(Object.create({ inherited: 1 }), base))
    agrees(Command, fastCommand, { ...base, [Symbol("s")]: 1 })
  })

  it("agrees with the schema on random values", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.anything(), (u) => agrees(Command, fastCommand, u)),
      { numRuns: 500, seed: 3 }
    )
  })

  it("agrees on queries, recursive conditions included (decoded by the schema node by node)", () => {
    const schemas = [Query.GetQuery, Query.ListQuery, Query.HistoryQuery, Query.AggregateQuery] as const
    for (const schema of schemas) {
      const fast = compile(schema.ast)
      const inputs = FastCheck.sample(Arbitrary.make(schema as Schema.Schema<unknown, unknown>), {
        numRuns: 60,
        seed: 9
      }).map((q) => Schema.encodeSync(schema as Schema.Schema<unknown, unknown>)(q))
      for (const input of inputs) agrees(schema as Schema.Schema<unknown, unknown>, fast, input)
      FastCheck.assert(
        FastCheck.property(FastCheck.constantFrom(...inputs), mutation, (input, m) => {
          agrees(schema as Schema.Schema<unknown, unknown>, fast, mutate(input, m))
        }),
        { numRuns: 500, seed: 13 }
      )
    }
  })
})
