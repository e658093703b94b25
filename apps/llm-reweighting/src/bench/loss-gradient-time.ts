import { median } from '@counterweight/bench-kit';
import { ConfigError, SeededRandom, type LossFunction } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link measureLossGradientTimes}. */
export interface LossGradientTimeOptions {
  /** The losses to time, by name (each called as the trainer calls it, without sample weights or extras). */
  readonly losses: Readonly<Record<string, LossFunction<string>>>;
  readonly batchSize: number;
  readonly context: number;
  readonly vocabularySize: number;
  /** Timed repetitions, interleaved across the losses (after one untimed repetition each). */
  readonly repetitions: number;
  /** Calls per repetition (default 20). */
  readonly calls?: number;
  readonly seed: number;
}

/** Median milliseconds of one loss value and its gradient with respect to the logits, per loss. */
export interface LossGradientTimes {
  readonly milliseconds: Readonly<Record<string, number>>;
  readonly repetitions: number;
  readonly calls: number;
}

/**
 * The cost of a loss alone in a training step: the value and the gradient with respect to fixed logits
 * `[batchSize, context, V]` (N(0, 1), seeded) for seeded uniform-random targets, by `tf.variableGrads` inside a
 * gradient pass as in `train()` (so step-counting objectives see training calls), the value and the gradient read back.
 * Repetitions of `calls` calls alternate between the losses (in turn, the first loss moving one place each repetition)
 * so machine load touches them alike; the median per-call time of each loss over the repetitions. Removes the step's
 * model and optimiser from the figure, which on a busy machine drown a few per cent of loss cost in noise. Leaves no
 * tensors behind.
 * @throws ConfigError naming `repetitions`, `calls` or a size that is not a positive integer, or `losses` when empty.
 */
export function measureLossGradientTimes(options: LossGradientTimeOptions): LossGradientTimes {
  const calls = options.calls ?? 20;
  const { batchSize, context, vocabularySize, repetitions } = options;
  for (const [name, value] of [['batchSize', batchSize], ['context', context], ['vocabularySize', vocabularySize], ['repetitions', repetitions], ['calls', calls]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(name, `must be an integer >= 1, got ${String(value)}`);
  }
  const names = Object.keys(options.losses);
  if (names.length === 0) throw new ConfigError('losses', 'names no loss to time');
  const random = SeededRandom.fromSeed(options.seed, 'loss-gradient-time');
  const logitValues = random.normalArray(batchSize * context * vocabularySize);
  const targetValues = Int32Array.from({ length: batchSize * context }, () => random.int(0, vocabularySize - 1));
  const initial = tf.tensor3d(logitValues, [batchSize, context, vocabularySize]);
  const logits = tf.variable(initial, true);
  initial.dispose();
  const targets = tf.tensor2d(targetValues, [batchSize, context], 'int32');
  const timeCalls = (loss: LossFunction<string>): number => {
    const start = performance.now();
    for (let i = 0; i < calls; i += 1) {
      const { value, grads } = tf.variableGrads(() => loss({ predictions: logits, targets, sampleWeights: undefined, extras: {} }), [logits]);
      value.dataSync();
      for (const g of Object.values(grads)) {
        g.dataSync();
        g.dispose();
      }
      value.dispose();
    }
    return (performance.now() - start) / calls;
  };
  try {
    const perLoss: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (let rep = -1; rep < repetitions; rep += 1) {
      const shift = Math.max(rep, 0) % names.length;
      for (const name of [...names.slice(shift), ...names.slice(0, shift)]) {
        const loss = options.losses[name] as LossFunction<string>;
        const ms = timeCalls(loss);
        if (rep >= 0) perLoss[name]?.push(ms);
      }
    }
    return { milliseconds: Object.fromEntries(names.map((n) => [n, median(perLoss[n] ?? [])])), repetitions, calls };
  } finally {
    logits.dispose();
    targets.dispose();
  }
}
