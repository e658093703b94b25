import { strictJsonStringify } from '@counterweight/experiment';
import { SeededRandom } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';
import { aqiCategory } from './aqi.js';
import { compareOrdinalModels, fitOrdinalForecast, ordinalCovariates, ordinalData, type OrdinalRows } from './ordinal-forecast.js';
import { handSplit } from './test-support/hand-split.js';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Draws a category from a cumulative-logit model with boundary-specific slopes (not proportional odds). */
function drawCategory(random: SeededRandom, x: readonly number[], intercepts: readonly number[], slopes: readonly (readonly number[])[]): number {
  const u = random.uniform();
  for (let k = 0; k < intercepts.length; k += 1) {
    let eta = intercepts[k] ?? 0;
    x.forEach((v, c) => (eta += (slopes[k]?.[c] ?? 0) * v));
    if (u < sigmoid(eta)) return k;
  }
  return intercepts.length;
}

function synthetic(n: number, seed: number, binary: boolean): OrdinalRows {
  const random = SeededRandom.fromSeed(seed, 'ordinal-test');
  const intercepts = [-0.5, 0.8, 2.2];
  const slopes = binary ? [[1.5], [0.6], [-0.4]] : [[1.0, -0.5, 0.3], [0.8, -0.5, 0.3], [0.4, -0.2, 0.3]];
  const x: Float64Array[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const row = binary ? [random.uniform() < 0.5 ? 1 : 0] : [random.normal(), random.normal(), random.normal()];
    x.push(Float64Array.from(row));
    y.push(drawCategory(random, row, intercepts, slopes));
  }
  return { x, y };
}

function maxAbsDifference(a: readonly Float64Array[], b: readonly Float64Array[]): number {
  let d = 0;
  a.forEach((row, i) => row.forEach((v, k) => (d = Math.max(d, Math.abs(v - (b[i]?.[k] ?? Number.NaN))))));
  return d;
}

describe('compareOrdinalModels', () => {
  it('PRESTO at a λ above λ_max equals the proportional-odds fit', () => {
    const c = compareOrdinalModels({ train: synthetic(1500, 1, false), validation: synthetic(300, 2, false), test: synthetic(400, 3, false), lambdas: [1e3], tolerance: 1e-8 });
    expect(c.methods.map((m) => m.method)).toEqual(['presto', 'proportionalOdds', 'separateLogistic']);
    expect(c.numClasses).toBe(4);
    const [presto, po, separate] = c.testProbabilities;
    expect(maxAbsDifference(presto ?? [], po ?? [])).toBeLessThan(1e-4);
    // …and differs from the separate fits, which the data (non-parallel slopes) pull apart.
    expect(maxAbsDifference(presto ?? [], separate ?? [])).toBeGreaterThan(1e-2);
    expect(c.methods[0]?.test.brier).toBeCloseTo(c.methods[1]?.test.brier ?? Number.NaN, 5);
  });

  it('PRESTO at λ = 0 on a saturated design (one binary covariate) equals the separate logistic fits and the cell frequencies', () => {
    const train = synthetic(3000, 4, true);
    const test: OrdinalRows = { x: [Float64Array.of(0), Float64Array.of(1)], y: [0, 1] };
    const c = compareOrdinalModels({ train, validation: synthetic(200, 5, true), test, lambdas: [0], tolerance: 1e-8, maxIterations: 20_000 });
    const [presto, , separate] = c.testProbabilities;
    expect(maxAbsDifference(presto ?? [], separate ?? [])).toBeLessThan(1e-4);
    // Independent: the empirical category frequencies of each cell of x.
    const frequencies = [0, 1].map((cell) => {
      const counts = new Float64Array(6);
      let n = 0;
      train.x.forEach((row, i) => {
        if (row[0] !== cell) return;
        counts[train.y[i] ?? 0] = (counts[train.y[i] ?? 0] ?? 0) + 1;
        n += 1;
      });
      return counts.map((v) => v / n);
    });
    expect(maxAbsDifference(presto ?? [], frequencies)).toBeLessThan(1e-4);
  });

  it('picks λ on validation, reports rare categories and strict-JSON-ready headline scalars, deterministically', () => {
    const options = { train: synthetic(800, 6, false), validation: synthetic(400, 7, false), test: synthetic(400, 8, false), numLambdas: 5 };
    const c = compareOrdinalModels(options);
    expect(c.lambdaPath.lambdas).toHaveLength(5);
    expect(c.lambdaPath.converged).toEqual([true, true, true, true, true]);
    expect(c.lambdaPath.iterations.every((n) => n > 0 && n <= 2000)).toBe(true);
    const best = Math.min(...c.lambdaPath.validationBrier.map((b) => b ?? Number.POSITIVE_INFINITY));
    expect(c.methods[0]?.validationBrier).toBeCloseTo(best, 12);
    expect(c.lambdaPath.lambdas).toContain(c.methods[0]?.lambda);
    // The two rarest training categories, by an independent count.
    const counts = [0, 1, 2, 3].map((k) => Array.from(options.train.y).filter((y) => y === k).length);
    const rarest = [0, 1, 2, 3].sort((a, b) => (counts[a] ?? 0) - (counts[b] ?? 0) || b - a).slice(0, 2).sort();
    expect(c.rareCategories).toEqual(rarest);
    expect(Object.keys(c.headline)).toContain(`ordinalBrier${rarest[1]}.presto`);
    const { testProbabilities: _drop, ...json } = c;
    const { testProbabilities: _drop2, ...again } = compareOrdinalModels(options);
    const strip = (text: string): string => text.replace(/"fitMilliseconds": [0-9.e+-]+/g, '');
    expect(strip(strictJsonStringify(again))).toBe(strip(strictJsonStringify(json)));
  });

  it('rejects a training set that skips a category below the largest', () => {
    const rows: OrdinalRows = { x: [Float64Array.of(0), Float64Array.of(1), Float64Array.of(2)], y: [0, 2, 2] };
    expect(() => compareOrdinalModels({ train: rows, validation: rows, test: rows })).toThrow(/category 1/);
  });
});

// Windows: features PM2.5 and TEMP (normalised), history 3, one horizon (6) of one target (PM2.5, µg/m³).
const layout = { features: ['PM2.5', 'TEMP'], targets: ['PM2.5'], horizons: [6] };
function windowSplit(count: number, seed: number) {
  const random = SeededRandom.fromSeed(seed, 'ordinal-windows');
  const inputs: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const level = random.normal();
    for (let s = 0; s < 3; s += 1) inputs.push(level + 0.2 * random.normal(), random.normal());
    // Target in µg/m³ driven by the last PM2.5 input; every 10th target missing.
    raw.push(i % 10 === 9 ? Number.NaN : Math.max(2, 90 + 70 * (inputs[inputs.length - 2] ?? 0) + 25 * random.normal()));
  }
  return handSplit({ count, raw, persistence: raw.map(() => 0), inputs });
}

describe('ordinalCovariates / ordinalData', () => {
  it('takes the last step of every feature and the history mean of PM2.5, and drops missing targets', () => {
    const split = handSplit({ count: 2, raw: [40, Number.NaN], persistence: [0, 0], inputs: [1, 10, 2, 20, 6, 30, -1, 0, -2, 0, -3, 0] });
    expect(ordinalCovariates(split, layout.features).map((r) => Array.from(r))).toEqual([[6, 30, 3], [-3, 0, -2]]);
    const d = ordinalData(split, layout, 6);
    expect(Array.from(d.y)).toEqual([1]);
    expect(Array.from(d.windows)).toEqual([0]);
    expect(() => ordinalData(split, layout, 24)).toThrow(/horizon.*24/);
    expect(() => ordinalCovariates(split, ['TEMP', 'O3'])).toThrow(/PM2\.5/);
  });
});

describe('fitOrdinalForecast', () => {
  const splits = { train: windowSplit(1200, 11), validation: windowSplit(400, 12), test: windowSplit(400, 13) };

  it('fits on a seeded subsample and counts categories like an independent count', () => {
    const result = fitOrdinalForecast({ ...splits, layout, horizon: 6, sampleSize: 700, seed: 3, numLambdas: 4 });
    expect(result.trainAvailable).toBe(1200 - 120);
    expect(result.trainSample).toBe(700);
    expect(result.numFeatures).toBe(3);
    const independent = (split: typeof splits.test): number[] => {
      const counts = [0, 0, 0, 0, 0, 0];
      split.raw.forEach((v) => {
        if (Number.isNaN(v)) return;
        const c = v <= 35 ? 0 : v <= 75 ? 1 : v <= 115 ? 2 : v <= 150 ? 3 : v <= 250 ? 4 : 5;
        counts[c] = (counts[c] ?? 0) + 1;
      });
      return counts;
    };
    expect(result.categoryCounts.test).toEqual(independent(splits.test));
    expect(result.categoryCounts.validation).toEqual(independent(splits.validation));
    expect(result.categoryCounts.trainSample.reduce((s, c) => s + c, 0)).toBe(700);
    expect(result.methods.every((m) => m.test.count === 360)).toBe(true);
    // Informative covariates: every model beats the climatological Brier score of the test categories.
    const freq = result.categoryCounts.test.map((c) => c / 360);
    const climatology = Array.from(splits.test.raw)
      .filter((v) => !Number.isNaN(v))
      .reduce((s, v) => s + freq.reduce((t, f, k) => t + (f - (aqiCategory(v) === k ? 1 : 0)) ** 2, 0), 0) / 360;
    for (const m of result.methods) expect(m.test.brier).toBeLessThan(climatology);
    expect(() => strictJsonStringify(result)).not.toThrow();
    const again = fitOrdinalForecast({ ...splits, layout, horizon: 6, sampleSize: 700, seed: 3, numLambdas: 4 });
    expect(again.categoryCounts.trainSample).toEqual(result.categoryCounts.trainSample);
    expect(again.methods.map((m) => m.test.brier)).toEqual(result.methods.map((m) => m.test.brier));
  });

  it('rejects a bad sample size and an unknown horizon', () => {
    expect(() => fitOrdinalForecast({ ...splits, layout, horizon: 6, sampleSize: 1, seed: 1 })).toThrow(/sampleSize/);
    expect(() => fitOrdinalForecast({ ...splits, layout, horizon: 1, seed: 1 })).toThrow(/horizon/);
  });
});
