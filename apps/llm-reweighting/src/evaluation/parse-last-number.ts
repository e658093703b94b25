/** The last number of a text, as {@link parseLastNumber} reads it, with its digit strings. */
export interface ParsedNumber {
  readonly value: number;
  /** `-1` or `1`. */
  readonly sign: number;
  /** Digits before the decimal point (as written, leading zeros kept). */
  readonly integerDigits: string;
  /** Digits after the decimal point ('' for an integer). */
  readonly fractionDigits: string;
}

/** A number: optional sign, optional whitespace, digits, optional `.digits` (the NTL evaluation's pattern). */
const NUMBER = /([+-]?)\s*(\d+)(?:\.(\d+))?/g;

/**
 * The last number in `text` with its parts, or null when `text` holds none. A number is an optional sign, optional
 * whitespace, one or more digits and an optional decimal part, as the metric of tum-ai/number-token-loss
 * (`parse_number_result_per_sample`, Zausinger et al., 2025) matches it; like there, a `-` or `+` right before the last
 * digits is read as its sign, so `"12 - 5"` and `"12-5"` give −5 (the last number of an answer line such as
 * `"= -7"` is −7). Digits are ASCII `0`–`9`; thousands separators are not recognised (`"1,234"` gives 234).
 */
export function parseLastNumberParts(text: string): ParsedNumber | null {
  let last: RegExpExecArray | null = null;
  for (const match of text.matchAll(NUMBER)) last = match;
  if (last === null) return null;
  const sign = last[1] === '-' ? -1 : 1;
  const integerDigits = last[2] ?? '';
  const fractionDigits = last[3] ?? '';
  const value = sign * Number(`${integerDigits}${fractionDigits === '' ? '' : `.${fractionDigits}`}`);
  return { value, sign, integerDigits, fractionDigits };
}

/** The value of the last number in `text` (see {@link parseLastNumberParts}), or null when there is none. */
export function parseLastNumber(text: string): number | null {
  return parseLastNumberParts(text)?.value ?? null;
}
