/**
 * A dashboard from end to end: the query decoded and checked, planned (`plan.ts`), asked of the store, sliced into
 * figures (`slice.ts`) and presented (`present.ts`).
 *
 * @internal
 */
import { type CaseStore, type CenterConfig, Errors, Plugin, Policy, Query } from "@fengqiao/core"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { type Dashboard, DashboardInput, type DashboardQuery, type Source } from "./model.js"
import { KpiOptions, optionsProblem } from "./options.js"
import { plan } from "./plan.js"
import { present } from "./present.js"
import { slice } from "./slice.js"

/**
 * A source over a store.
 *
 * @internal
 */
export const fromStore = (store: CaseStore.CaseStore, centre: CenterConfig.Resolved): Source => ({
  centre,
  aggregate: (request) => store.aggregate(centre.id, request),
  parallelReads: store.capabilities.parallelReads
})

const decodeDashboard = Plugin.decodeInput(DashboardInput)

/**
 * Decodes a dashboard input; a bad field is an `InvalidInput` naming it, a condition beyond the default query
 * limits one naming the limit.
 *
 * @internal
 */
export const decodeInput = (input: unknown): Either.Either<typeof DashboardInput.Type, Errors.InvalidInput> => {
  // a caller's condition is sized before it is decoded (shared parts would be expanded by decoding)
  let where: unknown
  try {
    where = typeof input === "object" && input !== null ? (input as { readonly where?: unknown }).where : undefined
  } catch {
    where = undefined
  }
  const tooLarge = Query.checkConditionSize(where)
  return tooLarge !== undefined ? Either.left(tooLarge) : decodeDashboard(input)
}

const decodeKpiOptions = Plugin.decodeInput(KpiOptions)

/**
 * Decodes KPI options (none: the defaults); a bad field is an `InvalidInput` naming it.
 *
 * @internal
 */
export const decodeOptions = (input: unknown): Either.Either<KpiOptions, Errors.InvalidInput> =>
  decodeKpiOptions(input ?? {})

/**
 * Computes a dashboard from a source, inside `scope`, for a decoded query, about the query's jurisdiction or else
 * `focus`.
 *
 * @internal
 */
export const compute = (
  source: Source,
  scope: CaseStore.Condition,
  query: DashboardQuery,
  focus: string,
  options: KpiOptions,
  now: string
): Effect.Effect<Dashboard, Errors.StoreError | Errors.InvalidInput> =>
  Effect.gen(function*() {
    const centre = source.centre
    const node = centre.tree.get(query.jurisdiction ?? focus)
    if (node === undefined) {
      return yield* Plugin.invalidInput("jurisdiction", "the code of a node in the centre's jurisdiction tree")
    }
    // the plugin checks its configuration when the centre starts; a direct call checks it here (an unknown level
    // would otherwise count 小事不出村 at the deepest level without a word)
    const problem = optionsProblem(centre, options)
    if (problem !== undefined) return yield* Plugin.invalidInput(problem.field, problem.expected)
    const planned = plan(centre, scope, query, node, options, now, source.parallelReads)
    const answers = yield* Effect.all(planned.requests.map((request) => source.aggregate(request)), {
      concurrency: planned.concurrency
    })
    return present(centre, query, planned, slice(planned, answers))
  })

/**
 * The dashboard for an actor, over a store, inside the read scope the policy gives it.
 *
 * @internal
 */
export const dashboard = (
  store: CaseStore.CaseStore,
  centre: CenterConfig.Resolved,
  input: DashboardInput,
  settings: { readonly options?: typeof KpiOptions.Encoded | undefined; readonly policy?: Policy.Policy } = {}
): Effect.Effect<Dashboard, Errors.InvalidInput | Errors.Forbidden | Errors.StoreError> =>
  Effect.gen(function*() {
    const q = yield* decodeInput(input)
    const options = yield* decodeOptions(settings.options)
    const policy = settings.policy ?? Policy.makeDefault()
    const scope = policy.readScope(centre, q.actor)
    if (scope instanceof Errors.Forbidden) return yield* scope
    const now = new Date(yield* Clock.currentTimeMillis).toISOString()
    return yield* compute(fromStore(store, centre), scope, q, q.actor.jurisdiction, options, now)
  })
