/**
 * Installing the plugins of a centre: their shapes, ids, dependencies (in topological order), configs (decoded with
 * their Schemas, then validated against the centre's), contributions to `single` extension points, and the owners
 * of the points contributed to. See `Plugin.install`.
 * @internal
 */
import * as Either from "effect/Either"
import type * as Schema from "effect/Schema"
import type { Resolved } from "../CenterConfig.js"
import { InvalidConfig as InvalidConfigError } from "../Errors.js"
import type { InvalidConfig } from "../Errors.js"
import { hookShapes } from "../internal/options.js"
import { decodeConfig, invalidConfig } from "../internal/parse.js"

/**
 * What installing reads of a plugin (`Plugin.Plugin` has it all; written here without it, so that this module does
 * not import the one that uses it).
 * @internal
 */
export interface Installable<P> {
  readonly id: string
  readonly dependsOn?: ReadonlyArray<string> | undefined
  readonly config?: Schema.Schema<any, any> | undefined
  readonly options?: unknown
  readonly validate?:
    | ((config: any, centre: Resolved) => ReadonlyArray<{ readonly field: string; readonly expected: string }>)
    | undefined
  readonly contributes?:
    | ReadonlyArray<
      { readonly point: { readonly id: string; readonly single: boolean; readonly owner?: (() => P) | undefined } }
    >
    | undefined
}

const idPattern = /^[a-z][a-z0-9-]{0,63}$/

/**
 * Checks and orders the plugins of a centre (see `Plugin.install`).
 * @internal
 */
export const install = <P extends Installable<P>>(
  plugins: ReadonlyArray<unknown>,
  centre?: Resolved,
  own?: P
): Either.Either<ReadonlyArray<{ readonly plugin: P; readonly config: unknown }>, InvalidConfig> => {
  const byId = new Map<string, { readonly plugin: P; readonly index: number }>()
  for (const [i, p] of plugins.entries()) {
    if (typeof p !== "object" || p === null || (p as { _tag?: unknown })._tag !== "Plugin") {
      return Either.left(invalidConfig(`plugins.${i}`, "a plugin made with definePlugin"))
    }
    const plugin = p as P
    if (typeof plugin.id !== "string" || !idPattern.test(plugin.id)) {
      return Either.left(
        invalidConfig(`plugins.${i}.id`, "an id of lower-case letters, digits and '-', starting with a letter")
      )
    }
    if (byId.has(plugin.id) || plugin.id === own?.id) {
      return Either.left(invalidConfig(`plugins.${i}.id`, `a unique plugin id ("${plugin.id}" repeats or is reserved)`))
    }
    const badHook = hookShapes(plugin as unknown as Record<string, unknown>, `plugins.${i}`)
    if (badHook !== undefined) return Either.left(badHook)
    byId.set(plugin.id, { plugin, index: i })
  }
  for (const { plugin, index } of byId.values()) {
    for (const [j, dep] of (plugin.dependsOn ?? []).entries()) {
      if (!byId.has(dep)) {
        return Either.left(
          invalidConfig(`plugins.${index}.dependsOn.${j}`, `an installed plugin ("${dep}" is missing)`)
        )
      }
    }
  }
  // topological order (Kahn), taking the lowest array index first
  const remaining = new Map([...byId.values()].map(({ plugin }) => [plugin.id, new Set(plugin.dependsOn ?? [])]))
  const ordered: Array<P> = []
  while (remaining.size > 0) {
    const ready = [...remaining.entries()].filter(([, deps]) => deps.size === 0).map(([id]) => byId.get(id)!)
    if (ready.length === 0) {
      const cycle = [...remaining.keys()].join(" → ")
      const first = byId.get([...remaining.keys()][0]!)!
      return Either.left(
        invalidConfig(`plugins.${first.index}.dependsOn`, `no dependency cycle (found among ${cycle})`)
      )
    }
    const next = ready.sort((a, b) => a.index - b.index)[0]!.plugin
    ordered.push(next)
    remaining.delete(next.id)
    for (const deps of remaining.values()) deps.delete(next.id)
  }
  // a point that takes one contribution per centre takes one among the plugins (the centre's own may add one: the
  // plugin's wins, as its owner reads the last)
  const singles = new Map<string, string>()
  for (const plugin of ordered) {
    for (const [j, c] of (plugin.contributes ?? []).entries()) {
      if (!c.point.single) continue
      const first = singles.get(c.point.id)
      if (first !== undefined) {
        return Either.left(
          invalidConfig(
            `plugins.${byId.get(plugin.id)!.index}.contributes.${j}`,
            `one contribution to ${c.point.id} per centre (${first} has one)`
          )
        )
      }
      singles.set(c.point.id, plugin.id)
    }
  }
  const installed: Array<{ readonly plugin: P; readonly config: unknown }> = []
  for (const plugin of ordered) {
    const index = byId.get(plugin.id)!.index
    if (plugin.config === undefined) {
      installed.push({ plugin, config: plugin.options })
      continue
    }
    const decode = decodeConfig(plugin.config as Schema.Schema<unknown, unknown>)
    const field = `plugins.${index}.options`
    let decoded = decode(plugin.options, field)
    // no options given: a config whose fields all have defaults is decoded from `{}` (no `options: {}` needed); a
    // config with a required field names that field rather than saying the options are missing
    if (Either.isLeft(decoded) && plugin.options === undefined) {
      const fromEmpty = decode({}, field)
      if (Either.isRight(fromEmpty) || fromEmpty.left.field !== field) decoded = fromEmpty
    }
    if (Either.isLeft(decoded)) return Either.left(decoded.left)
    installed.push({ plugin, config: decoded.right })
  }
  if (centre !== undefined) {
    for (const { config, plugin } of installed) {
      const problems = plugin.validate?.(config, centre) ?? []
      if (problems.length > 0) {
        const index = byId.get(plugin.id)?.index ?? -1
        const issues = problems.map((p) => ({ field: `plugins.${index}.options.${p.field}`, expected: p.expected }))
        return Either.left(new InvalidConfigError({ field: issues[0]!.field, expected: issues[0]!.expected, issues }))
      }
    }
  }
  // the centre's own hooks come first, before every plugin; the owners of points contributed to, and not
  // installed, come last
  const all = own === undefined ? installed : [{ plugin: own, config: undefined }, ...installed]
  const present = new Set(all.map((i) => i.plugin.id))
  for (const { plugin } of [...all]) {
    for (const c of plugin.contributes ?? []) {
      const owner = c.point.owner?.()
      if (owner === undefined || present.has(owner.id)) continue
      present.add(owner.id)
      all.push({ plugin: owner, config: owner.options })
    }
  }
  return Either.right(all)
}
