/**
 * A number that strict JSON can hold: `value` when finite, `null` when it is NaN or ±Infinity — an undefined score
 * (0/0: MAE of an empty group, POD without observed events, skill against a perfect reference). The experiment
 * harness refuses NaN in results, and a `null` says "undefined" where 0 would be a wrong number.
 */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
