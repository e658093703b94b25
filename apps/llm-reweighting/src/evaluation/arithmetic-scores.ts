import { ConfigError } from '@counterweight/runtime';

import { parseLastNumberParts, type ParsedNumber } from './parse-last-number.js';

/** What {@link arithmeticScores} returns (JSON data; null where no generated answer had a number). */
export interface ArithmeticScores {
  /** Problems scored. */
  readonly count: number;
  /** Share of all problems whose parsed answer equals the parsed target (`isclose`: |a − b| ≤ 1e-8 + 1e-5·|b|). */
  readonly exactMatch: number;
  /** Mean |answer − target| over the problems whose output holds a number (outputs without one are left out). */
  readonly meanAbsoluteError: number | null;
  /** Median |answer − target| over the same problems. */
  readonly medianAbsoluteError: number | null;
  /** Outputs without any number. */
  readonly noNumber: number;
  /** Digit-level accuracy: correct digit positions / all positions, digits aligned at the decimal point (see below). */
  readonly digitAccuracy: number;
}

/** Predictions are clipped to ±1e10 before the errors, as the reference does (a runaway output cannot overflow the mean). */
const CLIP = 1e10;

function isClose(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-8 + 1e-5 * Math.abs(b);
}

/** Correct and total digit positions of `got` against `want`, aligned at the decimal point. */
function digitMatches(got: ParsedNumber | null, want: ParsedNumber): { correct: number; total: number } {
  if (got === null) return { correct: 0, total: want.integerDigits.length + want.fractionDigits.length };
  const intLength = Math.max(got.integerDigits.length, want.integerDigits.length);
  const a = got.integerDigits.padStart(intLength, ' ');
  const b = want.integerDigits.padStart(intLength, ' ');
  const fracLength = Math.max(got.fractionDigits.length, want.fractionDigits.length);
  const c = got.fractionDigits.padEnd(fracLength, ' ');
  const d = want.fractionDigits.padEnd(fracLength, ' ');
  let correct = 0;
  for (let i = 0; i < intLength; i += 1) if (a[i] === b[i]) correct += 1;
  for (let i = 0; i < fracLength; i += 1) if (c[i] === d[i]) correct += 1;
  return { correct, total: intLength + fracLength };
}

/**
 * Scores generated answers against the true ones, the number metrics of tum-ai/number-token-loss
 * (`calculate_metrics`, Zausinger et al., 2025): the LAST number of each generated text and of each answer is
 * parsed ({@link parseLastNumberParts}), then
 *
 * - `exactMatch` = #{isclose(ŷ, y)} / count (an output without a number counts as wrong);
 * - `meanAbsoluteError`, `medianAbsoluteError` of |clip(ŷ) − y| over the outputs that hold a number only (the
 *   reference does the same; `noNumber` says how many were left out; null when none holds one);
 * - `digitAccuracy` = Σ correct digit positions / Σ positions: the digit strings of ŷ and y aligned at the decimal
 *   point (integer parts right-aligned, fractions left-aligned), over the longer of the two at each side, so a
 *   missing or extra digit counts as wrong; an output without a number scores 0 of y's digits. Signs are not digits
 *   (they count in the exact match and the errors).
 * @throws ConfigError naming `answers` (length differs from `generated`) or `answers[i]` (holds no number).
 */
export function arithmeticScores(generated: readonly string[], answers: readonly string[]): ArithmeticScores {
  if (generated.length !== answers.length) throw new ConfigError('answers', `must have one answer per generated text (${generated.length}), got ${answers.length}`);
  let exact = 0;
  let noNumber = 0;
  let correctDigits = 0;
  let totalDigits = 0;
  const errors: number[] = [];
  answers.forEach((answer, i) => {
    const want = parseLastNumberParts(answer);
    if (want === null) throw new ConfigError(`answers[${i}]`, `holds no number: ${JSON.stringify(answer)}`);
    const got = parseLastNumberParts(generated[i] ?? '');
    const digits = digitMatches(got, want);
    correctDigits += digits.correct;
    totalDigits += digits.total;
    if (got === null) {
      noNumber += 1;
      return;
    }
    const value = Math.max(-CLIP, Math.min(CLIP, got.value));
    if (isClose(value, want.value)) exact += 1;
    errors.push(Math.abs(value - want.value));
  });
  const sorted = [...errors].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length === 0 ? null : sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  const count = answers.length;
  return {
    count,
    exactMatch: count === 0 ? 0 : exact / count,
    meanAbsoluteError: errors.length === 0 ? null : errors.reduce((a, v) => a + v, 0) / errors.length,
    medianAbsoluteError: median,
    noNumber,
    digitAccuracy: totalDigits === 0 ? 0 : correctDigits / totalDigits,
  };
}
