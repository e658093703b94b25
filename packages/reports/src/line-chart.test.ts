import { describe, expect, it } from 'vitest';

import { lineChart } from './line-chart.js';
import { ReportOptionError } from './report-option-error.js';
import { BLUE, ORANGE, history, inspectPng, render } from './test-support/png.js';

describe('lineChart', () => {
  it('renders a line chart (two series from wide rows) at the requested scale', async () => {
    const spec = lineChart({ title: 'Loss per epoch', data: history, x: 'epoch', y: ['train loss', 'validation loss'], yTitle: 'loss' });
    const { png, warnings } = await render(spec, 1);
    const { png: png2 } = await render(spec, 2);
    expect(warnings).toEqual([]);
    const one = await inspectPng(png);
    const two = await inspectPng(png2);
    // Plot 560 x 320 plus axes, title and legend.
    expect(one.width).toBeGreaterThan(560);
    expect(one.height).toBeGreaterThan(320);
    expect(Math.abs(two.width - 2 * one.width)).toBeLessThanOrEqual(1);
    expect(Math.abs(two.height - 2 * one.height)).toBeLessThanOrEqual(1);
    expect(one.inked).toBeGreaterThan(0.01);
    expect(one.inked).toBeLessThan(0.5);
    // Both lines are drawn in their colours.
    expect(two.near(BLUE)).toBeGreaterThan(500);
    expect(two.near(ORANGE)).toBeGreaterThan(500);
  });

  it('renders a line chart from long rows with a series field, in order of first appearance', async () => {
    const rows = history.flatMap((h) => [
      { epoch: h.epoch, split: 'train', loss: h['train loss'] },
      { epoch: h.epoch, split: 'validation', loss: h['validation loss'] },
    ]);
    const spec = lineChart({ title: 'Loss', data: rows, x: 'epoch', y: 'loss', series: 'split', yScale: 'log' });
    expect(JSON.stringify(spec)).toContain('"domain":["train","validation"]');
    const { png, warnings } = await render(spec);
    expect(warnings).toEqual([]);
    const summary = await inspectPng(png);
    expect(summary.near(BLUE)).toBeGreaterThan(500);
    expect(summary.near(ORANGE)).toBeGreaterThan(500);
  });

  it('puts text x values on an ordinal axis in data order', async () => {
    const rows = ['warm-up', 'phase 1', 'phase 2'].map((phase, i) => ({ phase, loss: 1 / (i + 1) }));
    const spec = lineChart({ title: 'Phases', data: rows, x: 'phase', y: 'loss' });
    expect(JSON.stringify(spec)).toContain('"type":"ordinal","sort":null');
    const { png, warnings } = await render(spec);
    expect(warnings).toEqual([]);
    expect((await inspectPng(png)).near(BLUE)).toBeGreaterThan(300);
  });

  it('handles field names with dots and brackets', async () => {
    const rows = [1, 2, 3].map((step) => ({ step, 'emp.var.rate': step * 0.5, 'a[0]': step }));
    const { png, warnings } = await render(lineChart({ title: 'Dotted', data: rows, x: 'step', y: ['emp.var.rate', 'a[0]'] }));
    expect(warnings).toEqual([]);
    const summary = await inspectPng(png);
    expect(summary.near(BLUE)).toBeGreaterThan(200);
    expect(summary.near(ORANGE)).toBeGreaterThan(200);
  });

  it('rejects inputs that would draw a wrong or empty chart, naming the option', () => {
    expect(() => lineChart({ title: 't', data: [], x: 'epoch', y: 'loss' } as never)).toThrow(ReportOptionError);
    expect(() => lineChart({ title: 't', data: history, x: 'epoch', y: ['train loss'], series: 'epoch' })).toThrow(ReportOptionError);
    expect(() => lineChart({ title: 't', data: [{ x: 1, y: 'high' }], x: 'x', y: 'y' })).toThrow('field "y" must hold numbers');
    expect(() => lineChart({ title: 't', data: history, x: 'epoch', y: 'train loss', width: 5 })).toThrow('width: must be a number of pixels');
  });
});
