/**
 * A worker thread that trains loads the training runtime only: not vega, vega-lite or sharp (chart rendering and
 * image decoding belong to `@counterweight/reports` and the apps). Every app's run pool trains in such workers, so a
 * chart import coming back into the runtime's main entry would load vega and sharp once per worker again.
 */
import { once } from 'node:events';

import { describe, expect, it } from 'vitest';

import { startModuleWorker } from './parallel/task-pool.js';

interface WorkerReport {
  readonly steps: number;
  readonly resolved: readonly string[];
  readonly commonJs: readonly string[];
}

async function trainInWorker(alsoImport: readonly string[]): Promise<WorkerReport> {
  const worker = startModuleWorker(new URL('./test-support/train-in-worker.ts', import.meta.url), { workerData: { alsoImport } });
  try {
    const [report] = (await once(worker, 'message')) as [WorkerReport];
    return report;
  } finally {
    await worker.terminate();
  }
}

/** Loaded files of a package, by its directory in node_modules (ES modules resolved, or CommonJS cached). */
function loadedFrom(report: WorkerReport, pkg: string): string[] {
  const marker = `/node_modules/${pkg}/`;
  return [...report.resolved, ...report.commonJs].filter((file) => file.includes(marker));
}

describe('a worker thread that trains', () => {
  it('loads the runtime and tfjs but not vega, vega-lite or sharp', async () => {
    const report = await trainInWorker([]);
    expect(report.steps).toBe(1);
    // The detector sees what the worker did load: the runtime's source and tfjs.
    expect(report.resolved.some((url) => url.includes('/packages/runtime/src/index.ts'))).toBe(true);
    expect(loadedFrom(report, '@tensorflow/tfjs-core').length).toBeGreaterThan(0);
    for (const pkg of ['vega', 'vega-lite', 'sharp']) expect(loadedFrom(report, pkg), pkg).toEqual([]);
  }, 60_000);

  it('would show them: a worker that also imports @counterweight/reports has vega, vega-lite and sharp loaded', async () => {
    const report = await trainInWorker(['@counterweight/reports']);
    expect(report.steps).toBe(1);
    for (const pkg of ['vega', 'vega-lite', 'sharp']) expect(loadedFrom(report, pkg).length, pkg).toBeGreaterThan(0);
  }, 60_000);
});
