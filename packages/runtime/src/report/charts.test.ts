import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';

import { ConfigError } from '../errors.js';
import { groupedBarChart, heatmap, lineChart, reliabilityDiagram, renderChartPng, scatterChart } from './charts.js';
import { ReportError } from './report-error.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** vega's default categorical colours (tableau10): the first two series. */
const BLUE: readonly [number, number, number] = [0x4c, 0x78, 0xa8];
const ORANGE: readonly [number, number, number] = [0xf5, 0x85, 0x18];

interface PixelSummary {
  readonly width: number;
  readonly height: number;
  /** Share of pixels that are clearly not white. */
  readonly inked: number;
  /** Number of pixels within a small distance of `colour`. */
  near(colour: readonly [number, number, number]): number;
}

async function inspectPng(png: Buffer): Promise<PixelSummary> {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const metadata = await sharp(png).metadata();
  expect(metadata.format).toBe('png');
  const stats = await sharp(png).stats();
  expect(stats.isOpaque).toBe(true);
  // Not blank: some channel is dark somewhere, and the image is not one flat colour.
  expect(Math.min(...stats.channels.map((c) => c.min))).toBeLessThan(60);
  expect(Math.max(...stats.channels.slice(0, 3).map((c) => c.stdev))).toBeGreaterThan(10);
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixels = info.width * info.height;
  let inked = 0;
  for (let i = 0; i < data.length; i += 3) {
    if ((data[i] ?? 255) < 200 || (data[i + 1] ?? 255) < 200 || (data[i + 2] ?? 255) < 200) inked += 1;
  }
  return {
    width: info.width,
    height: info.height,
    inked: inked / pixels,
    near(colour) {
      let count = 0;
      for (let i = 0; i < data.length; i += 3) {
        const d = Math.abs((data[i] ?? 0) - colour[0]) + Math.abs((data[i + 1] ?? 0) - colour[1]) + Math.abs((data[i + 2] ?? 0) - colour[2]);
        if (d < 40) count += 1;
      }
      return count;
    },
  };
}

async function render(spec: TopLevelSpec, scale?: number): Promise<{ png: Buffer; warnings: string[] }> {
  const warnings: string[] = [];
  const png = await renderChartPng(spec, { ...(scale === undefined ? {} : { scale }), onWarning: (m) => warnings.push(m) });
  return { png, warnings };
}

const history = Array.from({ length: 12 }, (_, i) => ({
  epoch: i + 1,
  'train loss': 0.7 * Math.exp(-i / 4) + 0.1,
  'validation loss': 0.72 * Math.exp(-i / 5) + 0.16,
}));

describe('renderChartPng with the builders', () => {
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

  it('renders a grouped bar chart with error bars', async () => {
    const classes = ['admin.', 'blue-collar', 'technician', 'services'];
    const methods = ['plain', 'class-weighted'];
    const data = classes.flatMap((c, i) => methods.map((m, j) => ({ job: c, method: m, accuracy: 0.6 + 0.05 * i + 0.03 * j, std: 0.02 })));
    const spec = groupedBarChart({ title: 'Accuracy per job', data, category: 'job', group: 'method', value: 'accuracy', error: 'std', valueDomain: [0, 1] });
    const { png, warnings } = await render(spec);
    expect(warnings).toEqual([]);
    const summary = await inspectPng(png);
    expect(summary.inked).toBeGreaterThan(0.05);
    // Bars are big blocks of colour.
    expect(summary.near(BLUE)).toBeGreaterThan(20_000);
    expect(summary.near(ORANGE)).toBeGreaterThan(20_000);
  });

  it('clamps error bars to a fixed value domain', () => {
    const spec = groupedBarChart({
      title: 't',
      data: [{ c: 'a', g: 'x', v: 0.98, e: 0.05 }],
      category: 'c',
      group: 'g',
      value: 'v',
      error: 'e',
      valueDomain: [0, 1],
    }) as { transform: { calculate: string; as: string }[] };
    expect(spec.transform.map((t) => t.calculate)).toEqual(['clamp(datum["v"] - datum["e"], 0, 1)', 'clamp(datum["v"] + datum["e"], 0, 1)']);
    const open = groupedBarChart({ title: 't', data: [{ c: 'a', g: 'x', v: 0.98, e: 0.05 }], category: 'c', group: 'g', value: 'v', error: 'e' }) as {
      transform: { calculate: string }[];
    };
    expect(open.transform[1]?.calculate).toBe('datum["v"] + datum["e"]');
  });

  it('accepts numeric categories (class ids)', async () => {
    const data = [0, 1, 2].flatMap((label) => ['a', 'b'].map((method) => ({ label, method, recall: 0.5 + label / 10 })));
    const { png, warnings } = await render(groupedBarChart({ title: 'Recall', data, category: 'label', group: 'method', value: 'recall' }));
    expect(warnings).toEqual([]);
    expect((await inspectPng(png)).near(BLUE)).toBeGreaterThan(5_000);
  });

  it('renders a confusion-matrix heatmap with counts', async () => {
    const spec = heatmap({
      title: 'Confusion matrix',
      values: [
        [35_210, 1_338],
        [2_718, 1_922],
      ],
      rowLabels: ['no', 'yes'],
      columnLabels: ['no', 'yes'],
      rowTitle: 'actual',
      columnTitle: 'predicted',
    });
    const { png, warnings } = await render(spec);
    expect(warnings).toEqual([]);
    const summary = await inspectPng(png);
    expect(summary.inked).toBeGreaterThan(0.1);
    // The largest count gets the darkest blue of the scheme, and its text turns white.
    expect(summary.near([0x08, 0x45, 0x94])).toBeGreaterThan(1_000);
    expect(JSON.stringify(spec)).toContain('"format":",d"');
  });

  it('renders a reliability diagram with two series and bin counts', async () => {
    const bins = ['plain', 'focal'].flatMap((series, k) =>
      Array.from({ length: 10 }, (_, i) => ({ predicted: (i + 0.5) / 10, observed: ((i + 0.5) / 10) ** (k === 0 ? 1.6 : 1.1), count: 100 + i, series })),
    );
    const { png, warnings } = await render(reliabilityDiagram({ title: 'Calibration', bins }));
    expect(warnings).toEqual([]);
    const summary = await inspectPng(png);
    // Square plot 360 x 360 at scale 2, plus axes and legend.
    expect(summary.height).toBeGreaterThan(720);
    expect(summary.near(BLUE)).toBeGreaterThan(500);
    expect(summary.near(ORANGE)).toBeGreaterThan(500);
    const single = await render(reliabilityDiagram({ title: 'One model', bins: bins.slice(0, 10).map(({ predicted, observed }) => ({ predicted, observed })) }));
    expect(single.warnings).toEqual([]);
    expect((await inspectPng(single.png)).near(BLUE)).toBeGreaterThan(500);
  });
});

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
    await expect(renderChartPng(lineChart({ title: 't', data: history, x: 'epoch', y: 'train loss' }), { scale: 0 })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('builder validation', () => {
  it('rejects inputs that would draw a wrong or empty chart', () => {
    expect(() => lineChart({ title: 't', data: [], x: 'epoch', y: 'loss' } as never)).toThrow(ConfigError);
    expect(() => lineChart({ title: 't', data: history, x: 'epoch', y: ['train loss'], series: 'epoch' })).toThrow(ConfigError);
    expect(() => lineChart({ title: 't', data: [{ x: 1, y: 'high' }], x: 'x', y: 'y' })).toThrow('field "y" must hold numbers');
    expect(() => heatmap({ title: 't', values: [[1, 2], [3]], rowLabels: ['a', 'b'], columnLabels: ['x', 'y'] })).toThrow('values[1]');
    expect(() => heatmap({ title: 't', values: [[1]], rowLabels: ['a', 'b'], columnLabels: ['x'] })).toThrow(ConfigError);
    expect(() => heatmap({ title: 't', values: [[1, 2]], rowLabels: ['a'], columnLabels: ['x', 'x'] })).toThrow('must not repeat');
    expect(() => heatmap({ title: 't', values: [[Number.NaN]], rowLabels: ['a'], columnLabels: ['x'] })).toThrow('values[0][0]');
    expect(() => reliabilityDiagram({ title: 't', bins: [{ predicted: 1.2, observed: 0.5 }] })).toThrow('bins[0].predicted');
    expect(() =>
      groupedBarChart({ title: 't', data: [{ c: 'a', g: 'x', v: Number.NaN }], category: 'c', group: 'g', value: 'v' }),
    ).toThrow('finite numbers');
    expect(() => lineChart({ title: 't', data: history, x: 'epoch', y: 'train loss', width: 5 })).toThrow(ConfigError);
  });
});

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
    expect(() => scatterChart({ title: 't', data: [], x: 'a', y: 'b' })).toThrow(ConfigError);
    expect(() => scatterChart({ title: 't', data: [{ a: 'x', b: 1 }], x: 'a', y: 'b' })).toThrow(/field "a" must hold finite numbers/);
  });
});
