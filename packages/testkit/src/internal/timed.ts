/**
 * A property run bounded in time (a slow store, or shrinking that rebuilds a store per attempt, must not hold a test
 * run for ever) that still cannot pass without checking anything: a counterexample fails it, as `assert` would,
 * and so does a time limit reached before the first run completed. Fewer runs than asked are reported.
 *
 * @internal
 */
import * as FastCheck from "effect/FastCheck"

/** The time limit of one property (runs and shrinking). */
export const timeLimitMs = 120_000

export const assertTimed = async <Ts extends [unknown, ...Array<unknown>]>(
  name: string,
  property: FastCheck.IAsyncProperty<Ts>,
  runs: number,
  limitMs: number = timeLimitMs
): Promise<void> => {
  const details = await FastCheck.check(property, {
    numRuns: runs,
    interruptAfterTimeLimit: limitMs,
    markInterruptAsFailure: false
  })
  if (details.failed) throw new Error(FastCheck.defaultReportMessage(details))
  if (details.numRuns === 0) {
    throw new Error(`${name}: no run completed within ${limitMs / 1000} s (${runs} asked)`)
  }
  if (details.numRuns < runs) {
    console.info(`${name}: ${details.numRuns} of ${runs} runs completed within ${limitMs / 1000} s`)
  }
}
