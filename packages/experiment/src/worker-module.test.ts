import { describe, expect, it } from 'vitest';

import { workerModuleBeside } from './worker-module.js';

describe('workerModuleBeside', () => {
  it('names the worker module beside the caller, .ts from sources and .js from the build', () => {
    expect(workerModuleBeside('file:///repo/apps/x/src/experiment/compare.ts').href).toBe('file:///repo/apps/x/src/experiment/run-worker.ts');
    expect(workerModuleBeside('file:///repo/apps/x/dist/experiment/compare.js').href).toBe('file:///repo/apps/x/dist/experiment/run-worker.js');
    expect(workerModuleBeside('file:///repo/tools/q/src/run.ts', 'pool-worker').href).toBe('file:///repo/tools/q/src/pool-worker.ts');
  });
});
