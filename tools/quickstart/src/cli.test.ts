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

  it('rejects bad flags with a message naming the flag', async () => {
    const badRecipe = await quickstart('--recipes', 'ce,ldam');
    expect(badRecipe.code).not.toBe(0);
    expect(badRecipe.stderr).toMatch(/--recipes <list>.*unknown recipe "ldam"; known: ce, cb-ce, focal, cb-focal/);
    const badEpochs = await quickstart('--epochs', '0');
    expect(badEpochs.stderr).toMatch(/--epochs <n>.*expected an integer >= 1, got "0"/);
    const resume = await quickstart('--resume', '--out', root);
    expect(resume.code).toBe(1);
    expect(resume.stderr).toMatch(/--resume: needs --run-id of the run to continue/);
  });
});
