/**
 * Type assertions, compiled by `types.test.ts` against the BUILT declaration files of `@fengqiao/core` and
 * `@fengqiao/plugins-risk` (not their sources): with several plugins installed, each plugin's queries and commands
 * stay fully typed on both front doors. Every `@ts-expect-error` must be needed, so a type that decays to `any`
 * fails the compile as surely as a wrong one.
 */
/* eslint-disable @typescript-eslint/no-unused-vars -- values declared to have their types asserted */
import { Center, createCenter, Errors, Examples, MemoryStore, Plugin } from "@fengqiao/core"
import { defineRiskGrader, riskPlugin } from "@fengqiao/plugins-risk"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
const assertType = <T extends true>(_: T) => {}
declare const never: never

/** A third party's plugin with a config Schema, a query and a command. */
const notes = Plugin.definePlugin({
  id: "notes",
  version: "1.0.0",
  config: Schema.Struct({ maxLength: Schema.Number }),
  api: () => ({
    count: (input: { readonly actor: unknown; readonly caseId: string }) =>
      Effect.succeed({ caseId: input.caseId, count: 3 as number }),
    add: (input: { readonly actor: unknown; readonly caseId: string; readonly text: string }) =>
      input.text.length > 0
        ? Effect.succeed(true as const)
        : Effect.fail(new Errors.InvalidInput({ field: "text", expected: "some text", issues: [] }))
  }),
  options: { maxLength: 200 }
})

/** A grader-only plugin: no API. */
const quiet = defineRiskGrader({ id: "quiet", version: "0.1.0", grade: () => Effect.succeed(undefined) })

export const promiseFrontDoor = async () => {
  const center = await createCenter({ config: Examples.countyConfig, plugins: [riskPlugin(), notes, quiet] })

  const explained = await center.plugins.risk.explain({ actor: Examples.admin, caseId: "c-1" })
  assertType<Equals<typeof explained.risk.level, string>>(true)
  const warnings = await center.plugins.risk.earlyWarnings({ actor: Examples.admin, levels: ["red"] })
  assertType<Equals<typeof warnings[number]["dueAt"], string>>(true)

  const counted = await center.plugins.notes.count({ actor: Examples.admin, caseId: "c-1" })
  assertType<Equals<typeof counted, { caseId: string; count: number }>>(true)
  const added = await center.plugins.notes.add({ actor: Examples.admin, caseId: "c-1", text: "x" }, {
    signal: AbortSignal.timeout(1000)
  })
  assertType<Equals<typeof added, true>>(true)

  // @ts-expect-error a plugin that is not installed
  void center.plugins.stats
  // @ts-expect-error a grader-only plugin has no queries
  void center.plugins.quiet.count
  // @ts-expect-error a query another plugin has
  void center.plugins.notes.explain
  // @ts-expect-error the input's fields are typed
  await center.plugins.notes.count({ actor: Examples.admin, caseId: 42 })
  // @ts-expect-error a missing field
  await center.plugins.risk.explain({ actor: Examples.admin })
  // @ts-expect-error the result is typed, not any
  const wrong: string = counted.count
  return [wrong, never]
}

export const effectFrontDoor = Effect.gen(function*() {
  const center = yield* Center.make({ config: Examples.countyConfig, plugins: [notes, riskPlugin()] })
  const counted = center.plugins.notes.count({ actor: Examples.admin, caseId: "c-1" })
  assertType<Equals<Effect.Effect.Success<typeof counted>, { caseId: string; count: number }>>(true)
  const added = center.plugins.notes.add({ actor: Examples.admin, caseId: "c-1", text: "x" })
  // the handler's own errors plus the host's (bad input, not allowed), nothing untyped
  assertType<Equals<Effect.Effect.Error<typeof added>, Errors.InvalidInput | Errors.Forbidden>>(true)
  const explained = yield* center.plugins.risk.explain({ actor: Examples.admin, caseId: "c-1" })
  assertType<Equals<typeof explained.risk.score, number | undefined>>(true)
  // @ts-expect-error not installed on this centre
  void center.plugins.quiet
  return explained
}).pipe(Effect.provide(MemoryStore.layer))
