import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { QUANTILE_AGGREGATION_GRANULARITIES, TASK_WEIGHTING_METHODS } from '@counterweight/core-losses';

import {
  AUXILIARY_MEMBERS,
  computeAuxiliarySupport,
  renderAuxiliaryTable,
  WEIGHTER_TABLE_BEGIN,
  WEIGHTER_TABLE_END,
  type AuxiliaryMember,
  type AuxiliaryRow,
} from './support-table-weighters.js';
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

describe('task-weighter and quantile-aggregation table of packages/core-losses/README.md', () => {
  let rows: AuxiliaryRow[];
  const markers = { begin: WEIGHTER_TABLE_BEGIN, end: WEIGHTER_TABLE_END };
  const stripTensorflow = (t: string): string => t.replace(/ \| [^|]*\|$/gm, ' |');

  it('lists every weighting method and aggregation granularity, and is up to date with a fresh run', async () => {
    const names = AUXILIARY_MEMBERS.map((m) => m.name);
    for (const method of TASK_WEIGHTING_METHODS) expect(names.filter((n) => n.startsWith(`createTaskWeighter({ method: '${method}'`)), method).toHaveLength(1);
    for (const g of QUANTILE_AGGREGATION_GRANULARITIES) expect(names.filter((n) => n.startsWith(`QuantileAggregator (${g}`)), g).toHaveLength(1);
    expect(names.some((n) => n.startsWith('aggregateQuantiles'))).toBe(true);
    rows = await computeAuxiliarySupport();
    const current = extractSupportTable(await readFile(README, 'utf8'), markers);
    expect(current, 'the README has no support-table-weighters markers (run `npm run support-table`)').toBeDefined();
    const written = parseTable(current ?? '');
    const fresh = parseTable(renderAuxiliaryTable(rows));
    expect([...written.keys()]).toEqual(names);
    for (const name of names) expect(written.get(name)?.slice(0, 2), name).toEqual(fresh.get(name)?.slice(0, 2));
    expect(stripTensorflow(current ?? '')).toBe(stripTensorflow(renderAuxiliaryTable(rows)));
  });

  it('passes every weighter and aggregator on wasm and cpu', () => {
    for (const row of rows) {
      expect(row.backends.wasm.status, `${row.member.name}: ${row.backends.wasm.problem ?? ''}`).toBe('pass');
      expect(row.backends.cpu.status, `${row.member.name}: ${row.backends.cpu.problem ?? ''}`).toBe('pass');
    }
  });

  it('marks a member whose gradient is not finite, or that throws, as failing', async () => {
    const nanGradient: AuxiliaryMember = {
      name: 'nan gradient',
      problem: 'sqrt at 0',
      run: () => {
        const x = tf.variable(tf.zeros([1]), true);
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.sqrt(x)), [x]);
        const result = { value: value.dataSync()[0] ?? Number.NaN, grad: Array.from(grads[x.name]?.dataSync() ?? []) };
        tf.dispose([x, value, ...Object.values(grads)]);
        return result;
      },
    };
    const throwing: AuxiliaryMember = { name: 'throws', problem: '—', run: () => { throw new Error('bad shape'); } };
    const [nan, thrown] = await computeAuxiliarySupport([nanGradient, throwing], ['cpu']);
    expect(nan?.backends.cpu).toEqual({ status: 'fail', problem: 'non-finite value or gradient' });
    expect(thrown?.backends.cpu).toEqual({ status: 'fail', problem: 'bad shape' });
    expect(nan?.backends.wasm.status).toBe('n/a');
    expect(renderAuxiliaryTable([nan as AuxiliaryRow])).toContain('| ✗ (non-finite value or gradient) |');
  });
});
