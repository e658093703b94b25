import { SeededRandom } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { attributeShift } from './attribute-shift.js';
import type { AttributionRows } from './attribution-rows.js';

/**
 * Rows of weather → PM2.5 with a model error that grows with the weather: `temp ~ N(μ, 1)`, `pm = 50 + 10·temp +
 * slope·noise`, loss `|temp| + 0.5·|noise|` (a fixed model that is worse in cold/hot weather and on unusual PM2.5).
 */
function rows(n: number, mu: number, slope: number, random: SeededRandom): AttributionRows {
  const temp = new Float64Array(n);
  const pm = new Float64Array(n);
  const loss = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const noise = random.normal();
    temp[i] = random.normal(mu, 1);
    pm[i] = 50 + 10 * temp[i]! + slope * noise;
    loss[i] = Math.abs(temp[i]!) + 0.5 * Math.abs(noise);
  }
  return { table: { TEMP: temp, 'PM2.5@+1': pm }, weatherColumns: ['TEMP'], targetColumns: ['PM2.5@+1'], loss, rows: n };
}

describe('attributeShift (weather → PM2.5)', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: a shift of the weather alone goes to φ(P(weather)); Σφ = v(all) exactly; v(all) tracks the observed change`, () => {
      const random = SeededRandom.fromSeed(seed, 'attribute-shift');
      const a = attributeShift(rows(3000, 0, 5, random), rows(3000, 0.8, 5, random));
      expect(a.weather + a.pm25GivenWeather).toBeCloseTo(a.attributed, 10);
      // E|T| rises from 0.80 (μ = 0) to about 1.10 (μ = 0.8): observed ≈ +0.30
      expect(a.observed).toBeGreaterThan(0.2);
      expect(Math.abs(a.attributed - a.observed)).toBeLessThan(0.35 * a.observed);
      expect(Math.abs(a.pm25GivenWeather)).toBeLessThan(0.25 * Math.abs(a.weather));
      expect(a.sourceRows).toBe(3000);
    });
  }

  it('a shift of P(PM2.5 | weather) alone (PM2.5 higher at the same weather) goes to φ(P(PM2.5 | weather))', () => {
    const random = SeededRandom.fromSeed(7, 'attribute-shift');
    const source = rows(3000, 0, 5, random);
    const target = rows(3000, 0, 5, random);
    // relabel the target with PM2.5 1.5 noise units above the weather's line (the model errs more there); a mean shift,
    // which the linear domain classifier sees (a change of spread alone it would not)
    const temp = target.table.TEMP as Float64Array;
    const pm = target.table['PM2.5@+1'] as Float64Array;
    const loss = target.loss;
    for (let i = 0; i < target.rows; i++) {
      const noise = random.normal(1.5, 1);
      pm[i] = 50 + 10 * temp[i]! + 5 * noise;
      loss[i] = Math.abs(temp[i]!) + 0.5 * Math.abs(noise);
    }
    const a = attributeShift(source, target);
    expect(a.observed).toBeGreaterThan(0.3);
    expect(a.pm25GivenWeather).toBeGreaterThan(0.5 * a.observed);
    expect(Math.abs(a.weather)).toBeLessThan(0.25 * a.pm25GivenWeather);
  });
});
