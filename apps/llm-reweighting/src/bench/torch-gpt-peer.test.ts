import { NO_TORCH_BODY, checkedOneThreadRecord, useFakePythons } from '@counterweight/bench-kit/test-support';
import { describe, expect, it } from 'vitest';

import { NANOGPT_CPU_CONFIG, parameterCount, type GptConfig } from '../models/index.js';
import { TORCH_GPT_SCRIPT, runTorchGptPeer, torchGptArguments, torchGptPeer, type TorchGptSpec } from './torch-gpt-peer.js';

const TINY_CONFIG: GptConfig = { vocabularySize: 11, layers: 1, heads: 2, width: 8, context: 6, causal: true };
const TINY: TorchGptSpec = { config: TINY_CONFIG, batchSize: 4, steps: 3, repetitions: 2, seed: 1 };

const pythons = useFakePythons('llm-bench-peer-');

describe('torchGptArguments', () => {
  it('passes the GPT sizes, batch, timing and AdamW settings as flags', () => {
    expect(torchGptArguments({ config: { ...NANOGPT_CPU_CONFIG, vocabularySize: 65 }, batchSize: 12, steps: 10, repetitions: 5, seed: 1 }, 2)).toEqual(
      ['--threads', '2', '--vocabulary', '65', '--layers', '4', '--heads', '4', '--width', '128', '--context', '64', '--batch', '12', '--steps', '10', '--repetitions', '5', '--seed', '1', '--learning-rate', '0.001', '--weight-decay', '0.1'],
    );
    expect(() => torchGptArguments({ ...TINY, config: { ...TINY_CONFIG, causal: false } }, 1)).toThrow(/causal GPT/);
  });
});

describe('torchGptPeer', () => {
  it('is unavailable, with the reason, when python has no torch', async () => {
    const noTorch = await pythons.create('no-torch', NO_TORCH_BODY);
    const outcome = await torchGptPeer(TINY, [1, 2], { pythons: [noTorch] });
    expect(outcome.status).toBe('unavailable');
    if (outcome.status === 'unavailable') expect(outcome.reason).toMatch(/^no Python that can import torch \(tried .*no-torch;/);
  });

  it('gives an error record naming the script and the exit code when the peer crashes', async () => {
    const crash = await pythons.create('crash', 'echo "RuntimeError: boom" >&2; exit 4');
    const [record] = await runTorchGptPeer(crash, TINY, [1]);
    expect(record?.error).toBe(`${crash} ${TORCH_GPT_SCRIPT}: exited with code 4: RuntimeError: boom`);
  });

  it('runs the real script: the same parameter count as createGpt, tokens/s, finite losses, its BLAS — or says torch is missing', async () => {
    const record = checkedOneThreadRecord(await torchGptPeer(TINY, [1]), TINY);
    if (record === undefined) return; // no Python with torch here: the reason said so
    expect(record).toMatchObject({ batchSize: 4, context: 6 });
    expect(record.parameterCount).toBe(parameterCount(TINY_CONFIG));
    expect(record.tokensPerSec).toBeGreaterThan(0);
  }, 120_000);
});
