import { initBackend } from '@counterweight/runtime';
import { NO_TORCH_BODY, answersTorchVersion, checkedOneThreadRecord, useFakePythons } from '@counterweight/bench-kit/test-support';
import { describe, expect, it } from 'vitest';

import { createForecastModel } from '../models/index.js';
import { findTorchPython } from '@counterweight/bench-kit';

import { TORCH_FORECASTER_SCRIPT, peerArguments, runTorchPeer, torchPeer, type TorchPeerSpec } from './torch-peer.js';

const TINY: TorchPeerSpec = {
  history: 4,
  features: 3,
  weather: 2,
  pollutants: 1,
  horizons: 2,
  hidden: 8,
  layers: 2,
  headHidden: 4,
  batchSize: 16,
  steps: 3,
  repetitions: 2,
  seed: 1,
  learningRate: 0.01,
};

const pythons = useFakePythons('air-pollution-peer-');

describe('runTorchPeer', () => {
  it('runs one process per thread count with its own environment and the spec as flags', async () => {
    const python = await pythons.create(
      'echo-env',
      [
        'echo "not json"',
        `echo "{\\"backend\\":\\"torch\\",\\"threads\\":$OMP_NUM_THREADS,\\"samplesPerSec\\":100,\\"blasThreads\\":\\"$OPENBLAS_NUM_THREADS\\",\\"core\\":\\"\${OPENBLAS_CORETYPE:-unset}\\",\\"l2\\":\\"\${OPENBLAS_L2_SIZE:-unset}\\",\\"argv\\":\\"$*\\"}"`,
      ].join('\n'),
    );
    const records = await runTorchPeer(python, TINY, [1, 2], { env: { ...process.env, OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_L2_SIZE: '512' } });
    expect(records.map((r) => [r.threads, r['blasThreads'], r['core'], r['l2']])).toEqual([
      [1, '1', 'unset', 'unset'],
      [2, '2', 'unset', 'unset'],
    ]);
    expect(String(records[0]?.['argv'])).toBe(`${TORCH_FORECASTER_SCRIPT} ${peerArguments(TINY, 1).join(' ')}`);
    expect(peerArguments(TINY, 2)).toContain('--head-hidden');
  });

  it('turns a crash without a record into an error record naming the exit code and the last stderr line', async () => {
    const python = await pythons.create('crash', 'echo "Traceback" >&2; echo "RuntimeError: boom" >&2; exit 3');
    const records = await runTorchPeer(python, TINY, [1]);
    expect(records).toHaveLength(1);
    expect(records[0]?.error).toMatch(/exited with code 3: RuntimeError: boom$/);
    const missing = await runTorchPeer(pythons.path('no-such-python'), TINY, [1]);
    expect(missing[0]?.error).toMatch(/ENOENT/);
  });
});

describe('torchPeer', () => {
  it('is unavailable, with the reason, when no interpreter imports torch', async () => {
    const noTorch = await pythons.create('no-torch', NO_TORCH_BODY);
    const outcome = await torchPeer(TINY, [1], { pythons: [noTorch, pythons.path('absent')] });
    expect(outcome.status).toBe('unavailable');
    if (outcome.status === 'unavailable') expect(outcome.reason).toMatch(/^no Python that can import torch \(tried .*no-torch, .*absent;/);
    const found = await findTorchPython(process.env, [noTorch]);
    expect(found.found).toBeUndefined();
  });

  it('is unavailable with the first error when every thread count fails', async () => {
    const broken = await pythons.create('broken', answersTorchVersion('echo \'{"backend":"torch","threads":1,"error":"RuntimeError: no BLAS"}\''));
    const outcome = await torchPeer(TINY, [1, 2], { pythons: [broken] });
    expect(outcome).toEqual({ status: 'unavailable', reason: 'RuntimeError: no BLAS' });
  });

  it('runs the real script: the same parameter count as the tfjs MLP, finite losses, or the import error', async () => {
    await initBackend('cpu', { log: null });
    const record = checkedOneThreadRecord(await torchPeer(TINY, [1]), TINY);
    if (record === undefined) return; // no Python with torch here: the reason said so
    expect(record.samplesPerSec).toBeGreaterThan(0);
    const model = createForecastModel(
      { kind: 'mlp', hidden: TINY.hidden, layers: TINY.layers, headHidden: TINY.headHidden, kernelSize: 3 },
      { history: TINY.history, features: TINY.features, weatherOutputs: TINY.horizons * TINY.weather, pollutantOutputs: TINY.horizons * TINY.pollutants },
      1,
    );
    try {
      expect(record.parameterCount).toBe(model.parameterCount);
    } finally {
      model.dispose();
    }
  }, 120_000);
});
