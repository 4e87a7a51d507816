/**
 * The one place that decides where cases are stored. The example runs on the in-memory store for now; a SQLite
 * store (`@fengqiao/adapters-sqlite`) will replace it here without touching the rest of the example.
 */
import { type CenterClient, type CenterConfig, createCenter, MemoryStore } from "@fengqiao/core"

/**
 * The store layer a centre runs on.
 */
export type StoreLayer = NonNullable<CenterClient.CreateCenterOptions["store"]>

/**
 * Chooses the store: today a fresh in-memory store.
 */
export const storeLayer = (): StoreLayer => MemoryStore.layer

/**
 * Opens a centre over {@link storeLayer} with the Promise API.
 */
export const openCenter = (config: CenterConfig.CenterConfigInput): Promise<CenterClient.CenterClient> =>
  createCenter({ config, store: storeLayer() })
