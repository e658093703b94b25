import { describe, expect, it } from 'vitest';

import { ReportOptionError } from './report-option-error.js';
import { formatMeanStd, formatNumber, markdownTable, meanAndStd } from './markdown.js';

describe('markdownTable', () => {
  it('pads columns and applies alignment', () => {
    const table = markdownTable(
      ['method', 'accuracy', 'n'],
      [
        ['plain', '0.812 ± 0.004', 5],
        ['focal loss', '0.830 ± 0.003', 5],
      ],
      { align: ['left', 'center', 'right'] },
    );
    expect(table).toBe(
      [
        '| method     | accuracy      |   n |',
        '| :--------- | :-----------: | --: |',
        '| plain      | 0.812 ± 0.004 |   5 |',
        '| focal loss | 0.830 ± 0.003 |   5 |',
        '',
      ].join('\n'),
    );
  });

  it('escapes pipes and backslashes and turns line breaks into <br>', () => {
    const table = markdownTable(['a|b', 'c'], [['x | y', 'back\\slash\nnext']]);
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toBe(`| a\\|b   | ${'c'.padEnd('back\\\\slash<br>next'.length)} |`);
    expect(lines[2]).toBe('| x \\| y | back\\\\slash<br>next |');
    // Every line has the same number of unescaped pipes: 3 for 2 columns.
    for (const line of lines) expect(line.match(/(?<!\\)\|/g)).toHaveLength(3);
  });

  it('rejects rows of the wrong length and bad alignment lists', () => {
    expect(() => markdownTable(['a', 'b'], [['1']])).toThrow(ReportOptionError);
    expect(() => markdownTable(['a', 'b'], [['1']])).toThrow('rows[0]');
    expect(() => markdownTable(['a'], [], { align: ['left', 'right'] })).toThrow('align');
    expect(() => markdownTable([], [])).toThrow(ReportOptionError);
    expect(markdownTable(['only'], [])).toBe('| only |\n| :--- |\n');
  });
});

describe('formatNumber', () => {
  it('formats with fixed decimals and handles edge cases', () => {
    expect(formatNumber(0.81234)).toBe('0.812');
    expect(formatNumber(0.8125, 2)).toBe('0.81');
    expect(formatNumber(41188, 0)).toBe('41188');
    expect(formatNumber(-0.0001)).toBe('-1.000e-4');
    expect(formatNumber(-0.0004, 3)).toBe('-4.000e-4');
    expect(formatNumber(-0.0000001, 1)).toBe('-1.0e-7');
    expect(formatNumber(-0.00049, 2)).toBe('-4.90e-4');
    expect(formatNumber(-0.004, 2)).toBe('-4.00e-3');
    expect(formatNumber(-0.0006)).toBe('-0.001');
    expect(formatNumber(-0, 3)).toBe('0.000');
    expect(formatNumber(0)).toBe('0.000');
    expect(formatNumber(2e-5)).toBe('2.000e-5');
    expect(formatNumber(1.5e20, 2)).toBe('1.50e+20');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(Infinity)).toBe('∞');
    expect(formatNumber(-Infinity)).toBe('-∞');
    expect(() => formatNumber(1, 1.5)).toThrow(ReportOptionError);
  });
});

describe('formatMeanStd', () => {
  it('reports mean ± sample standard deviation', () => {
    expect(formatMeanStd([0.808, 0.812, 0.816])).toBe('0.812 ± 0.004');
    expect(formatMeanStd(new Float32Array([1, 3]), 1)).toBe('2.0 ± 1.4');
    expect(formatMeanStd([0.5])).toBe('0.500');
    expect(formatMeanStd([1, Number.NaN])).toBe('NaN ± NaN');
    expect(() => formatMeanStd([])).toThrow(ReportOptionError);
  });
});

describe('meanAndStd', () => {
  it('gives the mean and the sample standard deviation (n − 1), 0 for one value', () => {
    const { mean, std } = meanAndStd([0.808, 0.812, 0.816]);
    expect(mean).toBeCloseTo(0.812, 12);
    expect(std).toBeCloseTo(0.004, 12);
    expect(meanAndStd(Float64Array.of(2, 4, 4, 4, 5, 5, 7, 9)).std).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(meanAndStd([3])).toEqual({ mean: 3, std: 0 });
    expect(() => meanAndStd([])).toThrow(/values: must not be empty/);
  });
});
