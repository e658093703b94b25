import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

import { runSourceCli } from '@counterweight/experiment/cli';
import { NO_TORCH_BODY, answersTorchVersion, useFakePythons } from '@counterweight/bench-kit/test-support';
import { describe, expect, it } from 'vitest';

const BENCH = resolve(import.meta.dirname, 'cli.ts');
const OPTIONS =
  '(options: --stages, --backends, --steps, --cpu-steps, --repetitions, --workers, --wasm-threads, --threads, --torch-python, --no-torch, --quick, --out)';
/** The threaded wasm mode's default compute threads here: one per core up to 8, none on one core. */
const WASM_THREADS = availableParallelism() < 2 ? 0 : Math.min(availableParallelism(), 8);

const pythons = useFakePythons('llm-reweighting-bench-cli-');

type Json = Record<string, unknown>;

describe('llm-reweighting bench CLI', () => {
  it('runs every stage tiny (--quick, wasm single and threaded, no workers) against a stand-in peer and writes the JSON with ratios of its own numbers', async () => {
    // The stand-in "torch" trains at 1000 tokens/s per thread.
    const python = await pythons.create(
      'fake-torch',
      answersTorchVersion('echo "{\\"backend\\":\\"torch\\",\\"threads\\":$OMP_NUM_THREADS,\\"tokensPerSec\\":$((OMP_NUM_THREADS * 1000)),\\"parameterCount\\":809856,\\"blas\\":[\\"/usr/lib/libopenblasp-r0.3.21.so\\"]}"'),
    );
    const out = pythons.path('bench.json');
    const run = await runSourceCli(BENCH, ['--quick', '--backends', 'wasm', '--workers', '0', '--torch-python', python, '--out', out]);
    expect(run.stderr).toContain(`wrote ${out}`);
    expect(run.code).toBe(0);
    const json = JSON.parse(await readFile(out, 'utf8')) as Json;
    expect(json).toMatchObject({ benchmark: 'llm-reweighting', quick: true });
    const machine = json['machine'] as Json;
    expect(typeof machine['cpu']).toBe('string');
    expect(machine['loadAverageAtStart']).toHaveLength(3);
    expect(machine['loadAverageAtEnd']).toHaveLength(3);
    expect(json['settings']).toMatchObject({
      config: { vocabularySize: 65, layers: 4, heads: 4, width: 128, context: 64, causal: true },
      batchSize: 12,
      parameterCount: 809856,
      optimizer: { name: 'adamw', decay: 'matrices' },
      steps: 2,
      repetitions: 1,
      workers: 0,
      wasmThreads: WASM_THREADS,
      torchThreads: [1, 2],
    });
    const training = json['training'] as Json[];
    expect(training).toHaveLength(WASM_THREADS > 0 ? 2 : 1);
    const wasm = training[0] as Json;
    const common = { stage: 'training', backend: 'wasm', simd: true, batchSize: 12, context: 64, stepsPerRepetition: 2, repetitions: 1, parameterCount: 809856 };
    expect(wasm).toMatchObject({ ...common, mode: 'single', threads: 1 });
    const modes = ['single', ...(WASM_THREADS > 0 ? ['threaded'] : [])];
    if (WASM_THREADS > 0) {
      // The threaded mode: a child process on the threaded wasm build with one compute thread per core; it trains.
      const threaded = training[1] as Json;
      expect(threaded).toMatchObject({ ...common, mode: 'threaded', threads: WASM_THREADS });
      expect(threaded['threads']).toBeGreaterThanOrEqual(2);
      expect(Number.isFinite(threaded['firstLoss']) && Number.isFinite(threaded['lastLoss'])).toBe(true);
      expect(threaded['tokensPerSec']).toBeGreaterThan(0);
    }
    const wasmRate = Math.max(...training.map((t) => t['tokensPerSec'] as number));
    expect(wasmRate).toBeGreaterThan(0);
    expect(json['peer']).toMatchObject({ status: 'measured', python, torchVersion: '9.9' });
    // The headline divides the fastest wasm mode's rate by the faster stand-in thread count (2 threads: 2000 tokens/s).
    const headline = json['headline'] as Json;
    expect(headline['torch']).toEqual({ threads: 2, tokensPerSec: 2000 });
    expect(modes).toContain((headline['wasm'] as Json)['mode']);
    expect(Math.abs((headline['wasm-best/torch-best'] as number) - wasmRate / 2000)).toBeLessThan(wasmRate >= 100 ? 0.5 / 2000 + 1e-4 : 1e-4);
    expect((json['comparisons'] as Json[]).map((c) => c['comparison'])).toEqual(modes.map((mode) => `tfjs-wasm-${mode}/torch-best`));
    expect(json['warnings']).toEqual([]);
    const overhead = json['overhead'] as Json;
    expect(overhead).toMatchObject({ stage: 'overhead', backend: 'wasm', baseline: 'uniform', objective: 'linupper', repetitions: 1 });
    expect(overhead['ratio']).toBe((overhead['ratios'] as number[])[0]);
    const lossOnly = overhead['lossOnly'] as Record<string, number>;
    expect(lossOnly['uniformMs']).toBeGreaterThan(0);
    expect(Math.abs((lossOnly['ratio'] ?? 0) - (lossOnly['reweightedMs'] ?? 0) / (lossOnly['uniformMs'] ?? 1))).toBeLessThan(0.01);
    expect(lossOnly).toMatchObject({ repetitions: 1, calls: 2 });
    const generation = json['generation'] as Json;
    expect(generation).toMatchObject({ stage: 'generation', promptTokens: 16, newTokens: 64, repetitions: 1, sameTokens: true });
    const [tfjsSeconds] = generation['tfjsSeconds'] as number[];
    const [onnxSeconds] = generation['onnxruntimeSeconds'] as number[];
    expect(Math.abs((generation['ratio'] as number) / ((tfjsSeconds ?? Number.NaN) / (onnxSeconds ?? Number.NaN)) - 1)).toBeLessThan(0.01);
    // Every record was also printed as a JSON line.
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Json);
    expect(lines.map((l) => l['stage'])).toEqual([...modes.map(() => 'training'), 'peer', ...modes.map(() => 'comparison'), 'overhead', 'generation']);
  }, 300_000);

  it('records the peer as unavailable, with the reason, when python has no torch (and --wasm-threads 0 measures no threaded mode)', async () => {
    const noTorch = await pythons.create('no-torch', NO_TORCH_BODY);
    const out = pythons.path('no-torch.json');
    const run = await runSourceCli(BENCH, ['--quick', '--stages', 'training', '--backends', 'wasm', '--workers', '0', '--wasm-threads', '0', '--torch-python', noTorch, '--out', out]);
    expect(run.code).toBe(0);
    const json = JSON.parse(await readFile(out, 'utf8')) as Json;
    expect((json['training'] as Json[]).map((t) => t['mode'])).toEqual(['single']);
    const peer = json['peer'] as Json;
    expect(peer['status']).toBe('unavailable');
    expect(String(peer['reason'])).toContain(noTorch);
    expect(json['comparisons']).toEqual([]);
    expect(json['headline']).toEqual({ 'wasm-best/torch-best': null, reason: `peer unavailable: ${String(peer['reason'])}` });
    expect(json['overhead']).toBeUndefined();
    expect(json['generation']).toBeUndefined();
  }, 300_000);

  it('prints a bad flag as one line naming it and the options, and exits 1', async () => {
    const unknown = await runSourceCli(BENCH, ['--bogus']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`llm-reweighting bench: Unknown option '--bogus' ${OPTIONS}\n`);
    const stage = await runSourceCli(BENCH, ['--stages', 'speed']);
    expect(stage.stderr).toMatch(/^llm-reweighting bench: --stages: unknown or empty value "speed"; use a comma-separated subset of training,overhead,generation \(options: /);
    const workers = await runSourceCli(BENCH, ['--workers=-1']);
    expect(workers.stderr).toBe(`llm-reweighting bench: --workers: must be a non-negative integer, got "-1" ${OPTIONS}\n`);
    const wasmThreads = await runSourceCli(BENCH, ['--wasm-threads', '1']);
    expect(wasmThreads.code).toBe(1);
    expect(wasmThreads.stderr).toBe(`llm-reweighting bench: --wasm-threads: must be 0 (no threaded mode) or an integer from 2 to 8, got "1" ${OPTIONS}\n`);
  }, 60_000);
});
