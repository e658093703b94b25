#!/usr/bin/env node
// Runtime benchmark: train-step throughput of the MLP workload on every backend that loads here, and the step-time
// cost of sigmoid focal loss over plain sigmoid cross-entropy, measured in one process. Prints one JSON line per
// measurement and writes them all to bench-results/runtime.json at the repository root.
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';

import { sigmoidCrossEntropy, sigmoidFocalLoss } from '@counterweight/core-losses';
import type * as tf from '@tensorflow/tfjs-core';

import { initBackend, type BackendName } from '../backend.js';
import { writeJsonAtomic } from '../atomic-write.js';
import { repositoryRoot } from '../data/shared-data.js';
import type { LossFunction } from '../training/trainer.js';
import { measureLosses } from './measure.js';
import { mlpWorkload } from './workloads.js';

const LOSSES: Readonly<Record<string, LossFunction>> = {
  sigmoidCrossEntropy: (targets, logits, weights) =>
    sigmoidCrossEntropy(targets, logits, { reduction: 'mean', ...(weights === undefined ? {} : { weights }) }) as tf.Scalar,
  sigmoidFocalLoss: (targets, logits, weights) =>
    sigmoidFocalLoss(targets, logits, { reduction: 'mean', ...(weights === undefined ? {} : { weights }) }) as tf.Scalar,
};

/** Repetitions per backend: the cpu backend takes seconds per step. */
const PLAN: ReadonlyArray<{ backend: BackendName; batches: number; repetitions: number }> = [
  { backend: 'tensorflow', batches: 8, repetitions: 5 },
  { backend: 'wasm', batches: 4, repetitions: 5 },
  { backend: 'cpu', batches: 1, repetitions: 3 },
];

async function main(): Promise<void> {
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version };
  const results: Array<Record<string, unknown>> = [];
  const emit = (record: Record<string, unknown>): void => {
    results.push(record);
    process.stdout.write(`${JSON.stringify(record)}\n`);
  };
  for (const { backend, batches, repetitions } of PLAN) {
    let threads: number;
    try {
      threads = (await initBackend(backend)).threads;
    } catch (error) {
      process.stderr.write(`skipping ${backend}: ${error instanceof Error ? error.message : String(error)}\n`);
      continue;
    }
    const workload = mlpWorkload({ seed: 1, batchSize: 1024, batches });
    try {
      const measured = await measureLosses(workload, LOSSES, { repetitions, seed: 1 });
      for (const [loss, sample] of Object.entries(measured)) {
        emit({
          workload: 'mlp',
          backend,
          threads,
          loss,
          batchSize: workload.batchSize,
          samplesPerSec: Math.round(sample.samplesPerSec),
          stepMs: Number(sample.stepMs.toFixed(2)),
          repetitions,
        });
      }
      const focal = measured['sigmoidFocalLoss'];
      const ce = measured['sigmoidCrossEntropy'];
      if (focal !== undefined && ce !== undefined) {
        emit({
          workload: 'mlp',
          backend,
          comparison: 'stepTime(sigmoidFocalLoss) / stepTime(sigmoidCrossEntropy)',
          ratio: Number((focal.stepMs / ce.stepMs).toFixed(3)),
        });
      }
    } finally {
      workload.dispose();
    }
  }
  const out = join(repositoryRoot(), 'bench-results', 'runtime.json');
  await writeJsonAtomic(out, { benchmark: 'runtime', date: new Date().toISOString(), machine, results });
  process.stderr.write(`wrote ${out}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`runtime bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
