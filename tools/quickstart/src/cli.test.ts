import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { runSourceCli, type CliRun } from '@counterweight/experiment/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = resolve(import.meta.dirname, 'cli.ts');

const quickstart = (...args: string[]): Promise<CliRun> => runSourceCli(CLI, args);

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cw-quickstart-cli-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('counterweight-quickstart CLI', () => {
  it('runs on the embedded sample and prints one line per recipe and seed plus the report path', async () => {
    const { code, stdout, stderr } = await quickstart('--recipes', 'ce,focal', '--seeds', '1', '--epochs', '2', '--out', root, '--run-id', 'cli');
    expect(code).toBe(0);
    expect(stderr).toMatch(/^backend: wasm/m);
    expect(stdout).toMatch(/^ce {8}seed 0 {2}logloss \d\.\d{4} {2}AUC \d\.\d{4}/m);
    expect(stdout).toMatch(/^focal {5}seed 0 /m);
    expect(stdout.trim().split('\n').at(-1)).toBe(`report: ${join(root, 'quickstart', 'cli', 'report.md')}`);
  });

  it('prints no per-epoch lines when its output is not a terminal (progress on: COUNTERWEIGHT_QUIET=0)', async () => {
    // 2 recipes × 2 seeds × 10 epochs: 40 epochs, which used to print 40 lines; off a terminal the harness prints at
    // most one line per 10 % of the work (and per 5 s), plus the last.
    const run = await runSourceCli(CLI, ['--recipes', 'ce,focal', '--seeds', '2', '--epochs', '10', '--out', root, '--run-id', 'piped'], {
      COUNTERWEIGHT_BACKEND: 'wasm',
      COUNTERWEIGHT_QUIET: '0',
      CI: '',
    });
    expect(run.code).toBe(0);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^backend: wasm/);
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(lines.at(-1)).toMatch(/^4 run\(s\) 40\/40 \(/);
    for (const line of lines) expect(line).not.toMatch(/^epoch \d+\/\d+/);
  });

  it('rejects bad flags with one line naming the flag and pointing at --help', async () => {
    const badRecipe = await quickstart('--recipes', 'ce,ldam');
    expect(badRecipe.code).not.toBe(0);
    expect(badRecipe.stderr).toMatch(/--recipes <list>.*unknown recipe "ldam"; known: ce, cb-ce, focal, cb-focal/);
    const badEpochs = await quickstart('--epochs', '0');
    expect(badEpochs.stderr).toBe(
      `error: option '--epochs <n>' argument '0' is invalid. expected an integer >= 1, got "0" (see counterweight-quickstart --help)\n`,
    );
    const unknown = await quickstart('--epoch', '3');
    expect(unknown.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^error: unknown option '--epoch'.* \(see counterweight-quickstart --help\)\n$/);
    const resume = await quickstart('--resume', '--out', root);
    expect(resume.code).toBe(1);
    expect(resume.stderr).toBe('counterweight-quickstart: --resume: needs --run-id of the run to continue\n');
    const unknownRun = await quickstart('--resume', '--run-id', 'unknown', '--out', root);
    expect(unknownRun.code).toBe(1);
    expect(unknownRun.stderr).toMatch(/^counterweight-quickstart: --run-id: there is no directory to resume at .*unknown; check the name/m);
  });
});
