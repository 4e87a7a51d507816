/**
 * Regional days off (地方性假日). 《全国年节及纪念日放假办法》 art. 4 leaves the holidays of ethnic minorities to the
 * governments of the areas where they live, and autonomous areas add their own anniversaries in their autonomy
 * regulations. These are overlays: days off on top of the national calendar, whichever tier (official or
 * predicted) a year comes from (core's `Calendar.overlay`).
 *
 * @since 0.1.0
 */

/**
 * Regional days off: `MM-DD` for a day off every year, `YYYY-MM-DD` for one year only.
 *
 * @since 0.1.0
 * @category models
 */
export interface Overlay {
  readonly id?: string
  readonly daysOff: ReadonlyArray<string>
  readonly source?: string
}

/**
 * 延边朝鲜族自治州 (Yanbian Korean Autonomous Prefecture, Jilin; 敦化市 is one of its county-level cities): the
 * prefecture's anniversary (州庆, founded 3 September 1952) is a day off every year.
 *
 * @since 0.1.0
 * @category data
 */
export const yanbian: Overlay = {
  id: "yanbian",
  daysOff: ["09-03"],
  source: "延边朝鲜族自治州 州庆 (3 September, founded 1952): a day off set by the prefecture under its autonomy " +
    "regulations (《延边朝鲜族自治州自治条例》), as 《全国年节及纪念日放假办法》 art. 4 allows"
}
