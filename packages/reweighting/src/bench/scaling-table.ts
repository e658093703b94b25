/** One row of the bench's summary: an estimator's median fit time at one n. */
export interface TimingRow {
  readonly estimator: string;
  readonly n: number;
  readonly seconds: number;
  readonly ratio: number;
}

/** Seconds with 3 significant digits, milliseconds below 1 s. */
function formatSeconds(s: number): string {
  return s < 1 ? `${Number((s * 1000).toPrecision(3))} ms` : `${Number(s.toPrecision(3))} s`;
}

/**
 * A Markdown table of the timings, one line per estimator: the median time at each n (with the ratio to its smallest
 * n) and the fitted exponent k of time ∝ n^k (`—` when fewer than two sizes were timed).
 */
export function scalingTable(rows: readonly TimingRow[], exponents: Readonly<Record<string, number | null>>): string {
  const estimators = [...new Set(rows.map((r) => r.estimator))];
  const lines = ['| estimator | median time per fit at n (× time at smallest n) | k |', '|---|---|---:|'];
  for (const estimator of estimators) {
    const cells = rows
      .filter((r) => r.estimator === estimator)
      .map((r) => `n = ${r.n}: ${formatSeconds(r.seconds)} (×${r.ratio.toFixed(2)})`);
    const k = exponents[estimator];
    lines.push(`| ${estimator} | ${cells.join('; ')} | ${k === undefined || k === null ? '—' : k.toFixed(2)} |`);
  }
  return lines.join('\n');
}
