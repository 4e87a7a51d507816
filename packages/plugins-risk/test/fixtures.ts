import { Examples } from "@fengqiao/core"

/** A walk-in neighbourhood dispute registered by the county's admin in a village of the example county. */
export const registration = (extra: Record<string, unknown> = {}) => ({
  _tag: "Register",
  actor: Examples.admin,
  kind: "dispute",
  channel: "walkIn",
  place: "222403100201",
  intakeNode: "222403100201",
  description: "邻里纠纷",
  at: "2025-03-03T09:00:00+08:00",
  ...extra
})
