/**
 * The one place that decides where cases are stored: a SQLite file by default (the embedded default store),
 * PostgreSQL when `DATABASE_URL` is set, or memory on request.
 */
import { PgStore } from "@fengqiao/adapters-pg"
import { SqliteStore } from "@fengqiao/adapters-sqlite"
import { type CenterClient, type CenterConfig, MemoryStore, type Plugin, SimulatedClock } from "@fengqiao/core"
import { mkdirSync, rmSync } from "node:fs"
import { dirname } from "node:path"

/**
 * Where the demo keeps its cases.
 */
export type Storage =
  | { readonly _tag: "Sqlite"; readonly filename: string }
  | { readonly _tag: "Postgres"; readonly url: string; readonly tablePrefix: string }
  | { readonly _tag: "Memory" }

/**
 * Chooses the storage: `DATABASE_URL=postgres://…` selects PostgreSQL (tables under a fresh prefix per run, so runs
 * never mix); otherwise a SQLite file, recreated for each run.
 */
export const chooseStorage = (
  options: { readonly db?: string | undefined; readonly memory?: boolean | undefined }
): Storage => {
  if (options.memory === true) return { _tag: "Memory" }
  const url = process.env.DATABASE_URL
  if (url !== undefined && url !== "") {
    return { _tag: "Postgres", url, tablePrefix: `demo_${Date.now().toString(36)}_` }
  }
  return { _tag: "Sqlite", filename: options.db ?? ".data/county-center.db" }
}

/** A human description of the storage, for the report. */
export const describeStorage = (s: Storage): string => {
  switch (s._tag) {
    case "Sqlite":
      return `SQLite ${s.filename}`
    case "Postgres":
      return `PostgreSQL ${new URL(s.url).host}${new URL(s.url).pathname} (tables ${s.tablePrefix}*)`
    case "Memory":
      return "memory"
  }
}

/**
 * The store layer for a storage; a SQLite file is removed first, so each run starts empty.
 */
export const storeLayer = (s: Storage): NonNullable<CenterClient.CreateCenterOptions["store"]> => {
  switch (s._tag) {
    case "Sqlite":
      mkdirSync(dirname(s.filename), { recursive: true })
      for (const suffix of ["", "-wal", "-shm"]) rmSync(s.filename + suffix, { force: true })
      return SqliteStore.layer({ filename: s.filename })
    case "Postgres":
      return PgStore.layer({ url: s.url, tablePrefix: s.tablePrefix })
    case "Memory":
      return MemoryStore.layer
  }
}

/**
 * Opens a centre with the Promise API (in memory unless a storage is given), with the given plugins. The simulated
 * year is 2025: the centre runs on a simulated clock that follows each command's time, so the demo is the same
 * whatever day it is run (the centre would refuse a command dated more than 7 days before its real clock).
 */
export const openCenter = <const P extends ReadonlyArray<Plugin.Any> = []>(
  config: CenterConfig.CenterConfigInput,
  storage: Storage = { _tag: "Memory" },
  plugins?: P
): Promise<CenterClient.CenterClient<P>> =>
  SimulatedClock.createFollowingCenter(
    { config, store: storeLayer(storage), plugins: plugins ?? ([] as unknown as P) },
    "2025-01-01T00:00:00+08:00"
  )
