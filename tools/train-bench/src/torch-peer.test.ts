import { useFakePythons } from '@counterweight/bench-kit/test-support';
import { describe, expect, it } from 'vitest';

import { bestByWorkload, runTorchPeer, type TorchRecord } from './torch-peer.js';

const pythons = useFakePythons('cw-torch-peer-');

describe('runTorchPeer', () => {
  it('passes the options to the script and collects its JSON records, ignoring other lines', async () => {
    const python = await pythons.create(
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
    const python = await pythons.create('crash', 'exit 3');
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
