import { strictJsonStringify } from '@counterweight/experiment';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadStationData, makeWindows, type ForecastWindows } from '../data/index.js';
import { persistenceForecast } from './baselines.js';
import { evaluateForecasts } from './forecast-evaluation.js';
import { fitOrdinalForecast } from './ordinal-forecast.js';
import { targetDeciles } from './target-deciles.js';

// The embedded three-station Beijing sample, hourly, 24 h history → 1, 6, 24 h ahead, every 6th window.
describe('evaluation on the embedded Beijing sample', () => {
  let w: ForecastWindows;
  beforeAll(async () => {
    const table = await loadStationData({ source: 'sample' });
    w = makeWindows(table, { history: 24, horizons: [1, 6, 24], stride: 6 });
  }, 120_000);

  it('scores persistence (skipping windows without a persistence value): skill 0 against itself, MAE and event counts as computed independently', () => {
    const H = w.horizons.length;
    const V = w.targets.length;
    const v = w.targets.indexOf('PM2.5');
    const deciles = targetDeciles(w.train, w.targets, H);
    const result = evaluateForecasts({
      split: w.test,
      targets: w.targets,
      pollutantTargets: w.pollutantTargets,
      horizons: w.horizons,
      stations: w.stations,
      point: persistenceForecast(w.test, H),
      missingForecasts: 'skip',
      extremes: { topDecileThreshold: deciles.topDecileThreshold, decileEdges: deciles.edges },
    });
    expect(() => strictJsonStringify(result)).not.toThrow();
    const pm = result.pollutants.find((p) => p.target === 'PM2.5');
    w.horizons.forEach((_, h) => {
      let n = 0;
      let abs = 0;
      let events = 0;
      let missing = 0;
      for (let i = 0; i < w.test.count; i += 1) {
        const y = w.test.raw[(i * H + h) * V + v] ?? Number.NaN;
        const p = w.test.persistence[i * V + v] ?? Number.NaN;
        if (Number.isNaN(y)) continue;
        if (Number.isNaN(p)) {
          missing += 1;
          continue;
        }
        if (y >= 75) events += 1;
        n += 1;
        abs += Math.abs(p - y);
      }
      expect(pm?.horizons[h]?.skill).toBe(0);
      expect(pm?.horizons[h]?.skillCount).toBe(n);
      expect(pm?.horizons[h]?.count).toBe(n);
      expect(pm?.horizons[h]?.missingForecasts).toBe(missing);
      expect(pm?.horizons[h]?.mae).toBeCloseTo(abs / n, 6);
      const detection = result.extremes.horizons[h]?.detection[0];
      expect((detection?.hits ?? 0) + (detection?.misses ?? 0)).toBe(events);
    });
    expect(result.headline['mae.PM2.5']).toBeGreaterThan(0);
    expect(result.headline.csi75).toBeGreaterThan(0);
  });

  it('forecasts the AQI category at 24 h with the test category counts of an independent count', () => {
    const result = fitOrdinalForecast({ train: w.train, validation: w.validation, test: w.test, layout: w, horizon: 24, sampleSize: 2000, seed: 5, numLambdas: 4 });
    const H = w.horizons.length;
    const V = w.targets.length;
    const v = w.targets.indexOf('PM2.5');
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < w.test.count; i += 1) {
      const y = w.test.raw[(i * H + 2) * V + v] ?? Number.NaN;
      if (Number.isNaN(y)) continue;
      const c = y <= 35 ? 0 : y <= 75 ? 1 : y <= 115 ? 2 : y <= 150 ? 3 : y <= 250 ? 4 : 5;
      counts[c] = (counts[c] ?? 0) + 1;
    }
    expect(result.categoryCounts.test).toEqual(counts);
    expect(result.trainSample).toBe(Math.min(2000, result.trainAvailable));
    for (const m of result.methods) {
      expect(m.test.count).toBe(counts.reduce((s, c) => s + c, 0));
      expect(m.test.brier).toBeGreaterThan(0);
      expect(m.test.brier).toBeLessThan(1);
    }
    expect(() => strictJsonStringify(result)).not.toThrow();
  }, 120_000);
});
