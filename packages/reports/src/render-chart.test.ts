import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';

import { lineChart } from './line-chart.js';
import { renderChartPng } from './render-chart.js';
import { ReportError } from './report-error.js';
import { ReportOptionError } from './report-option-error.js';
import { history } from './test-support/png.js';

describe('renderChartPng errors', () => {
  it('throws ReportError when vega-lite rejects the spec', async () => {
    const spec = { mark: 'no-such-mark', data: { values: [{ a: 1 }] } } as unknown as TopLevelSpec;
    await expect(renderChartPng(spec)).rejects.toBeInstanceOf(ReportError);
    await expect(renderChartPng(spec)).rejects.toThrow(/vega-lite cannot compile the chart spec/);
  });

  it('throws ReportError when an expression does not parse', async () => {
    const spec: TopLevelSpec = {
      data: { values: [{ a: 1 }] },
      transform: [{ calculate: 'datum.a +* 2', as: 'b' }],
      mark: 'point',
      encoding: { x: { field: 'b', type: 'quantitative' } },
    };
    await expect(renderChartPng(spec)).rejects.toBeInstanceOf(ReportError);
    await expect(renderChartPng({ ...spec, transform: [{ calculate: 'nosuchfunction(datum.a)', as: 'b' }] })).rejects.toThrow(
      'vega cannot render the chart: Unrecognized function: nosuchfunction',
    );
  });

  it('throws ReportError for errors vega only logs while running the dataflow', async () => {
    const spec: TopLevelSpec = {
      data: { values: [{ a: 1 }] },
      transform: [{ calculate: 'datum.a.b.c', as: 'b' }],
      mark: 'point',
      encoding: { x: { field: 'b', type: 'quantitative' } },
    };
    await expect(renderChartPng(spec)).rejects.toThrow(/vega cannot render the chart/);
  });

  it('throws ReportError when data cannot be loaded instead of drawing an empty chart', async () => {
    const spec: TopLevelSpec = {
      data: { url: '/nonexistent/counterweight-missing.csv' },
      mark: 'point',
      encoding: { x: { field: 'a', type: 'quantitative' } },
    };
    await expect(renderChartPng(spec)).rejects.toThrow(/vega cannot render the chart: Loading failed/);
  });

  it('does not modify the caller\'s spec or rows', async () => {
    const rows = [{ x: 1, y: 2 }, { x: 2, y: 3 }];
    const spec = lineChart({ title: 'copy', data: rows, x: 'x', y: 'y' });
    const before = JSON.stringify(spec);
    await renderChartPng(spec, { scale: 1 });
    expect(JSON.stringify(spec)).toBe(before);
    expect(Object.getOwnPropertySymbols(rows[0])).toEqual([]);
    expect(Object.getOwnPropertySymbols((spec.data as { values: object[] }).values[0])).toEqual([]);
  });

  it('rejects a bad scale', async () => {
    await expect(renderChartPng(lineChart({ title: 't', data: history, x: 'epoch', y: 'train loss' }), { scale: 0 })).rejects.toBeInstanceOf(ReportOptionError);
  });
});
