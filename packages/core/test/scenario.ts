/**
 * The tests' scenarios are dated (2025): their centres run on a simulated clock that follows each command's `at`,
 * as if every command were sent at the time it names (see SimulatedClock).
 */
import * as Effect from "effect/Effect"
import * as Center from "../src/Center.js"
import { createCenter, type CreateCenterOptions } from "../src/CenterClient.js"
import type * as Plugin from "../src/Plugin.js"
import * as SimulatedClock from "../src/SimulatedClock.js"

/** Where a scenario's clock stands before its first dated command. */
export const scenarioStart = "2025-01-01T00:00:00Z"

/** `createCenter` on a clock following the commands. */
export const createScenarioCenter = async <const P extends ReadonlyArray<Plugin.Any> = []>(
  options: CreateCenterOptions<P>
) => {
  const clock = SimulatedClock.make(scenarioStart)
  return SimulatedClock.followClient(await createCenter({ ...options, clock: clock.now }), clock)
}

/** `Center.make` on a clock following the commands. */
export const makeScenario = <const P extends ReadonlyArray<Plugin.Any> = []>(options: Center.Options<P>) =>
  Effect.map(Center.make(options), (center) => SimulatedClock.follow(center, SimulatedClock.make(scenarioStart)))

/** `Center.layer` on a clock following the commands. */
export const scenarioLayer = <const P extends ReadonlyArray<Plugin.Any> = []>(options: Center.Options<P>) =>
  SimulatedClock.followLayer(scenarioStart)(Center.layer(options))
