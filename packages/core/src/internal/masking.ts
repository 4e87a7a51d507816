/**
 * Masking of resident ID numbers and phone numbers written in free text (see `Privacy.maskText`). A leaf module:
 * it imports nothing of the domain, so that errors (which mask their messages) and the domain modules that
 * `Privacy` reads can all use it without an import cycle.
 *
 * A number is found however it is spelled: the text is first folded, character by character (NFKC, so full-width
 * and mathematical digits and full-width punctuation read as ASCII; the digits of any script read as ASCII digits;
 * invisible characters such as zero-width spaces, joiners and soft hyphens dropped), the patterns run on the folded
 * text, and each number found is replaced in the original text. The text around a number is returned as it was.
 * @internal
 */

// Before a number: anything but a letter or digit, or a word of 2 to 12 letters written against it (`ID…`, `tel…`,
// `phone…`). A single letter is not enough: a hex segment of a UUID or a hash is one letter and digits, and such ids
// are left alone.
const before = "(?<=(?:^|[^0-9A-Za-z])(?:[A-Za-z]{2,12})?)"
const after = "(?![0-9A-Za-z])"
// What may stand between the digits of a number: white space, hyphens and dashes, dots, slashes, underscores and
// middle dots (after folding, so their full-width forms too)
const separators = "\\s\\-/_\\u00b7\\u2010-\\u2015\\u2212\\u30fb"
const sep = `[${separators}.]`
// in a mobile number, a dot followed by one or two digits and no more is a decimal point (an amount), not a separator
const mobileSep = `(?:[${separators}]|\\.(?!\\d{1,2}(?!\\d)))`
// a landline is split by spaces, hyphens or dashes only (dots and slashes are dates)
const landlineSep = "[\\s\\-\\u2010-\\u2015\\u2212]"
// 18-character ID numbers, and 15 to 17 digits (old 15-digit numbers, or a mistyped one)
const idPattern = new RegExp(`${before}(\\d{6})\\d{5,8}(\\d{3}[\\dXx])${after}`, "g")
// an 18-character ID number written in groups: 6-8-4 or 6-4-4-4, a separator between
const groupedIdPattern = new RegExp(
  `${before}(\\d{6})(${sep})(?:\\d{8}|\\d{4}${sep}\\d{4})(${sep})(\\d{3}[\\dXx])${after}`,
  "g"
)
// a mobile number, maybe after +86, 86 or 0086: `1[3-9]` and nine digits, a separator between any two of them after
// the first three, or one and the same separator between every two (`1 3 8 1 2 …`)
const mobilePattern = new RegExp(
  `${before}(?:(?:\\+|00)?86${sep}?)?(1[3-9]\\d(?:${mobileSep}?\\d){8}|1(${mobileSep})[3-9]\\2\\d(?:\\2\\d){8})${after}`,
  "g"
)
// area code, then the number (7 or 8 digits, maybe split 3-4 or 4-4): 0433-2512345, (0433) 251 2345, 0433 2512345
const landlinePattern = new RegExp(
  `${before}(\\(0\\d{2,3}\\)\\s?|0\\d{2,3}${landlineSep})(\\d{3,4}${landlineSep}?\\d{0,4}?)(\\d{4})${after}`,
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

const isMobileSecond = (c: number): boolean => c >= 51 && c <= 57
/** At the `1` at `i`: `[3-9]` next, or after one character that is not a letter or digit. */
const startsMobile = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i + 1)
  if (c >= 48 && c <= 57) return isMobileSecond(c)
  return i + 2 < s.length && !isLetter(c) && isMobileSecond(s.charCodeAt(i + 2))
}

/**
 * Characters that fold to nothing or to a digit: digits of any script (full-width, Arabic-Indic, mathematical …),
 * other numbers whose NFKC form is a digit (`²`, `①`), and invisible characters (default-ignorable code points:
 * zero-width spaces and joiners, soft hyphens, byte-order marks …; combining marks). Sticky: tested at an index.
 */
const special = /[\p{Nd}\p{No}\p{Default_Ignorable_Code_Point}\p{Mn}\p{Me}]/uy

/**
 * Non-ASCII characters known to fold to themselves or to a character that is neither a letter nor a digit, so that
 * the quick scan need not test them: the CJK ideographs, CJK punctuation, dashes and quotation marks, full-width
 * punctuation and letters (the digits `０`–`９` excepted). The text of a case is mostly these.
 */
const plain = (c: number): boolean =>
  (c >= 0x3400 && c <= 0x9fff) || (c >= 0x3000 && c <= 0x3029) || (c >= 0x2010 && c <= 0x2027) ||
  (c >= 0xff01 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff5e)

/**
 * Whether a text may hold a number that {@link maskText} masks: a quick scan of its characters, no copy and no
 * regular expression for ASCII and CJK text, true for every text one of the patterns can match after folding (and
 * for some more). A text with a digit of another script or an invisible character always counts. Otherwise each
 * such number has a run of ASCII digits that is 14 long (an ID number), or 6 long and followed by a separator and a
 * digit (an ID number in groups), or has a `1` from which eleven digits follow with single separators between (a
 * mobile number), or starts with `0` and is 11 long or 3 to 4 long before a separator or `)` (a landline).
 * Timestamps, keys, division codes and most ids fail it, so most strings of a case cost this scan alone.
 */
export const mayHoldNumber = (s: string): boolean => {
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
      if (c >= 0x80 && !plain(c)) {
        special.lastIndex = i
        if (special.test(s)) return true
      }
      i++
      continue
    }
    const start = i
    for (; i < n; i++) {
      const d = s.charCodeAt(i)
      if (d < 48 || d > 57) break
      // a `1` and `[3-9]` after it, maybe after one separator: eleven digits from it (single separators between)
      // may be a mobile number
      if (d === 49 && startsMobile(s, i) && elevenDigits(s, i)) return true
    }
    const length = i - start
    if (length >= 14) return true
    // what follows the run: anything but a letter or digit may be a separator (a superset of the separators)
    const next = i < n ? s.charCodeAt(i) : -1
    const separated = next !== -1 && !isLetter(next)
    if (length >= 6 && separated && isDigitAt(s, i + 1)) return true
    if (s.charCodeAt(start) === 48 && (length >= 11 || ((length === 3 || length === 4) && separated))) return true
  }
  return false
}

const isNd = /^\p{Nd}$/u
const invisible = /^[\p{Default_Ignorable_Code_Point}\p{Mn}\p{Me}]$/u
/** The value of a decimal digit of any script: digits come in runs of ten code points, zero first. */
const digitValue = (cp: number): number => {
  let zero = cp
  while (isNd.test(String.fromCodePoint(zero - 1))) zero--
  return (cp - zero) % 10
}

const folded = new Map<number, string>()
/**
 * One non-ASCII code point folded: `""` for an invisible character, an ASCII digit for a digit of any script, white
 * space as it is, the NFKC form when it is one character of the Basic Multilingual Plane, else the character itself (or `\ufffd` for one
 * outside that plane), so that each folded character stands for exactly one code point of the text.
 */
const foldCodePoint = (cp: number): string => {
  const known = folded.get(cp)
  if (known !== undefined) return known
  const ch = String.fromCodePoint(cp)
  let out: string
  if (invisible.test(ch)) {
    out = ""
  } else if (/\s/.test(ch)) {
    // white space stays as written (a no-break space is a separator as it is)
    out = ch
  } else {
    const nf = ch.normalize("NFKC")
    const one = nf.codePointAt(0)!
    out = nf.length !== (one > 0xffff ? 2 : 1)
      ? (cp > 0xffff ? "\ufffd" : ch)
      : isNd.test(nf)
      ? String(one <= 57 ? one - 48 : digitValue(one))
      : one > 0xffff
      ? "\ufffd"
      : nf
  }
  if (folded.size >= 4096) folded.clear()
  folded.set(cp, out)
  return out
}

/**
 * The folded text, and for each of its characters the index in `input` of the code point it stands for (none when
 * the text is ASCII: it folds to itself). @internal
 */
export const fold = (input: string): { readonly text: string; readonly starts: Array<number> | undefined } => {
  let i = 0
  while (i < input.length && input.charCodeAt(i) < 0x80) i++
  if (i === input.length) return { text: input, starts: undefined }
  const starts: Array<number> = []
  const parts: Array<string> = []
  for (let j = 0; j < i; j++) starts.push(j)
  parts.push(input.slice(0, i))
  while (i < input.length) {
    const c = input.charCodeAt(i)
    if (c < 0x80 || (c >= 0x3400 && c <= 0x9fff)) {
      parts.push(input[i]!)
      starts.push(i)
      i++
      continue
    }
    const cp = input.codePointAt(i)!
    const f = foldCodePoint(cp)
    if (f !== "") {
      parts.push(f)
      starts.push(i)
    }
    i += cp > 0xffff ? 2 : 1
  }
  return { text: parts.join(""), starts }
}

const uuidPattern =
  /(?<![0-9A-Za-z])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Za-z])/
const uuids = new RegExp(uuidPattern.source, "g")

const countDigits = (s: string): number => {
  let count = 0
  for (let i = 0; i < s.length; i++) if (isDigitAt(s, i)) count++
  return count
}

/**
 * The numbers found while masking one text (masking is synchronous: one text at a time), as triples: where each
 * starts and ends in the folded text, and its masked form.
 */
let found: Array<number | string> = []

/**
 * Notes a number found (`masked`, or a UUID to leave alone when undefined) and hides it behind `*` of the same length,
 * so that the next patterns do not see it and the positions in the folded text stay as they are.
 */
const hide = (masked: string | undefined, match: string, from: number): string => {
  if (masked !== undefined) found.push(from, from + match.length, masked)
  return "*".repeat(match.length)
}
const hideUuid = (m: string, from: number): string => hide(undefined, m, from)
const hideGroupedId = (m: string, a: string, s1: string, s2: string, b: string, from: number): string =>
  hide(`${a}${s1}********${s2}${b}`, m, from)
const hideMobile = (m: string, number: string, _s: string, from: number): string => {
  const digits = number.replace(/\D/g, "")
  return hide(`${digits.slice(0, 3)}****${digits.slice(-4)}`, m, from)
}
const hideId = (m: string, a: string, b: string, from: number): string => hide(`${a}********${b}`, m, from)
const hideLandline = (m: string, a: string, b: string, c: string, from: number): string =>
  hide(`${a}${b.replace(/\d/g, "*")}${c}`, m, from)
const hideBareLandline = (m: string, a: string, b: string, c: string, from: number): string =>
  hide(`${a}${"*".repeat(b.length)}${c}`, m, from)

/** The masking without the quick scan: every number found in `input` replaced by its masked form. @internal */
export const maskAll = (input: string): string => {
  const { starts, text } = fold(input)
  // every number has 10 digits or more
  if (countDigits(text) < 10) return input
  found = []
  // a UUID's groups can read as a landline (`…-0433-7123-8456-…`): UUIDs are hidden first
  const work = uuidPattern.test(text) ? text.replace(uuids, hideUuid) : text
  work.replace(groupedIdPattern, hideGroupedId)
    .replace(mobilePattern, hideMobile)
    .replace(idPattern, hideId)
    .replace(landlinePattern, hideLandline)
    .replace(bareLandlinePattern, hideBareLandline)
  const numbers = found
  found = []
  if (numbers.length === 0) return input
  // in the order of the text (each pattern finds its numbers in order, the patterns run one after another)
  const order = Array.from({ length: numbers.length / 3 }, (_, k) => k * 3)
  if (order.length > 1) order.sort((x, y) => (numbers[x] as number) - (numbers[y] as number))
  let out = ""
  let at = 0
  for (const k of order) {
    const from = numbers[k] as number
    const to = numbers[k + 1] as number
    let start = from
    let end = to
    if (starts !== undefined) {
      start = starts[from]!
      const last = starts[to - 1]!
      const c = input.charCodeAt(last)
      end = last + (c >= 0xd800 && c <= 0xdbff ? 2 : 1)
    }
    out += input.slice(at, start) + (numbers[k + 2] as string)
    at = end
  }
  return out + input.slice(at)
}

/** See `Privacy.maskText`. @internal */
export const maskText = (input: string): string => (mayHoldNumber(input) ? maskAll(input) : input)
