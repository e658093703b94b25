import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { filesAdded, listFiles } from './output-files.js';

const dir = mkdtempSync(join(tmpdir(), 'reliability-kit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('filesAdded', () => {
  it('lists new and changed files, recursively, and nothing for an absent folder', () => {
    writeFileSync(join(dir, 'kept.txt'), 'a');
    writeFileSync(join(dir, 'grown.txt'), 'a');
    const before = listFiles(dir);
    mkdirSync(join(dir, 'runs'));
    writeFileSync(join(dir, 'runs', 'partial.json'), '{');
    writeFileSync(join(dir, 'grown.txt'), 'ab');
    expect(filesAdded(dir, before)).toEqual(['grown.txt', join('runs', 'partial.json')]);
    expect(listFiles(join(dir, 'absent')).size).toBe(0);
  });
});
