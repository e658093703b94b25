import { describe, expect, it } from 'vitest';

import { groupedBarChart } from './grouped-bar-chart.js';
import { ReportOptionError } from './report-option-error.js';
import { BLUE, ORANGE, inspectPng, render } from './test-support/png.js';

describe('groupedBarChart', () => {
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

  it('rejects non-finite values', () => {
    expect(() =>
      groupedBarChart({ title: 't', data: [{ c: 'a', g: 'x', v: Number.NaN }], category: 'c', group: 'g', value: 'v' }),
    ).toThrow(ReportOptionError);
    expect(() => groupedBarChart({ title: 't', data: [{ c: 'a', g: 'x', v: 1, e: 'wide' }], category: 'c', group: 'g', value: 'v', error: 'e' })).toThrow(
      'error: field "e" must hold finite numbers',
    );
  });
});
