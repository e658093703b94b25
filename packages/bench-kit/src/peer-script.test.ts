import { describe, expect, it } from 'vitest';

import { isPeerRecord, lastPeerRecord, runPeerScript, runTorchPeerScript } from './peer-script.js';
import { NO_TORCH_BODY, answersTorchVersion, useFakePythons } from './test-support/index.js';

const pythons = useFakePythons('cw-peer-script-');

const args = (threads: number): string[] => ['--threads', String(threads), '--width', '8'];

describe('lastPeerRecord', () => {
  it('keeps the last JSON line with backend torch and numeric threads, skipping other lines', () => {
    const out = ['warming up', '{"backend":"torch","threads":1,"x":1}', '{"backend":"wasm","threads":1}', '[1,2]', '{"backend":"torch","threads":1,"x":2}', ''].join('\n');
    expect(lastPeerRecord(out)).toEqual({ backend: 'torch', threads: 1, x: 2 });
    expect(lastPeerRecord('no json\n{"backend":"torch","threads":"1"}')).toBeUndefined();
    expect(isPeerRecord(null)).toBe(false);
  });
});

describe('runPeerScript', () => {
  it('runs one process per thread count with its thread variables, no OpenBLAS overrides, and its arguments', async () => {
    const python = await pythons.create(
      'echo-env',
      `echo "{\\"backend\\":\\"torch\\",\\"threads\\":$OMP_NUM_THREADS,\\"blas\\":\\"$OPENBLAS_NUM_THREADS\\",\\"core\\":\\"\${OPENBLAS_CORETYPE:-unset}\\",\\"argv\\":\\"$*\\"}"`,
    );
    const records = await runPeerScript(python, '/peer.py', args, [1, 2], { env: { ...process.env, OPENBLAS_CORETYPE: 'Haswell' } });
    expect(records).toEqual([
      { backend: 'torch', threads: 1, blas: '1', core: 'unset', argv: '/peer.py --threads 1 --width 8' },
      { backend: 'torch', threads: 2, blas: '2', core: 'unset', argv: '/peer.py --threads 2 --width 8' },
    ]);
  });

  it('turns a crash without a record into an error naming the command, the exit code and the last stderr line', async () => {
    const python = await pythons.create('crash', 'echo "Traceback" >&2; echo "RuntimeError: boom" >&2; exit 3');
    const [record] = await runPeerScript(python, '/peer.py', args, [1]);
    expect(record?.error).toBe(`${python} /peer.py: exited with code 3: RuntimeError: boom`);
    const [missing] = await runPeerScript(pythons.path('no-such-python'), '/peer.py', args, [2]);
    expect(missing?.threads).toBe(2);
    expect(missing?.error).toMatch(/ENOENT/);
  });
});

describe('runTorchPeerScript', () => {
  it('is unavailable, naming the interpreters tried, when none imports torch', async () => {
    const noTorch = await pythons.create('no-torch', NO_TORCH_BODY);
    const outcome = await runTorchPeerScript('/peer.py', args, [1], { pythons: [noTorch, pythons.path('absent')] });
    expect(outcome.status).toBe('unavailable');
    if (outcome.status === 'unavailable') {
      expect(outcome.reason).toMatch(/^no Python that can import torch \(tried .*no-torch, .*absent; set COUNTERWEIGHT_TORCH_PYTHON/);
    }
  });

  it('is unavailable with the first error when every thread count fails, measured when one succeeds', async () => {
    const broken = await pythons.create('broken', answersTorchVersion('echo \'{"backend":"torch","threads":1,"error":"RuntimeError: no BLAS"}\''));
    expect(await runTorchPeerScript('/peer.py', args, [1, 2], { pythons: [broken] })).toEqual({ status: 'unavailable', reason: 'RuntimeError: no BLAS' });
    const half = await pythons.create(
      'half',
      answersTorchVersion('if [ "$OMP_NUM_THREADS" = 1 ]; then echo \'{"backend":"torch","threads":1,"rate":5}\'; else exit 2; fi'),
    );
    const outcome = await runTorchPeerScript('/peer.py', args, [1, 2], { pythons: [half] });
    expect(outcome.status).toBe('measured');
    if (outcome.status === 'measured') {
      expect(outcome.torchVersion).toBe('9.9');
      expect(outcome.python).toBe(half);
      expect(outcome.records[0]).toEqual({ backend: 'torch', threads: 1, rate: 5 });
      expect(outcome.records[1]?.error).toBe(`${half} /peer.py: exited with code 2`);
    }
  });
});
