/**
 * The tests' scenarios are dated (2025): their centres run on a simulated clock that follows each command's `at`,
 * as if every command were sent at the time it names (see SimulatedClock).
 */
import * as Center from "../src/Center.js"
import type { CreateCenterOptions } from "../src/CenterClient.js"
import type * as Plugin from "../src/Plugin.js"
import * as SimulatedClock from "../src/SimulatedClock.js"

/** Where a scenario's clock stands before its first dated command. */
export const scenarioStart = "2025-01-01T00:00:00Z"

/** `createCenter` on a clock following the commands. */
export const createScenarioCenter = <const P extends ReadonlyArray<Plugin.Any> = []>(options: CreateCenterOptions<P>) =>
  SimulatedClock.createFollowingCenter(options, scenarioStart)

/** `Center.make` on a clock following the commands. */
export const makeScenario = <const P extends ReadonlyArray<Plugin.Any> = []>(options: Center.Options<P>) =>
  SimulatedClock.makeFollowing(options, scenarioStart)

/** `Center.layer` on a clock following the commands. */
export const scenarioLayer = <const P extends ReadonlyArray<Plugin.Any> = []>(options: Center.Options<P>) =>
  SimulatedClock.followLayer(scenarioStart)(Center.layer(options))
