import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { cleanFailureProblems, filesAdded, listFiles, runCommand, sourceCli } from '@counterweight/reliability-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { embeddedShakespeare, lineOfByte, sharedShakespeareGzipPath, spliceBytes } from './data/test-support/real-text.js';
import { removeTempDirs, tempDir } from './data/test-support/temp.js';

// A representative handful of the bad inputs, through the real command line (each spawn costs ~2.5 s of start-up, so
// the rest of the corpus is checked in-process beside each loader): each must fail with at most three short lines on
// stderr naming the file (or flag) and the place, no stack, no echoed bytes, and leave nothing in --out.

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const TINY = ['--layers', '1', '--heads', '2', '--width', '32', '--context', '32', '--steps', '10', '--eval-every', '5', '--warmup', '2', '--seeds', '1', '--strategies', 'uniform'];
const INVALID_AT = 12_345;

let dir: string;
beforeAll(async () => {
  dir = await tempDir('cli-reliability');
});
afterAll(removeTempDirs);

interface CliCase {
  readonly name: string;
  /** Makes the input; returns the arguments after the command and what stderr must mention. */
  readonly make: (out: string) => { args: string[]; mentions: ReadonlyArray<string | RegExp> };
}

const CASES: readonly CliCase[] = [
  {
    name: 'compare --corpus with invalid UTF-8 (TinyShakespeare with a 0xFF byte)',
    make: (out) => {
      const text = embeddedShakespeare().subarray(0, 40_000);
      const path = join(dir, 'invalid-utf8.txt');
      writeFileSync(path, spliceBytes(text, INVALID_AT, [0xff]));
      return { args: ['compare', '--corpus', path, ...TINY, '--out', out], mentions: [basename(path), `row ${lineOfByte(text, INVALID_AT)}`, `byte offset ${INVALID_AT}`] };
    },
  },
  {
    name: 'compare --corpus given a folder (EISDIR before)',
    make: (out) => {
      const path = join(dir, 'corpus-folder');
      mkdirSync(path, { recursive: true });
      return { args: ['compare', '--corpus', path, ...TINY, '--out', out], mentions: [basename(path), 'is a folder'] };
    },
  },
  {
    name: 'compare --corpus given the shared TinyShakespeare .gz renamed .txt (binary as text)',
    make: (out) => {
      const path = join(dir, 'binary.txt');
      copyFileSync(sharedShakespeareGzipPath(), path);
      return { args: ['compare', '--corpus', path, ...TINY, '--out', out], mentions: [basename(path), 'row 1', 'NUL byte'] };
    },
  },
  {
    name: 'generate --model given a folder',
    make: () => {
      const path = join(dir, 'model-folder.onnx');
      mkdirSync(path, { recursive: true });
      return { args: ['generate', '--model', path, '--prompt', 'ROMEO:'], mentions: [basename(path), 'is a folder'] };
    },
  },
];

describe('llm-reweighting CLI: bad input ends in one clear line and no output', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, testCase) => {
    const out = join(dir, `out-${CASES.indexOf(testCase)}`);
    const before = listFiles(out);
    const { args, mentions } = testCase.make(out);
    const run = await runCommand(...sourceCli(cli, args), { timeoutMs: 60_000 });
    expect(cleanFailureProblems(run, { mentions })).toEqual([]);
    expect(filesAdded(out, before)).toEqual([]);
  });
});
