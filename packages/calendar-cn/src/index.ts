/**
 * Fengqiao (枫桥) China calendar data (工作日历): the official holiday notices, a predicted calendar for the years
 * without a notice, and regional days off. No dependencies; `@fengqiao/core`'s `Calendar.china` is built on it.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as ChinaCalendar from "./ChinaCalendar.js"

/**
 * @since 0.1.0
 */
export * as Lunar from "./Lunar.js"

/**
 * @since 0.1.0
 */
export * as Official from "./Official.js"

/**
 * @since 0.1.0
 */
export * as Pattern from "./Pattern.js"

/**
 * @since 0.1.0
 */
export * as Regional from "./Regional.js"

/**
 * @since 0.1.0
 */
export * as Statutory from "./Statutory.js"

/**
 * @since 0.1.0
 */
export { chinaCalendarData } from "./ChinaCalendar.js"

/**
 * @since 0.1.0
 */
export { defaultPattern } from "./Pattern.js"

/**
 * @since 0.1.0
 */
export { statutoryDays } from "./Statutory.js"
