/**
 * History entered late (历史补录) for the suites: cases imported with `importCases`, so that stores meet summaries
 * marked `enteredLate` beside those entered as they happened.
 * @internal
 */
import { Examples } from "@fengqiao/core"

const DAY = 86_400_000

/**
 * `n` cases (`late-<i>`, one a day from `firstDay`, 09:00 in China), with their command ids given so that every
 * store imports them alike: even ones registered and accepted six hours later, odd ones only registered.
 * @internal
 */
export const lateHistory = (n: number, firstDay: string) => ({
  cases: Array.from({ length: n }, (_, i) => {
    const day = new Date(Date.parse(`${firstDay}T01:00:00Z`) + i * DAY)
    const at = (hours: number) => new Date(day.getTime() + hours * 3_600_000).toISOString()
    const register = Examples.registerInput({ caseId: `late-${i}`, commandId: `late-${i}-r`, at: at(0) })
    const accept = {
      _tag: "Accept",
      actor: Examples.admin,
      caseId: `late-${i}`,
      commandId: `late-${i}-a`,
      at: at(6)
    }
    return { commands: i % 2 === 0 ? [register, accept] : [register] }
  })
})
