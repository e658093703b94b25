import * as tf from '@tensorflow/tfjs-core';
import { createOptimizer, train, type EpochRecord } from '@counterweight/runtime';

import { useBackend } from './backends.js';
import { compareGradients, workloadGradients, type GradientMismatch, type WorkloadGradients } from '../gradients.js';
import type { Workload } from '../workload.js';

/** What {@link trainBriefly} observed. */
export interface BriefTraining {
  readonly epochs: readonly EpochRecord[];
  /** `tf.memory().numTensors` after every step from the second on (Adam creates its slots in step 1). */
  readonly tensorCounts: readonly number[];
}

/** Trains a fresh workload for `epochs` epochs with Adam on the current backend, then disposes it. */
export async function trainBriefly(make: () => Workload, epochs: number, learningRate = 3e-3): Promise<BriefTraining> {
  const workload = make();
  const optimizer = createOptimizer({ name: 'adam', learningRate });
  const tensorCounts: number[] = [];
  try {
    const history = await train({
      model: workload.model,
      loss: workload.loss,
      train: workload.data,
      batchSize: workload.batchSize,
      epochs,
      optimizer,
      seed: 1,
      progress: { quiet: true },
      callbacks: {
        onStepEnd: (info) => {
          if (info.globalStep > 1) tensorCounts.push(tf.memory().numTensors);
        },
      },
    });
    return { epochs: history.epochs, tensorCounts };
  } finally {
    optimizer.dispose();
    workload.dispose();
  }
}

/** Gradients of a fresh workload on its first `rows` rows, computed on the given backend. */
export async function gradientsOn(backend: 'cpu' | 'wasm', make: () => Workload, rows: number): Promise<WorkloadGradients> {
  await useBackend(backend);
  const workload = make();
  try {
    return await workloadGradients(workload, Array.from({ length: rows }, (_, i) => i));
  } finally {
    workload.dispose();
  }
}

/** Readable summary of gradient mismatches for an assertion message. */
export function describeMismatches(mismatches: readonly GradientMismatch[]): string {
  return mismatches
    .map((m) =>
      m.problem === undefined
        ? `${m.variable}: ${m.mismatched}/${m.size} beyond tolerance, worst at ${m.worstIndex}: ` +
          `cpu ${m.reference} vs ${m.candidate} (${m.worstRatio.toFixed(1)}x the allowed error)`
        : `${m.variable}: ${m.problem}`,
    )
    .join('\n');
}

export { compareGradients };
