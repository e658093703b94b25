#!/usr/bin/env node
// Loss benchmark: what each loss of @counterweight/core-losses costs in one training step against a plain baseline
// (same model, same batches, one process, alternating rounds, median over rounds). Two workloads:
//   --workload cnn (default): the train-bench cnn against softmax cross-entropy, SAM and AWP steps, and each catalog
//     loss's forward + backward alone; writes bench-results/loss-bench.json.
//   --workload regression: a small forecasting MLP against plain MAE, every regression member (point, pinball,
//     frequency-weighted, LDS, Balanced MSE, classification-aided, task weighters); writes
//     bench-results/loss-bench-regression.json.
//   --workload gpt: the train-bench gpt (character transformer) against plain softmax cross-entropy, every
//     language-model member (sample reweighting, CE + λ·NTL, spherical Z-loss, log-partition penalty, MD4's masked
//     diffusion loss with its masking sampler); writes bench-results/loss-bench-gpt.json.
// Other flags: --backend auto|tensorflow|wasm|cpu (or the first positional argument, or COUNTERWEIGHT_BACKEND),
// --repetitions N and --batches N (regression and gpt: timed rounds and steps per epoch). Prints one JSON line per measurement.
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { BenchOptionError, errorText } from '@counterweight/bench-kit';
import { initBackend, repositoryRoot, resolveBackendRequest } from '@counterweight/runtime';
import { CNN_CLASSES, cnnWorkload } from '@counterweight/train-bench';

import { LOSS_BENCH_WORKLOADS, writeBenchReport, type LossBenchWorkload } from './bench-report.js';
import { catalogConfigs, classCounts, lossOnlyTimes, stepTimes, type StepConfig } from './overhead.js';
import { gptStepRecords } from './gpt-bench.js';
import { regressionStepRecords } from './regression-bench.js';

const BASELINE = 'softmaxCrossEntropy';

type Emit = (record: Record<string, unknown>) => void;

async function runCnn(backend: string, emit: Emit): Promise<void> {
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
      emit({ workload: 'cnn', backend, batchSize: workload.batchSize, config: name, stepMs: Number(ms.toFixed(2)), ratio: Number((ms / base).toFixed(3)) });
    }
    const alone = lossOnlyTimes(counts, { batch: workload.batchSize, iterations: 20, repetitions: 5 });
    const aloneBase = alone[BASELINE] ?? Number.NaN;
    for (const [name, us] of Object.entries(alone)) {
      emit({ lossOnly: name, backend, logits: [workload.batchSize, CNN_CLASSES], forwardBackwardUs: Math.round(us), ratio: Number((us / aloneBase).toFixed(2)) });
    }
  } finally {
    workload.dispose();
  }
}

function positiveFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new BenchOptionError(flag, `must be a positive integer, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { workload: { type: 'string' }, backend: { type: 'string' }, repetitions: { type: 'string' }, batches: { type: 'string' } },
    allowPositionals: true,
  });
  const workload = (values.workload ?? 'cnn').trim() as LossBenchWorkload;
  if (!LOSS_BENCH_WORKLOADS.includes(workload)) {
    throw new BenchOptionError('--workload', `unknown workload "${values.workload ?? ''}"; use one of ${LOSS_BENCH_WORKLOADS.join(', ')}`);
  }
  const repetitions = positiveFlag(values.repetitions, '--repetitions');
  const batches = positiveFlag(values.batches, '--batches');
  if (workload === 'cnn' && (repetitions !== undefined || batches !== undefined)) {
    throw new BenchOptionError(repetitions === undefined ? '--batches' : '--repetitions', 'applies to --workload regression or gpt only');
  }
  const backend = (await initBackend(resolveBackendRequest(values.backend ?? positionals[0]))).name;
  const results: Array<Record<string, unknown>> = [];
  const emit: Emit = (record) => {
    results.push(record);
    process.stdout.write(`${JSON.stringify(record)}\n`);
  };
  const started = performance.now();
  if (workload === 'cnn') {
    await runCnn(backend, emit);
  } else if (workload === 'gpt') {
    const records = await gptStepRecords(backend, { ...(repetitions === undefined ? {} : { repetitions }), ...(batches === undefined ? {} : { batches }) });
    records.forEach((r) => emit({ ...r }));
  } else {
    const records = await regressionStepRecords(backend, { ...(repetitions === undefined ? {} : { repetitions }), ...(batches === undefined ? {} : { batches }) });
    records.forEach((r) => emit({ ...r }));
  }
  const out = join(repositoryRoot(), 'bench-results', workload === 'cnn' ? 'loss-bench.json' : `loss-bench-${workload}.json`);
  await writeBenchReport(out, { workload, backend, seconds: (performance.now() - started) / 1000, results });
  process.stderr.write(`wrote ${out}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`loss bench: ${error instanceof BenchOptionError ? error.message : error instanceof Error ? (error.stack ?? errorText(error)) : String(error)}\n`);
  process.exitCode = error instanceof BenchOptionError ? 2 : 1;
});
