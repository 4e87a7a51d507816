/**
 * Masking of resident ID numbers and phone numbers written in free text (see `Privacy.maskText`). A leaf module:
 * it imports nothing of the domain, so that errors (which mask their messages) and the domain modules that
 * `Privacy` reads can all use it without an import cycle.
 * @internal
 */

// Before a number: anything but a letter or digit, or a word of 2 to 12 letters written against it (`ID…`, `tel…`,
// `phone…`). A single letter is not enough: a hex segment of a UUID or a hash is one letter and digits, and such ids
// are left alone.
const before = "(?<=(?:^|[^0-9A-Za-z])(?:[A-Za-z]{2,12})?)"
const after = "(?![0-9A-Za-z])"
// 18-character ID numbers, and 15 to 17 digits (old 15-digit numbers, or a mistyped one)
const idPattern = new RegExp(`${before}(\\d{6})\\d{5,8}(\\d{3}[\\dXx])${after}`, "g")
// an 18-character ID number written in groups: 6-8-4 or 6-4-4-4, spaces or hyphens between
const groupedIdPattern = new RegExp(
  `${before}(\\d{6})([\\s-])(?:\\d{8}|\\d{4}\\2\\d{4})\\2(\\d{3}[\\dXx])${after}`,
  "g"
)
const mobilePattern = new RegExp(
  `${before}(?:\\+?86[\\s-]?)?(1[3-9]\\d)(?:[\\s-]?\\d){4}((?:[\\s-]?\\d){4})${after}`,
  "g"
)
// area code, then the number (7 or 8 digits, maybe split 3-4 or 4-4): 0433-2512345, (0433) 251 2345, 0433 2512345
const landlinePattern = new RegExp(
  `${before}(\\(0\\d{2,3}\\)\\s?|0\\d{2,3}[\\s-])(\\d{3,4}[\\s-]?\\d{0,4}?)(\\d{4})${after}`,
  "g"
)
// an area code and number written together: 04332512345
const bareLandlinePattern = new RegExp(`${before}(0\\d{3})(\\d{3,4})(\\d{4})${after}`, "g")
const isDigitAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i)
  return c >= 48 && c <= 57
}
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122)

/** Eleven digits from `from`, each maybe after one character that is not a letter or digit (a mobile number). */
const elevenDigits = (s: string, from: number): boolean => {
  let count = 0
  for (let i = from; i < s.length && count < 11; i++) {
    if (isDigitAt(s, i)) count++
    else if (isLetter(s.charCodeAt(i)) || !isDigitAt(s, i + 1)) return false
  }
  return count === 11
}

/**
 * Whether a text may hold a number that {@link maskText} masks: a quick scan of its characters, no copy and no
 * regular expression, true for every text one of the patterns can match (and for some more). Each such number has
 * a run of digits that is 14 long (an ID number), or 6 long and followed by a separator and a digit (an ID number in
 * groups), or holds `1[3-9]` and a digit with 8 more digits after (a mobile number), or starts with `0` and is 11
 * long or 3 to 4 long before a separator or `)` (a landline). Digits typed in full width always count. Timestamps,
 * keys, division codes and most ids fail it, so most strings of a case cost this scan alone.
 */
const mayHoldNumber = (s: string): boolean => {
  const n = s.length
  // the SDK's own instants (`2025-03-03T01:00:00.000Z`), a dozen in each case: no number fits between the marks
  if (
    n === 24 && s.charCodeAt(23) === 90 && s.charCodeAt(19) === 46 && s.charCodeAt(10) === 84 &&
    s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58
  ) return false
  let i = 0
  while (i < n) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) {
      if (c >= 0xff10 && c <= 0xff19) return true
      i++
      continue
    }
    const start = i
    for (; i < n; i++) {
      const d = s.charCodeAt(i)
      if (d < 48 || d > 57) break
      // `1[3-9]\d` ends here, and eleven digits from its `1` (single separators between)
      if (i - start >= 2 && s.charCodeAt(i - 2) === 49 && s.charCodeAt(i - 1) >= 51 && elevenDigits(s, i - 2)) {
        return true
      }
    }
    const length = i - start
    if (length >= 14) return true
    // what follows the run: anything but a letter or digit may be a separator (a superset of `[\s-]`)
    const next = i < n ? s.charCodeAt(i) : -1
    const separated = next !== -1 && !isLetter(next)
    if (length >= 6 && separated && isDigitAt(s, i + 1)) return true
    if (s.charCodeAt(start) === 48 && (length >= 11 || ((length === 3 || length === 4) && separated))) return true
  }
  return false
}
// digits, hyphens and spaces typed in full width (a Chinese input method's default)
const fullWidth = /[\uff10-\uff19\uff0d\u3000\uff08\uff09]/g
const anyFullWidth = /[\uff10-\uff19]/
const halfWidth = (ch: string): string => {
  const code = ch.charCodeAt(0)
  return code === 0x3000 ? " " : String.fromCharCode(code - 0xfee0)
}

const uuidPattern =
  /(?<![0-9A-Za-z])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Za-z])/
// the same, capturing, so that `split` keeps the UUIDs at the odd indices
const uuidSplit = new RegExp(`(${uuidPattern.source})`)

const maskNumbers = (text: string): string =>
  text
    .replace(groupedIdPattern, (_, a: string, sep: string, b: string) => `${a}${sep}********${sep}${b.slice(-4)}`)
    .replace(idPattern, (_, a: string, b: string) => `${a}********${b.slice(-4)}`)
    .replace(mobilePattern, (_, a: string, b: string) => `${a}****${b.replace(/[\s-]/g, "")}`)
    .replace(landlinePattern, (_, a: string, b: string, c: string) => `${a}${b.replace(/\d/g, "*")}${c}`)
    .replace(bareLandlinePattern, (_, a: string, b: string, c: string) => `${a}${"*".repeat(b.length)}${c}`)

/** See `Privacy.maskText`. @internal */
export const maskText = (input: string): string => {
  if (!mayHoldNumber(input)) return input
  const text = anyFullWidth.test(input) ? input.replace(fullWidth, halfWidth) : input
  if (!/\d{7}/.test(text.replace(/[\s\-()]/g, ""))) return input
  // a UUID's groups can read as a landline (`…-0433-7123-8456-…`): the text between UUIDs is masked, they are not
  const masked = uuidPattern.test(text)
    ? text.split(uuidSplit).map((part, i) => (i % 2 === 1 ? part : maskNumbers(part))).join("")
    : maskNumbers(text)
  return masked === text ? input : masked
}
