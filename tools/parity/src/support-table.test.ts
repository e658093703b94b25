import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { computeSupport, extractSupportTable, renderSupportTable, type SupportRow } from './support-table.js';

const SHARED_PARITY = resolve(import.meta.dirname, '../../../../shared/parity');
const README = resolve(import.meta.dirname, '../../../packages/core-losses/README.md');

/** Cells of the README table by function and column (wasm, cpu, tensorflow). */
function parseTable(table: string): Map<string, [string, string, string]> {
  const rows = new Map<string, [string, string, string]>();
  for (const line of table.split('\n').filter((l) => l.startsWith('| `'))) {
    const cells = line.split(' | ');
    const name = (cells[0] ?? '').replace(/^\| `|`$/g, '');
    const [wasm = '', cpu = '', tensorflow = ''] = cells.slice(-3);
    rows.set(name, [wasm, cpu, tensorflow.replace(/ \|$/, '')]);
  }
  return rows;
}

describe('backend-support table of packages/core-losses/README.md', () => {
  let rows: SupportRow[];

  it('is up to date with a fresh run on every backend that loads here (run `npm run support-table` if not)', async () => {
    rows = await computeSupport(SHARED_PARITY);
    const fresh = parseTable(renderSupportTable(rows));
    const current = extractSupportTable(await readFile(README, 'utf8'));
    expect(current, 'the README has no support-table markers').toBeDefined();
    const written = parseTable(current ?? '');
    expect([...written.keys()]).toEqual([...fresh.keys()]);
    for (const row of rows) {
      const [wasm, cpu, tensorflow] = fresh.get(row.entry.name) ?? ['', '', ''];
      const [wWasm, wCpu, wTensorflow] = written.get(row.entry.name) ?? ['', '', ''];
      expect([wWasm, wCpu], row.entry.name).toEqual([wasm, cpu]);
      // The tensorflow column can only be checked where tfjs-node loads.
      if (row.backends.tensorflow.status !== 'n/a') expect(wTensorflow, row.entry.name).toBe(tensorflow);
    }
    // Metadata columns come from LOSS_CATALOG: the whole table must match the rendering but for the tensorflow cells.
    const stripTensorflow = (t: string): string => t.replace(/ \| [^|]*\|$/gm, ' |');
    expect(stripTensorflow(current ?? '')).toBe(stripTensorflow(renderSupportTable(rows)));
  });

  it('passes every loss on wasm and cpu', () => {
    for (const row of rows) {
      expect(row.backends.wasm.status, `${row.entry.name}: ${row.backends.wasm.problem ?? ''}`).toBe('pass');
      expect(row.backends.cpu.status, `${row.entry.name}: ${row.backends.cpu.problem ?? ''}`).toBe('pass');
    }
  });
});
