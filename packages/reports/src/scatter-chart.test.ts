import { describe, expect, it } from 'vitest';

import { renderChartPng } from './render-chart.js';
import { ReportOptionError } from './report-option-error.js';
import { scatterChart } from './scatter-chart.js';
import { BLUE, ORANGE, inspectPng } from './test-support/png.js';

describe('scatterChart', () => {
  it('renders coloured, labelled points with error bars', async () => {
    const spec = scatterChart({
      title: 'Welfare against logloss',
      data: [
        { loss: 'logloss', logloss: 0.25, welfare: 0.77, sx: 0.002, sy: 0.004, tag: 'λ=1' },
        { loss: 'welfare', logloss: 0.41, welfare: 0.80, sx: 0.01, sy: 0.006, tag: 'λ=0' },
      ],
      x: 'logloss',
      y: 'welfare',
      series: 'loss',
      label: 'tag',
      xError: 'sx',
      yError: 'sy',
    });
    const summary = await inspectPng(await renderChartPng(spec));
    expect(summary.near(BLUE)).toBeGreaterThan(20);
    expect(summary.near(ORANGE)).toBeGreaterThan(20);
  });

  it('rejects empty data and non-numeric axes, naming the option', () => {
    expect(() => scatterChart({ title: 't', data: [], x: 'a', y: 'b' })).toThrow(ReportOptionError);
    expect(() => scatterChart({ title: 't', data: [{ a: 'x', b: 1 }], x: 'a', y: 'b' })).toThrow(/field "a" must hold finite numbers/);
  });
});
