import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { initBackend, type BackendName } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { formatReport, runParity } from './run.js';
import { VectorFileError } from './vectors.js';

const SHARED_PARITY = resolve(import.meta.dirname, '../../../../shared/parity');
/** Cases of the vector files this losses cover; all must pass, none may be skipped. */
const IMPLEMENTED = { sigmoid_focal_loss: 3, softmax_focal_loss: 6, cb_weights: 15, ldam_drw: 6, logit_adjustment: 6, vs_loss: 9, asl: 6, asl_optimized: 6, asl_single_label: 3, cb_softmax: 6, cb_sigmoid: 6, cb_focal: 6, ranknet_pairwise_logistic: 3, softmax_listwise: 3, kendall_uncertainty: 9, huber: 3, log_cosh: 3, pinball: 3, aircast_freq_mae: 3, ntl_mse: 6, ntl_was: 6 };

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'cw-parity-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe.each<BackendName>(['cpu', 'wasm'])('parity over ../shared/parity on %s', (backend) => {
  it('passes every case of every implemented loss and skips (never passes) the others', async () => {
    await initBackend(backend, { log: null });
    const report = await runParity(SHARED_PARITY);
    const failures = report.cases.filter((c) => c.status === 'failed');
    expect(failures.map((c) => `${c.loss}/${c.id}: ${formatReport({ ...report, cases: [c] })[0] ?? ''}`)).toEqual([]);
    for (const [loss, n] of Object.entries(IMPLEMENTED)) {
      expect(report.cases.filter((c) => c.loss === loss && c.status === 'passed')).toHaveLength(n);
    }
    for (const c of report.cases.filter((c) => c.status === 'passed')) {
      expect(c.comparisons.length).toBeGreaterThan(0);
      // Gradients are part of parity wherever the vectors have them (`grad`, or named ones such as `grad_log_vars`).
      if (c.loss !== 'cb_weights') expect(c.comparisons.some((cmp) => cmp.key === 'grad' || cmp.key.startsWith('grad_'))).toBe(true);
    }
    expect(report.skipped).toBe(report.cases.filter((c) => !(c.loss in IMPLEMENTED)).length);
    // Every shared vector file has an implementation: nothing is skipped.
    expect(report.skipped).toBe(0);
    expect(formatReport(report).at(-1)).toBe(`${report.passed} passed, 0 failed, ${report.skipped} skipped`);
  });
});

/** Float64 torchvision sigmoid focal loss (alpha 0.25, gamma 2), for vectors the test makes itself. */
function focal64(x: number, t: number): number {
  const logSig = (v: number): number => -(Math.max(-v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
  const p = 1 / (1 + Math.exp(-x));
  const ce = -(t * logSig(x) + (1 - t) * logSig(-x));
  return (0.25 * t + 0.75 * (1 - t)) * ce * (t * (1 - p) + (1 - t) * p) ** 2;
}

function nested(values: number[], cols: number): number[][] {
  return Array.from({ length: values.length / cols }, (_, r) => values.slice(r * cols, (r + 1) * cols));
}

describe('parity harness on vectors it has never seen', () => {
  it('accepts other seeds and shapes, and fails a perturbed reference', async () => {
    await initBackend('cpu', { log: null });
    const rows = 9;
    const cols = 7;
    let state = 42;
    const rand = (): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const x = Array.from({ length: rows * cols }, () => (rand() - 0.5) * 12);
    const t = Array.from({ length: rows * cols }, () => (rand() < 0.3 ? 1 : 0));
    const none = x.map((v, i) => focal64(v, t[i] ?? 0));
    const mean = none.reduce((a, b) => a + b, 0) / none.length;
    const h = 1e-6;
    const grad = x.map((v, i) => (focal64(v + h, t[i] ?? 0) - focal64(v - h, t[i] ?? 0)) / (2 * h) / none.length);
    const file = {
      loss: 'sigmoid_focal_loss',
      source: { repo: 'test', path: 'run.test.ts', commit: 'generated' },
      cases: [
        {
          id: 'seed42_9x7',
          seed: 42,
          params: { alpha: 0.25, gamma: 2 },
          inputs: { logits: nested(x, cols), targets: nested(t, cols) },
          grad_of: 'loss_mean w.r.t. logits',
          expected: { loss_none: nested(none, cols), loss_mean: mean, grad: nested(grad, cols) },
        },
      ],
    };
    const good = join(scratch, 'good');
    const bad = join(scratch, 'bad');
    await mkdir(good);
    await mkdir(bad);
    await writeFile(join(good, 'sigmoid_focal_loss.json'), JSON.stringify(file));
    const perturbed = structuredClone(file);
    const firstCase = perturbed.cases[0];
    if (firstCase === undefined) throw new Error('unreachable');
    firstCase.expected.loss_mean = mean * (1 + 1e-3);
    await writeFile(join(bad, 'sigmoid_focal_loss.json'), JSON.stringify(perturbed));

    const passing = await runParity(good);
    expect([passing.passed, passing.failed, passing.skipped]).toEqual([1, 0, 0]);
    const failing = await runParity(bad);
    expect([failing.passed, failing.failed, failing.skipped]).toEqual([0, 1, 0]);
    expect(formatReport(failing)[0]).toMatch(/^FAIL sigmoid_focal_loss\/seed42_9x7 .*✗loss_mean abs/);
  });

  it('fails (does not silently pass) a case whose params it does not understand', async () => {
    await initBackend('cpu', { log: null });
    const dir = join(scratch, 'unknown-param');
    const source = JSON.parse(await readFile(join(SHARED_PARITY, 'sigmoid_focal_loss.json'), 'utf8')) as {
      cases: Array<{ params: Record<string, unknown> }>;
    };
    source.cases = source.cases.slice(0, 1);
    const only = source.cases[0];
    if (only === undefined) throw new Error('unreachable');
    only.params['reduction'] = 'sum';
    await mkdir(dir);
    await writeFile(join(dir, 'sigmoid_focal_loss.json'), JSON.stringify(source));
    const report = await runParity(dir);
    expect(report.failed).toBe(1);
    expect(report.cases[0]?.reason).toMatch(/params "reduction" not understood/);
  });

  it('names the file when a vector file is malformed', async () => {
    const dir = join(scratch, 'malformed');
    await mkdir(dir);
    await writeFile(join(dir, 'broken.json'), '{"loss": "x", "cases": 3}');
    await expect(runParity(dir)).rejects.toThrow(VectorFileError);
    await expect(runParity(dir)).rejects.toThrow(/broken\.json: field "cases" must be an array/);
  });
});
