import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ConfigError, DataFileError } from '../errors.js';
import { SHARED_DATA_ENV, sharedDataDir } from './shared-data.js';

describe('sharedDataDir', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cw-shared-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds ../shared/data next to the repository root from this package', () => {
    const found = sharedDataDir({ env: {} });
    expect(existsSync(join(found, 'SOURCES.md'))).toBe(true);
    expect(existsSync(join(found, 'uci-bank-marketing'))).toBe(true);
    // The repository root is the directory whose package.json is named "counterweight".
    expect(found).toBe(resolve(import.meta.dirname, '..', '..', '..', '..', '..', 'shared', 'data'));
  });

  it('walks up from any start path inside a repository', async () => {
    const repo = join(dir, 'layout', 'repo');
    await mkdir(join(repo, 'packages', 'x', 'src'), { recursive: true });
    await writeFile(join(repo, 'package.json'), JSON.stringify({ name: 'counterweight' }));
    // A nested package.json with another name is not the root.
    await writeFile(join(repo, 'packages', 'x', 'package.json'), JSON.stringify({ name: '@counterweight/x' }));
    const expected = join(dir, 'layout', 'shared', 'data');

    expect(() => sharedDataDir({ env: {}, from: join(repo, 'packages', 'x', 'src') })).toThrow(DataFileError);
    expect(() => sharedDataDir({ env: {}, from: join(repo, 'packages', 'x', 'src') })).toThrow(expected);

    await mkdir(expected, { recursive: true });
    expect(sharedDataDir({ env: {}, from: join(repo, 'packages', 'x', 'src', 'file.ts') })).toBe(expected);
  });

  it('honours COUNTERWEIGHT_SHARED_DATA and names it when it is wrong', async () => {
    const custom = join(dir, 'custom-data');
    await mkdir(custom);
    expect(sharedDataDir({ env: { [SHARED_DATA_ENV]: custom } })).toBe(custom);

    const wrong = join(dir, 'nope');
    expect(() => sharedDataDir({ env: { [SHARED_DATA_ENV]: wrong } })).toThrow(ConfigError);
    expect(() => sharedDataDir({ env: { [SHARED_DATA_ENV]: wrong } })).toThrow(`${SHARED_DATA_ENV}: "${wrong}"`);
  });

  it('names the start path when there is no repository root above it', async () => {
    const outside = join(dir, 'outside');
    await mkdir(outside);
    expect(() => sharedDataDir({ env: {}, from: outside })).toThrow(DataFileError);
    expect(() => sharedDataDir({ env: {}, from: outside })).toThrow(`${outside}: no repository root`);
  });
});
