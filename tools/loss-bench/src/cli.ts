#!/usr/bin/env node
// Loss benchmark: what each loss of @counterweight/core-losses costs in one training step of the cnn workload against
// plain softmax cross-entropy (same model, same batches, one process), the cost of SAM and AWP steps, and each loss's
// forward + backward time alone. Prints one JSON line per measurement; writes bench-results/loss-bench.json.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';

import { initBackend, repositoryRoot, resolveBackendRequest, writeJsonAtomic } from '@counterweight/runtime';
import { CNN_CLASSES, cnnWorkload } from '@counterweight/train-bench';
import * as tf from '@tensorflow/tfjs-core';

import { catalogConfigs, classCounts, lossOnlyTimes, stepTimes, type StepConfig } from './overhead.js';

const BASELINE = 'softmaxCrossEntropy';

async function main(): Promise<void> {
  const backend = await initBackend(resolveBackendRequest(process.argv[2]));
  const results: Array<Record<string, unknown>> = [];
  const emit = (record: Record<string, unknown>): void => {
    results.push(record);
    process.stdout.write(`${JSON.stringify(record)}\n`);
  };
  const started = performance.now();
  const workload = cnnWorkload({ seed: 1, batches: 2 });
  try {
    const counts = classCounts(workload, CNN_CLASSES);
    const losses = catalogConfigs(counts);
    const baseline = losses.find((c) => c.name === BASELINE);
    if (baseline === undefined) throw new Error(`${BASELINE} is not in LOSS_CATALOG`);
    const perturbed: StepConfig[] = [
      { name: `${BASELINE} + SAM (rho 0.05)`, loss: baseline.loss, weightPerturbation: { kind: 'sam', rho: 0.05 } },
      { name: `${BASELINE} + AWP (gamma 0.01)`, loss: baseline.loss, weightPerturbation: { kind: 'awp', gamma: 0.01 } },
    ];
    const steps = await stepTimes(workload, [...losses, ...perturbed], { repetitions: 3, seed: 1 });
    const base = steps[BASELINE] ?? Number.NaN;
    for (const [name, ms] of Object.entries(steps)) {
      emit({ workload: 'cnn', backend: backend.name, batchSize: workload.batchSize, config: name, stepMs: Number(ms.toFixed(2)), ratio: Number((ms / base).toFixed(3)) });
    }
    const alone = lossOnlyTimes(counts, { batch: workload.batchSize, iterations: 20, repetitions: 5 });
    const aloneBase = alone[BASELINE] ?? Number.NaN;
    for (const [name, us] of Object.entries(alone)) {
      emit({ lossOnly: name, backend: backend.name, logits: [workload.batchSize, CNN_CLASSES], forwardBackwardUs: Math.round(us), ratio: Number((us / aloneBase).toFixed(2)) });
    }
  } finally {
    workload.dispose();
  }
  const out = join(repositoryRoot(), 'bench-results', 'loss-bench.json');
  await writeJsonAtomic(out, {
    benchmark: 'loss-bench',
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version, tfjs: tf.version_core, loadAverage: loadavg() },
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    results,
  });
  process.stderr.write(`wrote ${out}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`loss bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
