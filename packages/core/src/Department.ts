/**
 * Departments stationed at a centre (入驻部门) and how: permanently (常驻), on a rotating schedule (轮驻) or on call
 * (随叫随驻). Which mediation a department may conduct follows from its kind's nature.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { weekdayOf } from "./internal/dates.js"
import { CivilDate, DivisionCode, Key, Name } from "./Primitives.js"

/**
 * How a department is stationed. A rotating department is present on the listed weekdays (0 = Sunday … 6 =
 * Saturday) and/or dates; its schedule names at least one. The schedule is information for the centre's people
 * and screens ({@link isPresentOn}): any department can be dispatched to or summoned whatever the day.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Stationing = Schema.Union(
  Schema.TaggedStruct("Permanent", {}),
  Schema.TaggedStruct("Rotating", {
    weekdays: Schema.optionalWith(Schema.Array(Schema.Int.pipe(Schema.between(0, 6))), { default: () => [] }),
    dates: Schema.optionalWith(Schema.Array(CivilDate), { default: () => [] })
  }).pipe(
    Schema.filter((s) =>
      s.weekdays.length + s.dates.length > 0 || "a rotating department's schedule: at least one weekday or date"
    )
  ),
  Schema.TaggedStruct("OnCall", {})
).annotations({ identifier: "Stationing" })

/**
 * @since 0.1.0
 * @category models
 */
export type Stationing = typeof Stationing.Type

/**
 * A department (unit) that can lead or assist a case.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Department = Schema.Struct({
  id: Key,
  name: Name,
  kind: Key,
  /** The jurisdiction node the department belongs to. */
  jurisdiction: DivisionCode,
  stationing: Stationing
}).annotations({ identifier: "Department" })

/**
 * @since 0.1.0
 * @category models
 */
export type Department = typeof Department.Type

/**
 * Whether the department is present at the centre on a civil date (`YYYY-MM-DD`). On-call departments are
 * never present by schedule, but can always be summoned.
 *
 * @since 0.1.0
 * @category utils
 */
export const isPresentOn = (department: Department, date: string): boolean => {
  switch (department.stationing._tag) {
    case "Permanent":
      return true
    case "OnCall":
      return false
    case "Rotating": {
      const s = department.stationing
      if (s.dates.includes(date)) return true
      const n = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000
      return s.weekdays.includes(weekdayOf(n))
    }
  }
}
