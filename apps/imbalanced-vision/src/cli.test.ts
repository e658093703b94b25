import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { runSourceCli, type CliRun } from '@counterweight/experiment/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from './data/test-support/fixtures.js';

const CLI = resolve(import.meta.dirname, 'cli.ts');

const vision = (...args: string[]): Promise<CliRun> => runSourceCli(CLI, args);

let root: string;
beforeAll(async () => {
  root = await tempDir('cli');
});
afterAll(removeTempDirs);

describe('imbalanced-vision CLI', () => {
  it('compares recipes on the embedded sample, prints a line per recipe and the report path, then exports and predicts', async () => {
    const out = join(root, 'cmp');
    const compare = await vision('compare', '--recipes', 'ce,la-loss', '--seeds', '1', '--epochs', '2', '--imbalance-ratio', '10', '--jobs', '1', '--out', out);
    expect(compare.stderr).toMatch(/^backend: wasm/m);
    expect(compare.code).toBe(0);
    expect(compare.stdout).toMatch(/^ce {13}balancedAccuracy \d+\.\d ± 0\.0 {2}head \d+\.\d {2}mid \d+\.\d {2}tail \d+\.\d$/m);
    expect(compare.stdout).toMatch(/^la-loss /m);
    expect(compare.stdout.trim().split('\n').at(-1)).toBe(`report: ${out}/report.md (2 run(s) trained now, 0 reused)`);
    const model = join(root, 'ce.onnx');
    const exported = await vision('export', '--run', join(out, 'runs', 'ce', 'seed-0'), '--out', model);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/ce\.onnx: ce, \d+ nodes, opset 13/);
    expect(existsSync(model)).toBe(true);
  }, 120_000);

  it('fails with a message naming the bad argument', async () => {
    const ratio = await vision('compare', '--imbalance-ratio', '0.5', '--out', join(root, 'x'));
    expect(ratio.code).toBe(1);
    expect(ratio.stderr).toMatch(/--imbalance-ratio.*expected a number >= 1/);
    // One line, the last thing on screen, pointing at the command's help (not the 50 lines of help itself).
    expect(ratio.stderr).toMatch(/^error: option '--imbalance-ratio <rho>' argument '0\.5' is invalid\. .* \(see imbalanced-vision compare --help\)\n$/);
    const recipe = await vision('compare', '--recipes', 'ce,oops', '--out', join(root, 'y'));
    expect(recipe.code).toBe(1);
    expect(recipe.stderr).toMatch(/imbalanced-vision: --recipes: unknown single-label recipe "oops"/);
    const run = await vision('export', '--run', root, '--out', join(root, 'z.onnx'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/model\.json: does not exist: not a run folder of `compare`/);
    const predict = await vision('predict', '--model', join(root, 'missing.onnx'), 'a.png');
    expect(predict.code).toBe(1);
    expect(predict.stderr).toMatch(/missing\.onnx/);
  }, 60_000);
});
