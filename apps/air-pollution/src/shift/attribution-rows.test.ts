import { describe, expect, it } from 'vitest';

import { attributionRows } from './attribution-rows.js';
import { covariateSummary } from './covariate-summary.js';
import { resolveShiftDomains } from './shift-domains.js';
import { shiftWindows } from './shift-windows.js';
import { syntheticTable } from './test-support/synthetic-table.js';

const table = syntheticTable({ Dongsi: 90, Dingling: 40 });
const { windows } = shiftWindows(table, resolveShiftDomains(table, {}), { history: 3, horizons: [1, 2], stride: 1 });
const split = windows.test;
const V = windows.targets.length;
const H = windows.horizons.length;
const v = windows.targets.indexOf('PM2.5');
// knock out one PM2.5 target: that window must leave the attribution rows
split.raw[(5 * H + 1) * V + v] = Number.NaN;

describe('covariateSummary', () => {
  it('is the weather variables and the last PM2.5 at the forecast origin, in the windows’ normalised units', () => {
    const s = covariateSummary(windows, split, 'PM2.5');
    expect(s.columns).toEqual(['TEMP', 'PM2.5']);
    const F = windows.features.length;
    const last = (windows.history - 1) * F;
    for (const i of [0, 7, split.count - 1]) {
      expect(s.matrix.data[i * 2]).toBe(split.inputs[i * windows.history * F + last + windows.features.indexOf('TEMP')]);
      expect(s.matrix.data[i * 2 + 1]).toBe(split.inputs[i * windows.history * F + last + windows.features.indexOf('PM2.5')]);
    }
    expect(() => covariateSummary(windows, split, 'SO2')).toThrow(/--variable: SO2 is not an input of the windows/);
  });
});

describe('attributionRows', () => {
  it('keeps windows with PM2.5 observed at every horizon; loss = mean over horizons of |forecast − observed|', () => {
    const point = Float32Array.from({ length: split.count * H * V }, (_, k) => 40 + (k % 17));
    const rows = attributionRows(windows, split, point, 'PM2.5');
    expect(rows.rows).toBe(split.count - 1);
    expect(rows.weatherColumns).toEqual(['TEMP']);
    expect(rows.targetColumns).toEqual(['PM2.5@+1', 'PM2.5@+2']);
    const kept = Array.from({ length: split.count }, (_, i) => i).filter((i) => i !== 5);
    kept.forEach((i, r) => {
      let sum = 0;
      for (let h = 0; h < H; h++) sum += Math.abs(point[(i * H + h) * V + v]! - split.raw[(i * H + h) * V + v]!);
      expect(rows.loss[r]).toBeCloseTo(sum / H, 4);
      expect(rows.table['PM2.5@+2']![r]).toBe(split.raw[(i * H + 1) * V + v]);
    });
    expect(() => attributionRows(windows, split, point.subarray(1), 'PM2.5')).toThrow(/forecasts for/);
  });
});
