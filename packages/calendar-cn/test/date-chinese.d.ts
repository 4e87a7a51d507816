// date-chinese ships its types (types/index.d.ts) where its package.json "exports" do not point: the members the
// tests use, as that file declares them
declare module "date-chinese" {
  export interface GregorianDate {
    year: number
    month: number
    day: number
  }
  export class CalendarChinese {
    constructor()
    get(): Array<number>
    fromGregorian(year: number, month: number, day: number): this
    fromJDE(jde: number): this
    toGregorian(gyear?: number): GregorianDate
    newYear(gyear: number): number
    qingming(gyear: number): number
  }
}
