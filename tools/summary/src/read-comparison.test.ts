import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { summarizeRuns } from '@counterweight/experiment';
import { DataFileError } from '@counterweight/runtime/base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readComparison } from './read-comparison.js';

let dir: string;

/** What an app writes: summaries from the harness's summarizeRuns and runs with (LLM-style) learning curves. */
function metricsJson(): { summaries: unknown[]; runs: unknown[] } {
  const runs = ['uniform', 'linupper'].flatMap((method, m) =>
    [0, 1].map((repetition) => ({
      method,
      repetition,
      seed: 7 + repetition,
      result: { validationLoss: 2 - 0.1 * m - 0.01 * repetition, curve: [{ step: 0, validationLoss: 4 }, { step: 10, validationLoss: 2 - 0.1 * m }] },
    })),
  );
  const summaries = summarizeRuns(runs, { metrics: (r) => ({ validationLoss: r.validationLoss }), baseline: 'uniform' });
  return { summaries, runs };
}

async function folder(name: string, metrics: string | undefined, report = true): Promise<string> {
  const path = join(dir, name);
  await rm(path, { recursive: true, force: true });
  await mkdir(path, { recursive: true });
  if (metrics !== undefined) await writeFile(join(path, 'metrics.json'), metrics);
  if (report) await writeFile(join(path, 'report.md'), '# report\n');
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'read-comparison-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readComparison', () => {
  it('reads the summaries and the runs’ learning curves as the harness wrote them', async () => {
    const json = metricsJson();
    const comparison = await readComparison(await folder('ok', JSON.stringify(json)));
    expect(comparison.summaries).toEqual(JSON.parse(JSON.stringify(json.summaries)));
    expect(comparison.summaries[1]?.againstBaseline?.['validationLoss']?.mean).toBeCloseTo(-0.1, 12);
    expect(comparison.curves.map((c) => [c.method, c.repetition, c.points.length])).toEqual([
      ['uniform', 0, 2],
      ['uniform', 1, 2],
      ['linupper', 0, 2],
      ['linupper', 1, 2],
    ]);
  });

  const bad: Array<[string, (json: { summaries: unknown[]; runs: unknown[] }) => string | undefined, boolean, RegExp]> = [
    ['no metrics.json', () => undefined, true, /metrics\.json: no such file: the comparison has not finished/],
    ['no report.md', (j) => JSON.stringify(j), false, /report\.md: no such file: the comparison has not finished/],
    ['truncated JSON', () => '{"summaries": [', true, /metrics\.json: not valid JSON at line 1, column 16: .*the end of the text$/],
    ['binary bytes', () => '\u0000\u0001PK\u0003\u00ff', true, /metrics\.json: binary data at line 1, column 1, byte offset 0 \(byte 0x00, not text\); expected an app's metrics\.json as UTF-8 text$/],
    ['no summaries', (j) => JSON.stringify({ runs: j.runs }), true, /metrics\.json: summaries: expected an array$/],
    ['empty summaries', () => JSON.stringify({ summaries: [] }), true, /metrics\.json: summaries: expected at least one method$/],
    ['a mean that is a string', (j) => JSON.stringify(j).replace(/"mean":([-\d.e]+)/, '"mean":"$1"'), true, /metrics\.json: summaries\[0\]\.metrics\["validationLoss"\]\.mean: expected a finite number$/],
    ['an interval without its upper end', (j) => JSON.stringify(j).replace(/,"upper":[-\d.e]+/, ''), true, /summaries\[0\]\.metrics\["validationLoss"\]\.interval95\.upper: expected a finite number$/],
    ['a method without a name', (j) => JSON.stringify(j).replace('"method":"uniform"', '"method":""'), true, /summaries\[0\]\.method: expected a non-empty string$/],
    ['a curve point without a loss', (j) => JSON.stringify(j).replace('"validationLoss":4}', '"validationLoss":null}'), true, /runs\[0\]\.result\.curve\[0\]\.validationLoss: expected a finite number$/],
  ];
  it.each(bad)('%s: one DataFileError naming the file and the key path', async (name, make, report, message) => {
    const path = await folder(name.replace(/\W+/g, '-'), make(metricsJson()), report);
    const error = await readComparison(path).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(path);
    // One line, and none of the file's bytes echoed.
    const rest = (error as Error).message.replace(path, '');
    expect([...rest].filter((c) => c.charCodeAt(0) < 32 || c === '\u00ff')).toEqual([]);
    expect(rest).not.toContain('PK');
  });
});
