import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { Command } from 'commander';
import { describe, expect, it } from 'vitest';

import { addComparisonOptions, defaultJobs, inFlagTerms } from './program.js';
import { runSourceCli } from './run-cli.js';

const DEMO = resolve(import.meta.dirname, 'test-support', 'demo-cli.ts');

describe('addComparisonOptions', () => {
  it('adds --seed --seeds --jobs --out --backend --quiet with their defaults and checks', async () => {
    let seen: unknown;
    const command = addComparisonOptions(new Command('compare').exitOverride(), { seeds: 3, out: 'runs/x' }).action((flags) => {
      seen = flags;
    });
    await command.parseAsync(['--seed', '2', '--jobs', '1', '--backend', 'wasm'], { from: 'user' });
    expect(seen).toMatchObject({ seed: 2, seeds: 3, jobs: 1, out: 'runs/x', backend: 'wasm' });
    await command.parseAsync([], { from: 'user' });
    expect(seen).toMatchObject({ seed: 0, jobs: defaultJobs() });
    expect(command.options.map((o) => o.long)).toEqual(['--seed', '--seeds', '--jobs', '--out', '--backend', '--quiet']);
  });
});

describe('runProgram', () => {
  it('prints a flag error as one line pointing at --help of the command, as the last thing on screen', async () => {
    for (const args of [
      ['compare', '--out', 'x', '--epochs', '0'],
      ['compare', '--out', 'x', '--sed', '1'],
      ['compare'],
      ['compare', '--out', 'x', '--seeds', 'two'],
    ]) {
      const run = await runSourceCli(DEMO, args);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: .* \(see demo compare --help\)$/);
    }
    const bad = await runSourceCli(DEMO, ['compare', '--out', 'x', '--epochs', '0']);
    expect(bad.stderr).toBe(`error: option '--epochs <n>' argument '0' is invalid. expected an integer >= 1, got "0" (see demo compare --help)\n`);
  });

  it('prints an error of the action as one line naming the program, with exit code 1', async () => {
    const run = await runSourceCli(DEMO, ['compare', '--out', 'x', '--epochs', '13']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('demo: --epochs: unlucky\n');
    const ok = await runSourceCli(DEMO, ['compare', '--out', 'x', '--seeds', '2', '--jobs', '1']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ out: 'x', seeds: 2, jobs: 1, epochs: 5 });
  });
});

describe('runProgram on Ctrl-C', () => {
  it('removes the file it was writing, says how to resume and exits with 130', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cw-sigint-'));
    try {
      const child = spawn(process.execPath, ['--conditions=@counterweight/source', '--import', 'tsx', DEMO, 'write', join(dir, 'out')]);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('writing')) child.kill('SIGINT');
      });
      const code = await new Promise<number | null>((done) => child.on('close', done));
      expect(code).toBe(130);
      expect(stderr).toMatch(/^\ndemo: interrupted; no partial file was kept — run the same command again to resume/);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('inFlagTerms', () => {
  it("speaks of the flags a user typed instead of the API's option names", () => {
    const program = new Command('vision');
    program.command('compare').option('--n-max <n>').option('--imbalance-ratio <rho>').option('--epochs <n>');
    expect(inFlagTerms('nMax: class 0 has 150 images; lower imbalanceRatio or validationPerClass, or raise nMax (after 3 epochs)', program)).toBe(
      '--n-max: class 0 has 150 images; lower --imbalance-ratio or validationPerClass, or raise --n-max (after 3 epochs)',
    );
    expect(inFlagTerms('nMaxima and x-nMax stay', program)).toBe('nMaxima and x-nMax stay');
  });
});
