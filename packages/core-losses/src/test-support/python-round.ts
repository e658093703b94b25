// Test-only: Python's correctly rounded round(x, decimals) on a built-in float, to find the inputs where NumPy's
// multiply-round-divide rule (class-weights' roundLikeNumpy) gives a different answer.

/**
 * Python's `round(x, decimals)` for a float: the exact binary value of `x` rounded to `decimals` digits, ties to
 * even (so `round(0.125, 2) = 0.12` but `round(0.135, 2) = 0.14`, because 0.135 is stored as 0.13500000000000000888).
 */
export function roundHalfEvenLikePython(x: number, decimals: number): number {
  if (!Number.isFinite(x) || x === 0 || Math.abs(x) >= 1e15) return x;
  const negative = x < 0;
  // toFixed(100) is exact for the values rounded here (a double m·2^e ≥ 1e-30 has a terminating expansion of −e
  // decimals, far fewer than 100 digits beyond which the cut could change a rounding to at most 15 decimals).
  const exact = Math.abs(x).toFixed(100);
  const point = exact.indexOf('.');
  const keep = exact.slice(0, point) + exact.slice(point + 1, point + 1 + decimals);
  const rest = exact.slice(point + 1 + decimals);
  const firstDropped = rest.charCodeAt(0) - 48;
  const anyAfter = /[1-9]/.test(rest.slice(1));
  let digits = BigInt(keep);
  const lastKept = Number(digits % 10n);
  if (firstDropped > 5 || (firstDropped === 5 && (anyAfter || lastKept % 2 === 1))) digits += 1n;
  const text = digits.toString().padStart(decimals + 1, '0');
  const value = Number(`${text.slice(0, text.length - decimals)}.${text.slice(text.length - decimals) || '0'}`);
  return negative ? -value : value;
}
