// Reliability: every bad station table and mapping of the corpus (made from the real Dongsi file; the table of cases —
// name, how it was made, what the error must mention — is test-support/station-table-corpus.ts) ends in one clear
// line naming the file and the row, column or key. Most cases run in-process through the loader the CLI uses
// (`loadStationData`, `readMappingFile`); a representative handful through the real CLI, which must also leave
// nothing behind in the output folder.
import { mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

import { cleanFailureProblems, filesAdded, listFiles, runCommand, sourceCli, type CommandRun } from '@counterweight/reliability-kit';
import { ConfigError, DataFileError } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadStationData } from './load-data.js';
import { readMappingFile } from './mapping.js';
import { writeStationTableCorpus, type CorpusCase, type CorpusLoader } from './test-support/station-table-corpus.js';
import { removeTempDirs, tempDir } from './test-support/temp.js';

const CLI = resolve(import.meta.dirname, '..', 'cli.ts');

let dir: string;
let cases: CorpusCase[];
beforeAll(async () => {
  dir = await tempDir('corpus');
  cases = await writeStationTableCorpus(join(dir, 'corpus'));
});
afterAll(removeTempDirs);

/** The file a case's message must name: the bad mapping, or else the bad table. */
const badFile = (c: CorpusCase): string => (c.loader === 'mapping' && !c.name.startsWith('absent-') ? basename(c.mapping ?? '') : basename(c.data));

/** An in-process failure judged by the CLI's rules: as if `air-pollution: <message>` were its stderr. */
function asRun(message: string): CommandRun {
  return { code: 1, signal: null, stdout: '', stderr: `air-pollution: ${message}\n`, timedOut: false, ms: 0 };
}

/** Loads a case the way `compare` does (mapping file, then the table read and aligned); resolves with the error. */
async function loadError(c: CorpusCase): Promise<unknown> {
  try {
    await loadStationData({ source: c.data, threads: 1, ...(c.mapping === undefined ? {} : { mapping: readMappingFile(c.mapping) }) });
  } catch (error) {
    return error;
  }
  return undefined;
}

const COUNTS: Record<CorpusLoader, number> = { csv: 27, parquet: 5, arrow: 5, mapping: 13 };

describe('station table corpus, in-process (loadStationData / readMappingFile)', () => {
  it('has the cases of every loader', () => {
    const counts = Object.fromEntries((Object.keys(COUNTS) as CorpusLoader[]).map((l) => [l, cases.filter((c) => c.loader === l).length]));
    expect(counts).toEqual(COUNTS);
  });

  it.each((Object.keys(COUNTS) as CorpusLoader[]).flatMap((l) => Array.from({ length: COUNTS[l] }, (_, i) => [l, i] as const)))(
    '%s case %i ends in a typed one-line error naming the file and the place',
    async (loader, index) => {
      const c = cases.filter((x) => x.loader === loader)[index] as CorpusCase;
      const error = await loadError(c);
      expect(error, `${c.name} (${c.made}) was read without an error`).toBeDefined();
      expect(error instanceof DataFileError || error instanceof ConfigError, `${c.name}: ${String(error)}`).toBe(true);
      const message = (error as Error).message;
      expect(cleanFailureProblems(asRun(message), { mentions: [badFile(c), ...c.mentions], maxLines: 1 }), c.made).toEqual([]);
    },
  );
});

describe('station table corpus, through the CLI (compare, shift): one line, nothing written to --out', () => {
  const byName = (name: string): CorpusCase => {
    const found = cases.find((c) => c.name === name);
    if (found === undefined) throw new Error(`no corpus case ${name}`);
    return found;
  };
  const cliCases: readonly { readonly command: 'compare' | 'shift'; readonly name: string; readonly mentions: readonly string[] }[] = [
    { command: 'compare', name: 'binary.csv', mentions: ['binary.csv', 'gzip'] },
    { command: 'compare', name: 'a-folder.csv', mentions: ['a-folder.csv', 'is a folder'] },
    { command: 'compare', name: 'mapping.yaml', mentions: ['mapping.yaml', 'line 1, column 1'] },
    { command: 'shift', name: 'duplicate-timestamp.csv', mentions: ['duplicate-timestamp.csv', 'row 12', 'duplicate timestamp'] },
  ];
  it.concurrent.each(cliCases)('$command on $name', async ({ command, name, mentions }) => {
    const c = byName(name);
    const outRoot = join(dir, 'cli', command, name);
    await mkdir(outRoot, { recursive: true });
    const before = listFiles(outRoot);
    const args = [command, '--data', c.data, ...(c.mapping === undefined ? [] : ['--mapping', c.mapping]), '--epochs', '1', '--seeds', '1', '--out', join(outRoot, 'out')];
    const run = await runCommand(...sourceCli(CLI, args), { timeoutMs: 240_000 });
    expect(cleanFailureProblems(run, { mentions })).toEqual([]);
    expect(filesAdded(outRoot, before)).toEqual([]);
  });
});
