import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { readComparableJson, withoutKeys } from './comparable-json.js';

const dir = mkdtempSync(join(tmpdir(), 'reliability-kit-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('withoutKeys', () => {
  it('drops the named keys at any depth and keeps everything else, arrays in order', () => {
    const metrics = { provenance: { host: 'a' }, runs: [{ seconds: 1.5, loss: [0.3, 0.2], dir: 'x' }, { seconds: 2, loss: [0.4] }], trainSeconds: 3 };
    expect(withoutKeys(metrics, ['provenance', 'seconds', 'trainSeconds', 'dir'])).toEqual({ runs: [{ loss: [0.3, 0.2] }, { loss: [0.4] }] });
    expect(withoutKeys(metrics, [])).toEqual(metrics);
  });

  it('reads a file the same way, so two runs that differ only in timings compare equal and any result difference shows', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify({ loss: 0.25, seconds: 1 }));
    writeFileSync(b, JSON.stringify({ loss: 0.25, seconds: 9 }));
    expect(await readComparableJson(a, ['seconds'])).toEqual(await readComparableJson(b, ['seconds']));
    writeFileSync(b, JSON.stringify({ loss: 0.26, seconds: 9 }));
    expect(await readComparableJson(a, ['seconds'])).not.toEqual(await readComparableJson(b, ['seconds']));
  });
});
