import { strictJsonStringify } from '@counterweight/experiment';
import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';
import { evaluateForecasts, type ForecastEvaluationInput } from './forecast-evaluation.js';
import { handSplit } from './test-support/hand-split.js';

const N = Number.NaN;
const H = 2; // V = 2 targets: TEMP, PM2.5
const count = 7;
// PM2.5 observed [window][horizon]; window 6 (station C) is all missing.
const pm = [[10, 20], [80, 70], [160, 150], [N, 90], [40, N], [200, 30], [N, N]];
const pmPoint = [[12, 25], [60, 80], [170, 100], [N, 95], [45, N], [140, 30], [N, N]];
const pmPersistence = [15, 75, N, 50, 30, 190, N];
const pmSeasonal = [[20, 10], [N, 60], [150, 140], [N, 80], [30, 30], [180, 40], [N, N]];
const temp = (i: number, h: number): number => (i === 6 ? N : i + 10 * h);
const interleave = (pmValue: (i: number, h: number) => number, tempValue: (i: number, h: number) => number): number[] =>
  Array.from({ length: count * H }, (_, k) => [tempValue(Math.floor(k / H), k % H), pmValue(Math.floor(k / H), k % H)]).flat();

const split = handSplit({
  count,
  raw: interleave((i, h) => pm[i]?.[h] ?? N, temp),
  persistence: pmPersistence.flatMap((p, i) => [temp(i, 0), p]),
  seasonal: interleave((i, h) => pmSeasonal[i]?.[h] ?? N, temp),
  station: [0, 1, 0, 1, 0, 1, 2],
});
const point = Float32Array.from(interleave((i, h) => pmPoint[i]?.[h] ?? N, (i, h) => temp(i, h) + 1));
const levels = [0.1, 0.5, 0.9];
const offsets = [-15, 0, 15];
const quantileValues = Float32Array.from(Array.from(point).flatMap((p) => offsets.map((o) => p + o)));

const input: ForecastEvaluationInput = {
  split,
  targets: ['TEMP', 'PM2.5'],
  pollutantTargets: ['PM2.5'],
  horizons: [1, 6],
  stations: ['A', 'B', 'C'],
  point,
  quantiles: { levels, values: quantileValues },
  extremes: { topDecileThreshold: 100, decileEdges: [10, 20, 30, 40, 50, 60, 70, 80, 90] },
};

/** Observed (y, ŷ) pairs of PM2.5 at horizon index h, optionally filtered — the independent float64 reference. */
function pairs(h: number, keep: (i: number, y: number) => boolean = () => true): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  pm.forEach((row, i) => {
    const y = row[h] ?? N;
    if (!Number.isNaN(y) && keep(i, y)) out.push([y, pmPoint[i]?.[h] ?? N, i]);
  });
  return out;
}
const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const maeOf = (ps: Array<[number, number, number]>): number => mean(ps.map(([y, p]) => Math.abs(p - y)));
const mseOf = (ps: Array<[number, number, number]>): number => mean(ps.map(([y, p]) => (p - y) ** 2));
const pinball = (tau: number, r: number): number => (r >= 0 ? tau * r : (tau - 1) * r);

describe('evaluateForecasts', () => {
  const result = evaluateForecasts(input);
  const pm25 = result.pollutants[0];

  it('gives MAE, RMSE and bias per horizon over the observed targets only', () => {
    expect(pm25?.target).toBe('PM2.5');
    for (let h = 0; h < H; h += 1) {
      const ps = pairs(h);
      const row = pm25?.horizons[h];
      expect(row?.count).toBe(ps.length);
      expect(row?.mae).toBeCloseTo(maeOf(ps), 10);
      expect(row?.rmse).toBeCloseTo(Math.sqrt(mseOf(ps)), 10);
      expect(row?.bias).toBeCloseTo(mean(ps.map(([y, p]) => p - y)), 10);
    }
    // By hand, horizon 1: errors 2, −20, 10, 5, −60.
    expect(pm25?.horizons[0]?.mae).toBeCloseTo(19.4, 10);
    expect(pm25?.horizons[0]?.bias).toBeCloseTo(-12.6, 10);
    expect(pm25?.horizons[0]?.rmse).toBeCloseTo(Math.sqrt(825.8), 10);
  });

  it('scores MSE skill against persistence and seasonal-naive on the samples where both exist', () => {
    // Horizon 1, persistence available for windows 0, 1, 4, 5: model SE 4 + 400 + 25 + 3600, persistence SE 25 + 25 + 100 + 100.
    expect(pm25?.horizons[0]?.skillCount).toBe(4);
    expect(pm25?.horizons[0]?.skill).toBeCloseTo(1 - 4029 / 250, 10);
    for (let h = 0; h < H; h += 1) {
      const withRef = pairs(h, (i) => !Number.isNaN(pmPersistence[i] ?? N));
      const refMse = mean(withRef.map(([y, , i]) => ((pmPersistence[i] ?? N) - y) ** 2));
      expect(pm25?.horizons[h]?.skill).toBeCloseTo(1 - mseOf(withRef) / refMse, 10);
      const withSeasonal = pairs(h, (i) => !Number.isNaN(pmSeasonal[i]?.[h] ?? N));
      const seasonalMse = mean(withSeasonal.map(([y, , i]) => ((pmSeasonal[i]?.[h] ?? N) - y) ** 2));
      expect(pm25?.horizons[h]?.skillSeasonalCount).toBe(withSeasonal.length);
      expect(pm25?.horizons[h]?.skillSeasonal).toBeCloseTo(1 - mseOf(withSeasonal) / seasonalMse, 10);
    }
  });

  it('gives per-station errors pooled over horizons and per horizon, null for a station without observed targets', () => {
    const a = result.stations.find((s) => s.station === 'A');
    const stationA = [0, 2, 4];
    const pooled = [0, 1].flatMap((h) => pairs(h, (i) => stationA.includes(i)));
    expect(a?.overall.count).toBe(pooled.length);
    expect(a?.overall.mae).toBeCloseTo(maeOf(pooled), 10);
    expect(a?.byHorizon[1]?.mae).toBeCloseTo(maeOf(pairs(1, (i) => stationA.includes(i))), 10);
    const c = result.stations.find((s) => s.station === 'C');
    expect(c?.overall).toEqual({ count: 0, mae: null, rmse: null, bias: null });
    expect(c?.byHorizon[0]).toEqual({ count: 0, mae: null, rmse: null, bias: null });
  });

  it('gives errors on extreme targets (≥ 75, ≥ 150, ≥ the training top decile), selected by the observed value', () => {
    const [h1, h6] = result.extremes.horizons;
    expect(h1?.exceedance[0]).toMatchObject({ threshold: 75, count: 3, mae: 30 });
    expect(h6?.exceedance[0]).toMatchObject({ threshold: 75, count: 2, mae: 27.5 });
    expect(h1?.exceedance[1]).toMatchObject({ threshold: 150, count: 2, mae: 35 });
    expect(h6?.exceedance[1]).toMatchObject({ threshold: 150, count: 1, mae: 50 }); // 150 itself counts (inclusive)
    expect(h1?.topDecile).toMatchObject({ threshold: 100, count: 2, mae: 35 });
    for (let h = 0; h < H; h += 1) {
      const e = pairs(h, (_, y) => y >= 75);
      expect(result.extremes.horizons[h]?.exceedance[0]?.rmse).toBeCloseTo(Math.sqrt(mseOf(e)), 10);
    }
  });

  it('counts exceedance detection by hand and leaves undefined scores null', () => {
    const [h1, h6] = result.extremes.horizons;
    expect(h1?.detection[0]).toMatchObject({ hits: 2, falseAlarms: 0, misses: 1, correctNegatives: 2, far: 0 });
    expect(h1?.detection[0]?.pod).toBeCloseTo(2 / 3, 12);
    expect(h1?.detection[0]?.csi).toBeCloseTo(2 / 3, 12);
    expect(h6?.detection[0]).toMatchObject({ hits: 2, falseAlarms: 1, misses: 0, correctNegatives: 2, pod: 1 });
    expect(h6?.detection[0]?.far).toBeCloseTo(1 / 3, 12);
    expect(h1?.detection[1]).toMatchObject({ hits: 1, falseAlarms: 0, misses: 1, correctNegatives: 3, pod: 0.5, far: 0, csi: 0.5 });
    // No forecast reaches 150 at horizon 6: FAR and frequency bias are 0/0 → null; POD and CSI are a genuine 0.
    expect(h6?.detection[1]).toEqual({ threshold: 150, hits: 0, falseAlarms: 0, misses: 1, correctNegatives: 4, pod: 0, far: null, csi: 0, frequencyBias: 0 });
  });

  it('bins errors by the training decile edges, empty bins null', () => {
    const bins = result.extremes.horizons[0]?.byDecile ?? [];
    expect(bins).toHaveLength(10);
    expect(bins[0]).toEqual({ decile: 0, lower: null, upper: 10, count: 0, mae: null, rmse: null, bias: null });
    expect(bins[1]).toMatchObject({ lower: 10, upper: 20, count: 1, mae: 2 }); // y = 10 falls in [10, 20)
    expect(bins[9]).toMatchObject({ lower: 90, upper: null, count: 2, mae: 35 });
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(pairs(0).length);
  });

  it('scores quantiles: per-level coverage, [P10, P90] coverage and width, WIS', () => {
    const q = result.quantiles;
    expect(q?.levels).toEqual(levels);
    for (let h = 0; h < H; h += 1) {
      const ps = pairs(h);
      const entry = q?.entries[h];
      expect(entry?.count).toBe(ps.length);
      levels.forEach((_, j) => {
        expect(entry?.coverage[j]).toBeCloseTo(mean(ps.map(([y, p]) => (y <= p + (offsets[j] ?? 0) ? 1 : 0))), 12);
      });
      expect(entry?.interval?.coverage).toBeCloseTo(mean(ps.map(([y, p]) => (p - 15 <= y && y <= p + 15 ? 1 : 0))), 12);
      expect(entry?.interval?.meanWidth).toBeCloseTo(30, 12);
      const wis = mean(ps.map(([y, p]) => levels.reduce((s, tau, j) => s + pinball(tau, y - (p + (offsets[j] ?? 0))), 0) / 1.5));
      expect(entry?.wis).toBeCloseTo(wis, 10);
    }
  });

  it('summarises headline scalars as finite numbers, leaving out undefined ones', () => {
    const hl = result.headline;
    expect(hl['mae.PM2.5']).toBeCloseTo(mean([maeOf(pairs(0)), maeOf(pairs(1))]), 10);
    expect(hl['mae.PM2.5.h1']).toBeCloseTo(19.4, 10);
    expect(hl['extremeMae75.PM2.5']).toBeCloseTo(28.75, 10);
    expect(hl['extremeMae150.PM2.5']).toBeCloseTo(42.5, 10);
    expect(hl['topDecileMae.PM2.5']).toBeCloseTo((35 + 50) / 2, 10);
    expect(hl.csi75).toBeCloseTo(2 / 3, 12);
    expect(hl.pod75).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(hl.far75).toBeCloseTo(1 / 6, 12);
    expect(hl.csi150).toBeCloseTo(0.25, 12);
    expect('far150' in hl).toBe(false);
    expect(hl['intervalWidth.PM2.5']).toBeCloseTo(30, 10);
    expect(Object.values(hl).every((v) => Number.isFinite(v))).toBe(true);
  });

  it('is strict-JSON ready (no NaN anywhere)', () => {
    expect(() => strictJsonStringify(result)).not.toThrow();
  });

  it('omits the top decile and decile bins without training thresholds, and WIS for non-symmetric levels', () => {
    const r = evaluateForecasts({
      ...input,
      quantiles: { levels: [0.1, 0.9], values: Float32Array.from(Array.from(point).flatMap((p) => [p - 15, p + 15])) },
      extremes: {},
    });
    expect(r.extremes.horizons[0]?.topDecile).toBeNull();
    expect(r.extremes.horizons[0]?.byDecile).toEqual([]);
    expect(r.quantiles?.entries[0]?.wis).toBeNull();
    expect(r.quantiles?.entries[0]?.interval?.coverage).toBeCloseTo(result.quantiles?.entries[0]?.interval?.coverage ?? N, 12);
    expect('topDecileMae.PM2.5' in r.headline).toBe(false);
    expect(() => strictJsonStringify(r)).not.toThrow();
  });

  it("with missingForecasts: 'skip', leaves out observed targets without a forecast and counts them", () => {
    const gappy = Float32Array.from(point);
    gappy[1] = N; // window 0, horizon 1 (PM2.5 10, forecast 12)
    gappy[3 * H * 2 + 1] = N; // window 3, horizon 1: target missing anyway
    const r = evaluateForecasts({ ...input, point: gappy, missingForecasts: 'skip' });
    const h1 = r.pollutants[0]?.horizons[0];
    const kept = pairs(0, (i) => i !== 0);
    expect(h1?.count).toBe(kept.length);
    expect(h1?.missingForecasts).toBe(1);
    expect(h1?.mae).toBeCloseTo(maeOf(kept), 10);
    expect(r.pollutants[0]?.horizons[1]?.missingForecasts).toBe(0);
    expect(r.extremes.horizons[0]?.detection[0]).toMatchObject({ hits: 2, misses: 1, correctNegatives: 1 });
    expect(result.pollutants[0]?.horizons[0]?.missingForecasts).toBe(0);
  });

  it('rejects bad input with errors naming the argument', () => {
    const badPoint = Float32Array.from(point);
    badPoint[1] = N; // window 0, horizon 1, PM2.5 is observed
    expect(() => evaluateForecasts({ ...input, point: badPoint })).toThrow(/point.*window 0, horizon 1, target "PM2.5".*missingForecasts/);
    expect(() => evaluateForecasts({ ...input, point: point.subarray(1) })).toThrow(ConfigError);
    expect(() => evaluateForecasts({ ...input, pollutantTargets: ['PM10'] })).toThrow(/pollutantTargets.*PM10/);
    expect(() => evaluateForecasts({ ...input, extremes: { variable: 'O3' } })).toThrow(/extremes\.variable/);
    expect(() => evaluateForecasts({ ...input, extremes: { decileEdges: [1, 2, 3] } })).toThrow(/extremes\.decileEdges/);
    expect(() => evaluateForecasts({ ...input, stations: ['A', 'B'] })).toThrow(/split\.station.*window 6/);
    expect(() => evaluateForecasts({ ...input, quantiles: { levels, values: quantileValues.subarray(3) } })).toThrow(/quantiles\.values/);
  });
});
