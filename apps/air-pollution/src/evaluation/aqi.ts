import { ConfigError } from '@counterweight/runtime';

/**
 * PM2.5 breakpoints of China's AQI, µg/m³ (HJ 633-2012 with GB 3095-2012): the upper concentration of the categories
 * excellent (IAQI 0–50), good (51–100), lightly polluted (101–150), moderately polluted (151–200) and heavily
 * polluted (201–300); above 250 µg/m³ is severely polluted (IAQI > 300).
 */
export const AQI_PM25_BREAKPOINTS: readonly number[] = [35, 75, 115, 150, 250];

/** Names of the six AQI categories 0..5, in order of increasing pollution. */
export const AQI_CATEGORY_NAMES: readonly string[] = [
  'excellent',
  'good',
  'lightly polluted',
  'moderately polluted',
  'heavily polluted',
  'severely polluted',
];

/** Number of AQI categories (6). */
export const AQI_CATEGORY_COUNT = AQI_CATEGORY_NAMES.length;

/**
 * China AQI category (0..5) of a PM2.5 concentration: the number of breakpoints strictly below it,
 *
 *     c(x) = #{b ∈ [35, 75, 115, 150, 250] : x > b}
 *
 * so each category is the interval `(b_{k−1}, b_k]`, the breakpoint itself belonging to the LOWER (cleaner) category:
 * 35 → 0 (excellent, the 0–35 row of HJ 633-2012 whose upper end maps to IAQI 50), 35.1 → 1, 75 → 1 (IAQI 100 is
 * still "good"), 250 → 4, 250.1 → 5. Note that this differs from the exceedance convention `x ≥ 75` of the
 * extreme-event metrics: a value of exactly 75 µg/m³ is an exceedance there but category 1 here.
 *
 * HJ 633-2012 defines the PM2.5 breakpoints on 24-hour means; the app applies them to the value at its own grid
 * resolution (an hourly concentration on an hourly grid, the daily mean on a daily grid), so hourly categories are
 * hourly peaks, not the official daily AQI.
 *
 * @param value PM2.5 in µg/m³; NaN (missing) gives −1. Negative values (instrument noise) are category 0.
 */
export function aqiCategory(value: number): number {
  if (Number.isNaN(value)) return -1;
  let c = 0;
  while (c < AQI_PM25_BREAKPOINTS.length && value > (AQI_PM25_BREAKPOINTS[c] ?? Number.POSITIVE_INFINITY)) c += 1;
  return c;
}

/** {@link aqiCategory} of every value, `Int8Array` `[n]`, −1 where the value is NaN (missing). */
export function aqiCategories(values: ArrayLike<number>): Int8Array {
  const out = new Int8Array(values.length);
  for (let i = 0; i < values.length; i += 1) out[i] = aqiCategory(values[i] ?? Number.NaN);
  return out;
}

/**
 * Number of samples in each AQI category, `[6]` (missing entries, −1, are not counted).
 *
 * @param categories category ids in −1..5 (as from {@link aqiCategories}).
 * @throws ConfigError naming the index of an id outside −1..5.
 */
export function aqiCategoryCounts(categories: ArrayLike<number>): number[] {
  const counts = new Array<number>(AQI_CATEGORY_COUNT).fill(0);
  for (let i = 0; i < categories.length; i += 1) {
    const c = categories[i] ?? -1;
    if (c === -1) continue;
    if (!Number.isInteger(c) || c < 0 || c >= AQI_CATEGORY_COUNT) {
      throw new ConfigError('categories', `holds ${c} at index ${i}, expected an AQI category in 0..${AQI_CATEGORY_COUNT - 1} or -1 (missing)`);
    }
    counts[c] = (counts[c] ?? 0) + 1;
  }
  return counts;
}
