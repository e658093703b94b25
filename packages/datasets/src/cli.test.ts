import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { cleanFailureProblems, runCommand, sourceCli } from '@counterweight/reliability-kit';
import { sharedDataDir } from '@counterweight/runtime';
import { afterAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from './test-support/index.js';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

afterAll(removeTempDirs);

// Two spawns only (each costs ~2.5 s of CPU to start); the fetcher's cases are tested in-process in fetch-dataset.test.ts.
describe.concurrent('counterweight-fetch-data (offline: never the network)', () => {
  it('prints a table saying which copy each file is, and exits non-zero naming what is missing', async () => {
    const dir = await tempDir('cli');
    const run = await runCommand(...sourceCli(CLI, ['tinyshakespeare', 'open-bandit', '--offline', '--dir', dir]), { timeoutMs: 60_000 });
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^data set +file +result +where \(or why missing\)$/);
    expect(lines.find((l) => l.startsWith('tinyshakespeare '))).toMatch(new RegExp(`^tinyshakespeare +input\\.txt +local copy +${sharedDataDir()}/tinyshakespeare/input\\.txt\\.gz \\(shared data\\)$`));
    expect(lines[1]).toMatch(new RegExp(`^open-bandit +random/men/men\\.csv +local copy +${sharedDataDir()}/open-bandit-dataset/random/men/men\\.csv\\.gz \\(shared data\\)$`));
    expect(lines.filter((l) => /^\S+ +\S+ +local copy /.test(l))).toHaveLength(11);
    expect(lines.filter((l) => /^open-bandit +(random|bts)\/all\/all\.csv +MISSING +no local copy holds this file/.test(l))).toHaveLength(2);
    expect(lines.at(-1)).toBe('13 files: 11 available and verified (0 downloaded, 0 cached, 11 from local copies), 2 missing');
    expect(
      cleanFailureProblems(run, {
        mentions: ['counterweight-fetch-data: 2 files missing: open-bandit random/all/all.csv, open-bandit bts/all/all.csv', 'run without --offline'],
        maxLines: 1,
      }),
    ).toEqual([]);
    expect(await readdir(dir)).toEqual([]); // nothing copied: local copies are used in place
  });

  it('answers an unknown data set with one line listing the known ones, and writes nothing', async () => {
    const dir = await tempDir('cli-unknown');
    const run = await runCommand(...sourceCli(CLI, ['tinystories', 'mnist', '--dir', dir]), { timeoutMs: 60_000 });
    expect(cleanFailureProblems(run, { mentions: ['unknown data set "mnist"; known: fashion-mnist, beijing-multisite, open-bandit, bank-marketing, tinyshakespeare, tinystories (or all)'], maxLines: 1 })).toEqual([]);
    expect(run.stdout).toBe('');
    expect(await readdir(dir)).toEqual([]);
  });
});
