import { median } from '@counterweight/bench-kit';
import { ConfigError, activeBackend, createOptimizer, train, type LossFunction } from '@counterweight/runtime';

import { createGpt, type GptConfig, type GptModel } from '../models/index.js';
import { createObjective } from '../objectives/index.js';
import { BENCH_ADAMW, benchDataset } from './training-throughput.js';

/** Options of {@link measureReweightingOverhead}. */
export interface ReweightingOverheadOptions {
  readonly config: GptConfig;
  readonly batchSize: number;
  /** Steps per epoch: each repetition trains one epoch with each objective. */
  readonly steps: number;
  /** Timed repetitions (pairs of epochs), after one untimed warm-up epoch of each objective. */
  readonly repetitions: number;
  readonly seed: number;
  /** The reweighting objective's plain-average warm-up (`warmupSteps`); the timed steps all come after it. Default 0. */
  readonly warmupSteps?: number;
}

/** The step-time cost of loss-based reweighting over plain cross-entropy. */
export interface ReweightingOverhead {
  readonly backend: string;
  readonly baseline: 'uniform';
  readonly objective: 'linupper';
  /** Median milliseconds per step of each objective over the repetitions. */
  readonly uniformStepMs: number;
  readonly reweightedStepMs: number;
  /** Per repetition: reweighted step time ÷ uniform step time of the same repetition. */
  readonly ratios: readonly number[];
  /** The median of {@link ReweightingOverhead.ratios} (1.02: reweighting makes a step 2 % slower). */
  readonly ratio: number;
  readonly repetitions: number;
  readonly stepsPerRepetition: number;
  readonly warmupSteps: number;
}

/**
 * The summary of paired step times (`uniformMs[r]` and `reweightedMs[r]` measured in the same repetition `r`): the
 * per-repetition ratios `reweightedMs[r] / uniformMs[r]`, their median, and each objective's median step time.
 * @throws RangeError when the lists differ in length or are empty.
 */
export function overheadFromStepTimes(
  uniformMs: readonly number[],
  reweightedMs: readonly number[],
): { ratios: number[]; ratio: number; uniformStepMs: number; reweightedStepMs: number } {
  if (uniformMs.length !== reweightedMs.length || uniformMs.length === 0) {
    throw new RangeError(`needs as many reweighted as uniform step times (at least one), got ${reweightedMs.length} and ${uniformMs.length}`);
  }
  const ratios = uniformMs.map((u, r) => (reweightedMs[r] ?? Number.NaN) / u);
  return { ratios, ratio: median(ratios), uniformStepMs: median(uniformMs), reweightedStepMs: median(reweightedMs) };
}

/**
 * Step time of loss-based reweighting (`linupper`, Sow et al., ICLR 2025, as the app's objective builds it, its
 * default weight recorder included) against plain cross-entropy (`uniform`) on the same GPT, optimiser and batches,
 * single-threaded on the active backend. One untimed warm-up epoch of each, then `repetitions` pairs of epochs in
 * alternating order (uniform first in even repetitions, linupper first in odd ones) so drift on a shared machine
 * touches both alike; a step's time is the trainer's (`1000 · batchSize / samplesPerSecond` ms). The linupper loss
 * of every epoch starts at its `warmupSteps`, so every timed step reweights. Leaves no tensors behind.
 * @throws ConfigError naming `batchSize`, `steps`, `repetitions` or `backend` (none initialised).
 */
export async function measureReweightingOverhead(options: ReweightingOverheadOptions): Promise<ReweightingOverhead> {
  const { config, batchSize, steps, seed } = options;
  for (const [name, value] of [['batchSize', batchSize], ['steps', steps], ['repetitions', options.repetitions]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(name, `must be an integer >= 1, got ${String(value)}`);
  }
  const backend = activeBackend();
  if (backend === undefined) throw new ConfigError('backend', 'no backend is initialised; call initBackend first');
  const warmupSteps = options.warmupSteps ?? 0;
  const uniform = createObjective('uniform');
  const linupper = createObjective('linupper', { warmupSteps });
  const data = benchDataset(config, steps * batchSize, seed);
  const optimizer = createOptimizer({ name: 'adamw', ...BENCH_ADAMW, decay: 'matrices' });
  let gpt: GptModel | undefined;
  try {
    gpt = createGpt(config, seed);
    const model = gpt.model;
    const stepMs = async (loss: LossFunction<string>, shuffleSeed: number): Promise<number> => {
      const history = await train({ model, loss, train: data, epochs: 1, batchSize, optimizer, seed: shuffleSeed, progress: { quiet: true } });
      return (1000 * batchSize) / (history.epochs[0]?.samplesPerSecond ?? Number.NaN);
    };
    const uniformMs: number[] = [];
    const reweightedMs: number[] = [];
    for (let rep = -1; rep < options.repetitions; rep += 1) {
      const shuffleSeed = seed + rep + 1;
      const runUniform = async (): Promise<number> => stepMs(uniform.loss(0), shuffleSeed);
      const runReweighted = async (): Promise<number> => stepMs(linupper.loss(warmupSteps), shuffleSeed);
      let u: number;
      let w: number;
      if (rep % 2 === 0 || rep < 0) {
        u = await runUniform();
        w = await runReweighted();
      } else {
        w = await runReweighted();
        u = await runUniform();
      }
      if (rep >= 0) {
        uniformMs.push(u);
        reweightedMs.push(w);
      }
    }
    return {
      backend: backend.name,
      baseline: 'uniform',
      objective: 'linupper',
      ...overheadFromStepTimes(uniformMs, reweightedMs),
      repetitions: options.repetitions,
      stepsPerRepetition: steps,
      warmupSteps,
    };
  } finally {
    gpt?.dispose();
    optimizer.dispose();
  }
}
