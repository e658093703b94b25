import { homedir } from 'node:os';

import { repositoryRoot } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { collectProvenance, scrubPaths } from './provenance.js';
import { readingAgainstBaseline, renderReport, summaryTable } from './report.js';
import { summarizeRuns } from './summary.js';

const runs = [
  ...[0.5, 0.52, 0.48].map((acc, r) => ({ method: 'ce', repetition: r, seed: r, result: { acc } })),
  ...[0.6, 0.63, 0.59].map((acc, r) => ({ method: 'better', repetition: r, seed: r, result: { acc } })),
  ...[0.45, 0.56, 0.47].map((acc, r) => ({ method: 'noisy', repetition: r, seed: r, result: { acc } })),
];
const summaries = summarizeRuns(runs, { metrics: (r) => r, baseline: 'ce' });

describe('readingAgainstBaseline', () => {
  it('gives each method’s paired difference with its interval and what the interval says', () => {
    const lines = readingAgainstBaseline(summaries, 'ce', { metric: 'acc', label: 'accuracy', scale: 100, unit: 'pp' });
    expect(lines[0]).toBe('Difference in accuracy against `ce`, method minus baseline, paired by seed:');
    // better − ce = 0.10, 0.11, 0.11: mean 10.7 pp, every seed clearly above zero.
    expect(lines[2]).toMatch(/^- `better`: \+10\.7 pp \(95 % interval \+9\.2 to \+12\.1, 3 paired seeds\): better than `ce`\.$/);
    // noisy − ce = −0.05, +0.04, −0.01: the interval contains zero.
    expect(lines[3]).toMatch(/^- `noisy`: −0\.7 pp \(95 % interval −11\.9 to \+10\.5, 3 paired seeds\): not distinguishable from `ce`\.$/);
    const lower = readingAgainstBaseline(summaries, 'ce', { metric: 'acc', label: 'error', higherIsBetter: false, digits: 2 });
    expect(lower[2]).toMatch(/worse than `ce`\.$/);
    expect(readingAgainstBaseline(summaries.slice(0, 1), 'ce', { metric: 'acc', label: 'accuracy' })[0]).toMatch(/^No method to compare/);
  });
});

describe('renderReport', () => {
  it('puts the sections in the skeleton’s order and no absolute path of this machine in the text', () => {
    const root = repositoryRoot();
    const text = renderReport({
      title: 'toy: comparison',
      settings: [`Data: \`${root}/apps/toy/data\`, cached in ${homedir()}/.cache/toy.`],
      results: { caption: '(%, mean ± std over 3 seeds)', table: summaryTable(summaries, [{ metric: 'acc', title: 'accuracy ↑', scale: 100, digits: 1 }]) },
      reading: ['reading'],
      sections: [{ heading: 'Methods', lines: ['- `ce`: plain'] }],
      charts: [{ caption: 'Accuracy', file: 'accuracy.png' }],
      provenance: collectProvenance({ toy: '1.0.0' }),
    });
    const headings = text.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '# toy: comparison',
      '## Settings',
      '## Results (%, mean ± std over 3 seeds)',
      '## Against the baseline',
      '## Methods',
      '## Charts',
      '## Provenance',
    ]);
    expect(text).toContain('Data: `./apps/toy/data`, cached in ~/.cache/toy.');
    expect(text).toContain('| `better` | 60.7 ± 2.1 |');
    expect(text).toContain('![Accuracy](accuracy.png)');
    expect(text).toMatch(/- Versions: node \d+\.\d+\.\d+, tfjs 4\.22\.0, toy 1\.0\.0/);
    expect(text).toMatch(/- Machine: .*\d+ logical cores, \d+\.\d GiB/);
    expect(text).not.toContain(root);
    expect(text).not.toContain(homedir());
  });

  it('scrubPaths replaces the repository root and the home directory', () => {
    expect(scrubPaths(`${repositoryRoot()}/runs/x and ${repositoryRoot()}`)).toBe('./runs/x and .');
    expect(scrubPaths('/usr/share/data')).toBe('/usr/share/data');
    // Only whole path segments: a sibling folder whose name starts with the root's name is not the root.
    expect(scrubPaths(`${repositoryRoot()}2/x, ${repositoryRoot()}-old`)).toBe(`${repositoryRoot()}2/x, ${repositoryRoot()}-old`);
    expect(scrubPaths(`"${repositoryRoot()}"`)).toBe('"."');
  });
});
