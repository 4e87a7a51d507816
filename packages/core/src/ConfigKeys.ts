/**
 * The keys of a centre's configuration as types (配置键的类型): when the configuration is written as a constant,
 * `createCenter({ config })` knows its case kinds, channels, categories, departments, mediation types … and the
 * commands of the client it returns accept only those keys, so that a misspelt `kind: "dipsute"` or
 * `leadUnit: "cuort"` is a compile error rather than an `InvalidInput` at run time. A configuration loaded at run
 * time (typed `CenterConfigInput`, its ids plain strings) keeps every field a `string`. Types only: the centre checks
 * every key at run time all the same.
 *
 * @example
 * ```ts
 * import { createCenter } from "@fengqiao/core"
 *
 * const config = {
 *   id: "county", name: "某县综治中心",
 *   jurisdictions: [{ code: "220581", name: "某县", level: "county" }],
 *   caseKinds: [{ id: "dispute", labels: { "zh-Hans": "矛盾纠纷" } }]
 * } as const
 * const center = await createCenter({ config })
 * // @ts-expect-error "request" is not one of this centre's case kinds
 * await center.register({ actor, kind: "request", channel: "walkIn", … })
 * ```
 *
 * @since 0.1.0
 */
import type { CenterConfigInput } from "./CenterConfig.js"
import type { CommandInput, CommandName } from "./Command.js"
import type * as Taxonomy from "./Taxonomy.js"

/**
 * The keys a centre accepts in commands, by kind of key.
 *
 * @since 0.1.0
 * @category models
 */
export interface Keys {
  readonly kind: string
  readonly channel: string
  readonly category: string
  readonly complexity: string
  readonly riskLevel: string
  readonly mediationType: string
  readonly disposition: string
  readonly department: string
}

type IdsOf<A> = A extends ReadonlyArray<infer E> ? E extends { readonly id: infer K extends string } ? K : never
  : never

type Widen<K extends string> = string extends K ? string : K

/**
 * The ids of one taxonomy of a configuration `C`: its entries' ids when `C` lists them as literals, the defaults'
 * (`D`) when `C` leaves the field out, and `string` when the ids are plain strings (a configuration loaded at run
 * time) or the field may be absent.
 *
 * @since 0.1.0
 * @category models
 */
export type KeyOf<C, F extends keyof CenterConfigInput, D extends string> = F extends keyof C
  ? undefined extends C[F] ? Widen<IdsOf<Exclude<C[F], undefined>> | D>
  : Widen<IdsOf<C[F]>>
  : D

/**
 * The keys of a configuration `C`. A field it leaves out has the defaults' keys (departments: none).
 *
 * @since 0.1.0
 * @category models
 */
export type KeysOf<C> = {
  readonly kind: KeyOf<C, "caseKinds", Taxonomy.DefaultCaseKind>
  readonly channel: KeyOf<C, "channels", Taxonomy.DefaultChannel>
  readonly category: KeyOf<C, "categories", Taxonomy.DefaultCategory>
  readonly complexity: KeyOf<C, "complexities", Taxonomy.DefaultComplexity>
  readonly riskLevel: KeyOf<C, "riskLevels", Taxonomy.DefaultRiskLevel>
  readonly mediationType: KeyOf<C, "mediationTypes", Taxonomy.DefaultMediationType>
  readonly disposition: KeyOf<C, "dispositions", Taxonomy.DefaultDisposition>
  readonly department: KeyOf<C, "departments", never>
}

/** `I` with the fields of `R` retyped (their optionality, and `undefined` where it was allowed, kept). */
type Retyped<I, R> = {
  readonly [P in keyof I]: P extends keyof R ? R[P] | Extract<I[P], undefined> : I[P]
}

type Input<T extends CommandName> = Extract<CommandInput, { readonly _tag: T }>

type Units<K extends Keys> = {
  readonly leadUnit: K["department"]
  readonly assistingUnits: ReadonlyArray<K["department"]>
  readonly mediationType: K["mediationType"]
}

type Outcome<K extends Keys> = Input<"RecordOutcome">["outcome"] extends infer O
  ? O extends { readonly _tag: "NotResolved" } ? Retyped<O, { readonly disposition: K["disposition"] }> : O
  : never

/**
 * The fields of each command that name a key of the configuration, with the keys `K` allows.
 *
 * @since 0.1.0
 * @category models
 */
export type Replacements<K extends Keys> = {
  readonly Register: {
    readonly kind: K["kind"]
    readonly channel: K["channel"]
    readonly category: K["category"]
  }
  readonly Assess: {
    readonly category: K["category"]
    readonly complexity: K["complexity"]
    readonly risk: Retyped<NonNullable<Input<"Assess">["risk"]>, { readonly level: K["riskLevel"] }>
  }
  readonly Dispatch: Units<K>
  readonly Redispatch: Units<K>
  readonly ConveneConsultation: { readonly departments: ReadonlyArray<K["department"]> }
  readonly SummonDepartment: { readonly department: K["department"] }
  readonly RequestJudicialConfirmation: { readonly court: K["department"] }
  readonly RecordOutcome: { readonly outcome: Outcome<K> }
}

/**
 * A command as callers write it for a centre whose keys are `K`: `CommandInput` with `kind`, `channel`,
 * `category`, `complexity`, the risk level, `leadUnit`, `assistingUnits`, `mediationType`, the departments of a
 * consultation or summons, the court and the disposition narrowed to the configured keys. With the wide {@link Keys}
 * (every key a `string`) it is `CommandInput` itself.
 *
 * @since 0.1.0
 * @category models
 */
export type TypedCommandInput<K extends Keys = Keys> = CommandInput extends infer I
  ? I extends { readonly _tag: infer T } ? T extends keyof Replacements<K> ? Retyped<I, Replacements<K>[T]> : I
  : never
  : never
