import { describe, expect, it } from 'vitest';

import { heatmap } from './heatmap.js';
import { ReportOptionError } from './report-option-error.js';
import { inspectPng, render } from './test-support/png.js';

describe('heatmap', () => {
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

  it('rejects ragged, mislabelled or non-finite matrices, naming the option', () => {
    expect(() => heatmap({ title: 't', values: [[1, 2], [3]], rowLabels: ['a', 'b'], columnLabels: ['x', 'y'] })).toThrow('values[1]');
    expect(() => heatmap({ title: 't', values: [[1]], rowLabels: ['a', 'b'], columnLabels: ['x'] })).toThrow(ReportOptionError);
    expect(() => heatmap({ title: 't', values: [[1, 2]], rowLabels: ['a'], columnLabels: ['x', 'x'] })).toThrow('must not repeat');
    expect(() => heatmap({ title: 't', values: [[Number.NaN]], rowLabels: ['a'], columnLabels: ['x'] })).toThrow('values[0][0]');
  });
});
