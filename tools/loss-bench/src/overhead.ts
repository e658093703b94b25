import { median } from '@counterweight/bench-kit';
import { LOSS_CATALOG, type LossCatalogEntry } from '@counterweight/core-losses';
import { createOptimizer, train, type InMemoryDataset, type LossFunction, type TrainableModel, type TrainOptions } from '@counterweight/runtime';
import type { Workload } from '@counterweight/train-bench';
import * as tf from '@tensorflow/tfjs-core';

/** One configuration of a training step: a loss, optionally with a weight perturbation. */
export interface StepConfig {
  readonly name: string;
  readonly loss: LossFunction;
  readonly weightPerturbation?: TrainOptions['weightPerturbation'];
  /**
   * The model this configuration trains when it is not the workload's (another output head on the same trunk, or
   * the workload's variables plus ones the loss owns, such as a learnable σ or task-weight parameters).
   */
  readonly model?: TrainableModel;
}

/** What {@link stepTimes} trains: a model, its data set and the batch size (a train-bench `Workload` is one). */
export interface StepWorkload {
  readonly model: TrainableModel;
  readonly data: InMemoryDataset;
  readonly batchSize: number;
}

/** Class counts of a workload's (single-label) targets. */
export function classCounts(workload: Workload, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of workload.data.targets.values) counts[label] = (counts[label] ?? 0) + 1;
  return counts.map((n) => Math.max(n, 1));
}

/** Every catalog loss as a training loss of a classification workload with `numClasses` classes. */
export function catalogConfigs(counts: readonly number[], entries: readonly LossCatalogEntry[] = LOSS_CATALOG): StepConfig[] {
  return entries.map((entry) => ({
    name: entry.name,
    loss: ({ targets, predictions: logits }) =>
      entry.classification({ targets: tf.cast(targets, 'int32') as tf.Tensor1D, numClasses: counts.length, classCounts: counts })(logits),
  }));
}

/**
 * Trains `workload` one epoch per round with each configuration in turn (alternating, so drift on a shared machine
 * affects all alike; round r starts with configuration r mod n, so no configuration always runs first or right after
 * the same other one), after one untimed warm-up round, from the same weights every time (a snapshot of every
 * variable of the workload's and the configurations' models is restored before each epoch, so no configuration
 * trains on a model another one has moved).
 *
 * Two clocks: wall time per step (from the trainer's samples per second) and the process's CPU time per step (user +
 * system of `process.cpuUsage()` around the epoch, divided by its steps). On a machine shared with other work the
 * CPU time is the steadier measure of what a step costs: waiting for a core counts in the wall time only.
 * @returns milliseconds per step of each configuration in each timed round (`repetitions` values each, round order).
 */
export async function stepTimeRounds(
  workload: StepWorkload,
  configs: readonly StepConfig[],
  options: { repetitions: number; seed: number },
): Promise<{ wallMs: Record<string, number[]>; cpuMs: Record<string, number[]> }> {
  const variables = [...new Set([workload.model, ...configs.map((c) => c.model ?? workload.model)].flatMap((m) => m.variables.map((v) => v.variable)))];
  const snapshot = variables.map((v) => tf.clone(v));
  const restore = (): void => variables.forEach((v, i) => v.assign(snapshot[i] as tf.Tensor));
  const times: Record<string, number[]> = Object.fromEntries(configs.map((c) => [c.name, []]));
  const cpuTimes: Record<string, number[]> = Object.fromEntries(configs.map((c) => [c.name, []]));
  try {
    for (let rep = -1; rep < options.repetitions; rep += 1) {
      const shift = rep < 0 ? 0 : rep % configs.length;
      for (const config of [...configs.slice(shift), ...configs.slice(0, shift)]) {
        restore();
        const optimizer = createOptimizer({ name: 'adam', learningRate: 1e-3 });
        try {
          const cpuBefore = process.cpuUsage();
          const history = await train({
            model: config.model ?? workload.model,
            loss: config.loss,
            train: workload.data,
            epochs: 1,
            batchSize: workload.batchSize,
            optimizer,
            seed: options.seed,
            progress: { quiet: true },
            ...(config.weightPerturbation === undefined ? {} : { weightPerturbation: config.weightPerturbation }),
          });
          const cpu = process.cpuUsage(cpuBefore);
          const perSecond = history.epochs[0]?.samplesPerSecond ?? Number.NaN;
          if (rep >= 0) {
            times[config.name]?.push((1000 * workload.batchSize) / perSecond);
            cpuTimes[config.name]?.push((cpu.user + cpu.system) / 1000 / (history.epochs[0]?.steps ?? Number.NaN));
          }
        } finally {
          optimizer.dispose();
        }
      }
    }
  } finally {
    restore();
    tf.dispose(snapshot);
  }
  return { wallMs: times, cpuMs: cpuTimes };
}

/**
 * {@link stepTimeRounds} reduced to the median wall-clock milliseconds per step of each configuration.
 */
export async function stepTimes(
  workload: StepWorkload,
  configs: readonly StepConfig[],
  options: { repetitions: number; seed: number },
): Promise<Record<string, number>> {
  const rounds = (await stepTimeRounds(workload, configs, options)).wallMs;
  return Object.fromEntries(Object.entries(rounds).map(([name, values]) => [name, median(values)]));
}

/**
 * Forward + backward time of each catalog loss alone on `[batch, numClasses]` logits (median of `repetitions` timed
 * runs of `iterations` gradient evaluations each, after a warm-up), in microseconds.
 */
export function lossOnlyTimes(
  counts: readonly number[],
  options: { batch: number; iterations: number; repetitions: number },
): Record<string, number> {
  const numClasses = counts.length;
  const logitsValues = Float32Array.from({ length: options.batch * numClasses }, (_, i) => Math.sin(i * 12.9898) * 3);
  const targetValues = Int32Array.from({ length: options.batch }, (_, i) => (i * 7) % numClasses);
  const result: Record<string, number> = {};
  for (const entry of LOSS_CATALOG) {
    const samples: number[] = [];
    for (let rep = -1; rep < options.repetitions; rep += 1) {
      const started = performance.now();
      for (let i = 0; i < options.iterations; i += 1) {
        tf.tidy(() => {
          const task = { targets: tf.tensor1d(targetValues, 'int32'), numClasses, classCounts: counts };
          const loss = entry.classification(task);
          const g = tf.grad((x: tf.Tensor) => loss(x))(tf.tensor2d(logitsValues, [options.batch, numClasses]));
          g.dataSync();
        });
      }
      if (rep >= 0) samples.push(((performance.now() - started) * 1000) / options.iterations);
    }
    result[entry.name] = median(samples);
  }
  return result;
}
