/**
 * The jurisdiction tree (行政区划层级): 市/县 → 乡镇/街道 → 村/社区 → 网格. Levels are data, so trees of 3, 4 or 5
 * levels all work. Each node gets a materialised path (`/220581/220581100/…/`) so that "this node and everything
 * below it" is a prefix test in memory and an indexed prefix query in SQL.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type { InvalidConfig } from "./Errors.js"
import { invalidConfig } from "./internal/parse.js"
import { DivisionCode, Key, Labels, Name } from "./Primitives.js"

/**
 * A level of the tree (县, 乡镇, 村, 网格 …), listed from the top.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Level = Schema.Struct({ id: Key, labels: Labels }).annotations({ identifier: "JurisdictionLevel" })

/**
 * @since 0.1.0
 * @category models
 */
export type Level = typeof Level.Type

/**
 * A node of the tree. Exactly one node (the centre's) has no parent.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Node = Schema.Struct({
  code: DivisionCode,
  name: Name,
  level: Key,
  parent: Schema.optional(DivisionCode)
}).annotations({ identifier: "JurisdictionNode" })

/**
 * @since 0.1.0
 * @category models
 */
export type Node = typeof Node.Type

/**
 * A node placed in its tree.
 *
 * @since 0.1.0
 * @category models
 */
export interface PlacedNode extends Node {
  /** Materialised path: `/root/…/code/`. */
  readonly path: string
  /** Index of the node's level in the level list: 0 is the top tier. */
  readonly tier: number
  /** Depth below the root: 0 for the root. */
  readonly depth: number
  /** Codes from the root down to this node, inclusive. */
  readonly lineage: ReadonlyArray<string>
}

/**
 * A validated tree with fast look-ups.
 *
 * @since 0.1.0
 * @category models
 */
export interface Tree {
  readonly levels: ReadonlyArray<Level>
  readonly root: PlacedNode
  readonly nodes: ReadonlyArray<PlacedNode>
  readonly get: (code: string) => PlacedNode | undefined
  /** True when `code` is `ancestor` or lies below it. */
  readonly isWithin: (code: string, ancestor: string) => boolean
  /** The ancestor of `code` at a level, if any (the node itself when it is at that level). */
  readonly ancestorAt: (code: string, level: string) => PlacedNode | undefined
  readonly children: (code: string) => ReadonlyArray<PlacedNode>
}

/**
 * Builds the tree, checking that codes are unique, that each parent exists and sits at the level right above its
 * child (so a node's depth below the root is its tier minus the root's tier), and that there is exactly one root.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTree = (
  levels: ReadonlyArray<Level>,
  nodes: ReadonlyArray<Node>,
  field = "jurisdictions"
): Either.Either<Tree, InvalidConfig> => {
  if (levels.length === 0) return Either.left(invalidConfig("levels", "at least one level"))
  const tierOf = new Map<string, number>()
  for (const [i, level] of levels.entries()) {
    if (tierOf.has(level.id)) {
      return Either.left(invalidConfig(`levels.${i}.id`, `a unique level id ("${level.id}" repeats)`))
    }
    tierOf.set(level.id, i)
  }
  const byCode = new Map<string, Node>()
  let root: Node | undefined
  for (const [i, node] of nodes.entries()) {
    if (byCode.has(node.code)) {
      return Either.left(invalidConfig(`${field}.${i}.code`, `a unique code ("${node.code}" repeats)`))
    }
    if (!tierOf.has(node.level)) {
      return Either.left(invalidConfig(`${field}.${i}.level`, `one of the levels ${[...tierOf.keys()].join(", ")}`))
    }
    byCode.set(node.code, node)
    if (node.parent === undefined) {
      if (root !== undefined) {
        return Either.left(
          invalidConfig(`${field}.${i}.parent`, `a parent: only one root is allowed ("${root.code}" is one)`)
        )
      }
      root = node
    }
  }
  if (root === undefined) return Either.left(invalidConfig(field, "exactly one node without a parent (the root)"))
  for (const [i, node] of nodes.entries()) {
    if (node.parent === undefined) continue
    const parent = byCode.get(node.parent)
    if (parent === undefined) {
      return Either.left(
        invalidConfig(`${field}.${i}.parent`, `the code of a node in the tree ("${node.parent}" is unknown)`)
      )
    }
    const below = levels[tierOf.get(parent.level)! + 1]
    if (below === undefined || below.id !== node.level) {
      return Either.left(
        invalidConfig(
          `${field}.${i}.level`,
          below === undefined
            ? `no level: its parent "${parent.code}" is at the lowest level`
            : `"${below.id}", the level right below its parent's level "${parent.level}"`
        )
      )
    }
  }
  const placed = new Map<string, PlacedNode>()
  const kids = new Map<string, Array<PlacedNode>>()
  const place = (node: Node, seen: Set<string>): PlacedNode | undefined => {
    const done = placed.get(node.code)
    if (done !== undefined) return done
    if (seen.has(node.code)) return undefined
    seen.add(node.code)
    const parent = node.parent === undefined ? undefined : place(byCode.get(node.parent)!, seen)
    if (node.parent !== undefined && parent === undefined) return undefined
    const lineage = parent === undefined ? [node.code] : [...parent.lineage, node.code]
    const p: PlacedNode = {
      ...node,
      path: parent === undefined ? `/${node.code}/` : `${parent.path}${node.code}/`,
      tier: tierOf.get(node.level)!,
      depth: lineage.length - 1,
      lineage
    }
    placed.set(node.code, p)
    if (parent !== undefined) {
      const list = kids.get(parent.code) ?? []
      list.push(p)
      kids.set(parent.code, list)
    }
    return p
  }
  for (const [i, node] of nodes.entries()) {
    if (place(node, new Set()) === undefined) {
      return Either.left(invalidConfig(`${field}.${i}.parent`, "a parent chain that reaches the root (found a cycle)"))
    }
  }
  const all = nodes.map((n) => placed.get(n.code)!)
  return Either.right({
    levels,
    root: placed.get(root.code)!,
    nodes: all,
    get: (code) => placed.get(code),
    isWithin: (code, ancestor) => {
      const a = placed.get(ancestor)
      const n = placed.get(code)
      return a !== undefined && n !== undefined && n.path.startsWith(a.path)
    },
    ancestorAt: (code, level) => {
      const n = placed.get(code)
      if (n === undefined) return undefined
      for (const c of n.lineage) {
        const p = placed.get(c)!
        if (p.level === level) return p
      }
      return undefined
    },
    children: (code) => kids.get(code) ?? []
  })
}

const lv = (id: string, zhHans: string, zhHant: string, en: string, ko: string): Level => ({
  id,
  labels: { "zh-Hans": zhHans, "zh-Hant": zhHant, en, ko }
})

/**
 * Level presets for China. `county4` (县 → 乡镇 → 村 → 网格) is the default shape of a county centre.
 *
 * @since 0.1.0
 * @category presets
 */
export const levelPresets = {
  /** 县 → 乡镇 → 村 */
  county3: [
    lv("county", "县（市、区）", "縣（市、區）", "County", "현(시·구)"),
    lv("township", "乡镇（街道）", "鄉鎮（街道）", "Township or subdistrict", "향진(가도)"),
    lv("village", "村（社区）", "村（社區）", "Village or community", "촌(사구)")
  ],
  /** 县 → 乡镇 → 村 → 网格 */
  county4: [
    lv("county", "县（市、区）", "縣（市、區）", "County", "현(시·구)"),
    lv("township", "乡镇（街道）", "鄉鎮（街道）", "Township or subdistrict", "향진(가도)"),
    lv("village", "村（社区）", "村（社區）", "Village or community", "촌(사구)"),
    lv("grid", "网格", "網格", "Grid", "그리드")
  ],
  /** 市 → 县 → 乡镇 → 村 → 网格 */
  city5: [
    lv("city", "市（州）", "市（州）", "City or prefecture", "시(주)"),
    lv("county", "县（市、区）", "縣（市、區）", "County", "현(시·구)"),
    lv("township", "乡镇（街道）", "鄉鎮（街道）", "Township or subdistrict", "향진(가도)"),
    lv("village", "村（社区）", "村（社區）", "Village or community", "촌(사구)"),
    lv("grid", "网格", "網格", "Grid", "그리드")
  ]
} as const satisfies Record<string, ReadonlyArray<Level>>
