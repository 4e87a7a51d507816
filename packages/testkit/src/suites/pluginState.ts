/**
 * Plugin state (插件状态): compare-and-set, delete, prefix scans, rolled back with its transaction.
 * @internal
 */
import { expect } from "@effect/vitest"
import { type CaseStore } from "@fengqiao/core"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { centre, open, type Suite, test } from "../internal/conformance.js"

/** @internal */
export const pluginState: Suite = ({ adapter }) => [
  test("plugin state: compare-and-set, delete, prefix scans in key order, rolled back with its transaction", () =>
    Effect.scoped(Effect.gen(function*() {
      const { store } = yield* open(adapter.fresh())
      const write = (key: string, expected: number, value: unknown) =>
        store.writeState(centre, "risk", key, expected, value)
      expect(yield* write("person/110105", 0, { cases: ["a"] })).toBe(1)
      expect(yield* write("person/110105", 1, { cases: ["a", "b"], note: "同一人 😀" })).toBe(2)
      expect(yield* Effect.flip(write("person/110105", 1, { cases: [] }))).toMatchObject({
        _tag: "StateConflict",
        namespace: "risk",
        key: "person/110105",
        expectedVersion: 1,
        actualVersion: 2
      })
      expect(yield* Effect.flip(write("person/110105", 0, {}))).toMatchObject({
        _tag: "StateConflict",
        actualVersion: 2
      })
      expect(yield* Effect.flip(write("nobody", 3, {}))).toMatchObject({ _tag: "StateConflict", actualVersion: 0 })
      for (const k of ["phone/138", "person/220283", "person/110106", "personnel", "person/"]) {
        yield* write(k, 0, k.length)
      }
      // another namespace and another centre are apart
      yield* store.writeState(centre, "stats", "person/1", 0, 1)
      yield* store.writeState("other", "risk", "person/1", 0, 1)
      const keys = (entries: ReadonlyArray<CaseStore.StateEntry>) => entries.map((e) => e.key)
      expect(keys(yield* store.scanState(centre, "risk", { prefix: "person/", limit: 10 }))).toEqual([
        "person/",
        "person/110105",
        "person/110106",
        "person/220283"
      ])
      expect(keys(yield* store.scanState(centre, "risk", { prefix: "person/", after: "person/110105", limit: 2 })))
        .toEqual(["person/110106", "person/220283"])
      expect(keys(yield* store.scanState(centre, "risk", { prefix: "", limit: 100 }))).toHaveLength(6)
      // keys beyond the Basic Multilingual Plane: prefixes count characters, order is code point order (what
      // SQL's byte-wise keys give), so "😀…" sorts after "\uFFFD…" on every store
      for (const k of ["😀a", "😀b", "\uFFFDz", "a"]) yield* store.writeState(centre, "emoji", k, 0, 1)
      expect(keys(yield* store.scanState(centre, "emoji", { prefix: "😀", limit: 10 }))).toEqual(["😀a", "😀b"])
      expect(keys(yield* store.scanState(centre, "emoji", { prefix: "", limit: 10 }))).toEqual([
        "a",
        "\uFFFDz",
        "😀a",
        "😀b"
      ])
      expect(keys(yield* store.scanState(centre, "emoji", { prefix: "", after: "\uFFFDz", limit: 10 }))).toEqual([
        "😀a",
        "😀b"
      ])
      expect(yield* store.readState(centre, "risk", ["person/110105", "missing"])).toEqual([
        { key: "person/110105", value: { cases: ["a", "b"], note: "同一人 😀" }, version: 2 }
      ])
      expect(yield* write("phone/138", 1, undefined)).toBe(0)
      expect(yield* store.readState(centre, "risk", ["phone/138"])).toEqual([])
      const failed = yield* Effect.exit(
        store.withTransaction(Effect.zipRight(write("person/110106", 1, "changed"), Effect.fail("no")))
      )
      expect(Exit.isFailure(failed)).toBe(true)
      expect((yield* store.readState(centre, "risk", ["person/110106"]))[0]).toMatchObject({ value: 13, version: 1 })
      expect(yield* store.pluginMigrations(centre, "risk")).toEqual([])
      yield* store.recordPluginMigration(centre, "risk", 2, "second")
      yield* store.recordPluginMigration(centre, "risk", 1, "first")
      expect(yield* store.pluginMigrations(centre, "risk")).toEqual([1, 2])
      expect(yield* store.pluginMigrations(centre, "stats")).toEqual([])
    })))
]
