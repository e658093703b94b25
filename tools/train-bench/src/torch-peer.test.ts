import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TORCH_PYTHON_ENV, bestByWorkload, findTorchPython, runTorchPeer, torchPythonCandidates, type TorchRecord } from './torch-peer.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cw-torch-peer-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** An executable shell script standing in for a Python interpreter. */
async function fakePython(name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

describe('torchPythonCandidates', () => {
  it('tries the environment variable first, then /usr/bin/python3, then python3, without duplicates', () => {
    expect(torchPythonCandidates({ [TORCH_PYTHON_ENV]: '/opt/py/bin/python' })).toEqual(['/opt/py/bin/python', '/usr/bin/python3', 'python3']);
    expect(torchPythonCandidates({ [TORCH_PYTHON_ENV]: '/usr/bin/python3' })).toEqual(['/usr/bin/python3', 'python3']);
    expect(torchPythonCandidates({})).toEqual(['/usr/bin/python3', 'python3']);
  });
});

describe('findTorchPython', () => {
  it('takes the first candidate that imports torch', async () => {
    const python = await fakePython('with-torch', 'echo 9.9.9');
    const { found, tried } = await findTorchPython({ [TORCH_PYTHON_ENV]: python });
    expect(found).toEqual({ command: python, torchVersion: '9.9.9' });
    expect(tried[0]).toBe(python);
  });

  it('skips a candidate that fails and one that does not exist', async () => {
    const broken = await fakePython('without-torch', 'echo "ModuleNotFoundError: torch" >&2; exit 1');
    const { found } = await findTorchPython({ [TORCH_PYTHON_ENV]: broken });
    expect(found?.command).not.toBe(broken);
    const missing = await findTorchPython({ [TORCH_PYTHON_ENV]: join(dir, 'no-such-python') });
    expect(missing.found?.command).not.toBe(join(dir, 'no-such-python'));
  });
});

describe('runTorchPeer', () => {
  it('passes the options to the script and collects its JSON records, ignoring other lines', async () => {
    const python = await fakePython(
      'peer',
      [
        'echo "args: $*" >&2',
        `echo '{"workload":"mlp","backend":"torch","threads":1,"samplesPerSec":100}'`,
        'echo "not json"',
        `echo '{"note":"no workload"}'`,
        `echo '{"workload":"mlp","backend":"torch","threads":2,"samplesPerSec":150,"argv":"'"$*"'"}'`,
      ].join('\n'),
    );
    const seen: TorchRecord[] = [];
    const records = await runTorchPeer(python, { workloads: ['mlp', 'gpt'], threads: [1, 2], batches: 3, onRecord: (r) => seen.push(r) });
    expect(records.map((r) => [r.threads, r.samplesPerSec])).toEqual([[1, 100], [2, 150]]);
    expect(seen).toEqual(records);
    const argv = String(records[1]?.['argv']);
    expect(argv).toContain('torch_workloads.py --workloads mlp,gpt --threads 1,2 --batches 3');
  });

  it('fails when the script exits with an error before printing any record', async () => {
    const python = await fakePython('crash', 'exit 3');
    await expect(runTorchPeer(python, { workloads: ['mlp'] })).rejects.toThrow(/exited with code 3/);
  });
});

describe('bestByWorkload', () => {
  it('keeps the fastest measurement per workload and ignores errors', () => {
    const records: TorchRecord[] = [
      { workload: 'mlp', backend: 'torch', threads: 1, samplesPerSec: 200 },
      { workload: 'mlp', backend: 'torch', threads: 2, samplesPerSec: 150 },
      { workload: 'cnn', backend: 'torch', threads: 1, samplesPerSec: 10 },
      { workload: 'cnn', backend: 'torch', threads: 2, samplesPerSec: 30 },
      { workload: 'gpt', backend: 'torch', threads: 1, error: 'RuntimeError: boom' },
    ];
    const best = bestByWorkload(records);
    expect(best.get('mlp')?.threads).toBe(1);
    expect(best.get('cnn')?.threads).toBe(2);
    expect(best.has('gpt')).toBe(false);
  });
});
