import { describe, expect, it } from 'vitest';

import { PEER_UNSET_ENV, TORCH_PYTHON_ENV, captureProcess, findTorchPython, peerEnvironment, torchPythonCandidates } from './torch-python.js';
import { useFakePythons } from './test-support/index.js';

const pythons = useFakePythons('cw-torch-python-');

describe('peerEnvironment', () => {
  it('sets the thread variables, drops the OpenBLAS overrides and leaves the base untouched', () => {
    const base = { PATH: '/bin', OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_L2_SIZE: '512', OMP_NUM_THREADS: '8' };
    const env = peerEnvironment(2, base);
    expect(env).toEqual({ PATH: '/bin', OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '2', MKL_NUM_THREADS: '2' });
    for (const name of PEER_UNSET_ENV) expect(name in env).toBe(false);
    expect(base.OPENBLAS_CORETYPE).toBe('Haswell');
  });
});

describe('torchPythonCandidates', () => {
  it('tries the environment variable first, then /usr/bin/python3, then python3, without duplicates', () => {
    expect(torchPythonCandidates({ [TORCH_PYTHON_ENV]: '/opt/py/bin/python' })).toEqual(['/opt/py/bin/python', '/usr/bin/python3', 'python3']);
    expect(torchPythonCandidates({ [TORCH_PYTHON_ENV]: '/usr/bin/python3' })).toEqual(['/usr/bin/python3', 'python3']);
    expect(torchPythonCandidates({})).toEqual(['/usr/bin/python3', 'python3']);
  });
});

describe('captureProcess', () => {
  it('returns exit code and both streams, names a command that cannot start, and kills one past its timeout', async () => {
    const script = await pythons.create('talk', 'echo out; echo err >&2; exit 3');
    expect(await captureProcess(script, [], process.env, 10_000)).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    const missing = await captureProcess(pythons.path('absent'), [], process.env, 10_000);
    expect(missing.code).toBeNull();
    expect(missing.spawnError).toMatch(/ENOENT/);
    const slow = await pythons.create('slow', 'exec sleep 30');
    const started = Date.now();
    const killed = await captureProcess(slow, [], process.env, 200);
    expect(killed.code).toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('findTorchPython', () => {
  it('takes the first candidate that imports torch, checked in the one-thread peer environment', async () => {
    const python = await pythons.create('with-torch', 'if [ -n "$OPENBLAS_CORETYPE" ] || [ "$OMP_NUM_THREADS" != 1 ]; then exit 1; fi; echo 9.9.9');
    const { found, tried } = await findTorchPython({ ...process.env, OPENBLAS_CORETYPE: 'Haswell', [TORCH_PYTHON_ENV]: python });
    expect(found).toEqual({ command: python, torchVersion: '9.9.9' });
    expect(tried[0]).toBe(python);
  });

  it('skips a candidate that fails and one that does not exist', async () => {
    const broken = await pythons.create('without-torch', 'echo "ModuleNotFoundError: torch" >&2; exit 1');
    const { found, tried } = await findTorchPython(process.env, [broken, pythons.path('no-such-python')]);
    expect(found).toBeUndefined();
    expect(tried).toEqual([broken, pythons.path('no-such-python')]);
  });
});
