#!/usr/bin/env node
// Training-step benchmark (`npx nx run train-bench:bench`): train-step throughput of the benchmark workloads
// (mlp, cnn, gpt, nanogpt, ctr) on every tfjs backend that loads here, the step-time cost of sigmoid focal loss over sigmoid
// cross-entropy on the mlp, and - when a Python with torch is found - the same workloads in PyTorch (1 and 2 threads)
// in the same sitting, with wasm/torch ratios. On wasm every workload runs in three modes: `single` (this process, one
// compute thread), `data-parallel` (this process plus one worker replica per extra core) and `threaded` (a child
// process on tfjs-backend-wasm's threaded SIMD build, one compute thread per core, no worker pool); the ratio uses the
// fastest of them.
// Prints one JSON line per measurement and writes them all to bench-results/train-bench.json at the repository root.
//
// Options (all optional; the default runs everything): --workloads mlp,cnn,gpt,nanogpt,ctr  --backends tensorflow,wasm,cpu
// --no-torch. A partial run still writes bench-results/train-bench.json.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { BenchOptionError, errorText, findTorchPython, listOption } from '@counterweight/bench-kit';
import { sigmoidCrossEntropy, sigmoidFocalLoss } from '@counterweight/core-losses';
import { BACKEND_NAMES, GradientWorkerPool, initBackend, repositoryRoot, writeJsonAtomic, type BackendName, type LossFunction } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import { measureLosses, measureWorkload } from './measure.js';
import { WORKLOAD_REPLICA_MODULE } from './replica.js';
import { measureThreadedWasm, threadedWasmThreads } from './threaded-wasm.js';
import { roundRate, roundTo as round, throughputRecord, type TrainingMode } from './throughput-record.js';
import { bestByWorkload, runTorchPeer, type TorchRecord } from './torch-peer.js';
import { WORKLOAD_NAMES, type WorkloadName } from './workload.js';
import { WORKLOADS } from './workloads.js';

/** The mlp's loss comparison: focal loss against the workload's own sigmoid cross-entropy. */
const MLP_LOSSES: Readonly<Record<string, LossFunction>> = {
  sigmoidCrossEntropy: ({ targets, predictions: logits, sampleWeights: weights }) =>
    sigmoidCrossEntropy(targets, logits, { reduction: 'mean', validate: false, ...(weights === undefined ? {} : { weights }) }) as tf.Scalar,
  sigmoidFocalLoss: ({ targets, predictions: logits, sampleWeights: weights }) =>
    sigmoidFocalLoss(targets, logits, { reduction: 'mean', validate: false, ...(weights === undefined ? {} : { weights }) }) as tf.Scalar,
};

/** Minimum ratio of wasm to best-PyTorch throughput that issue 3 asks for (issue 18 for `nanogpt`). */
const WASM_GOALS: Readonly<Record<WorkloadName, number>> = { mlp: 0.25, cnn: 0.15, gpt: 0.1, nanogpt: 0.5, ctr: 0.2 };

interface BackendPlan {
  readonly backend: BackendName;
  /** Batches per epoch (the data-set size); one epoch is one repetition. */
  readonly batches: number;
  readonly repetitions: number;
  /** Seconds of timed repetitions per workload at most, estimated from the warm-up epoch (at least one repetition). */
  readonly budgetSeconds: number;
  /** Workloads not run on this backend, with the reason. */
  readonly skip?: Partial<Record<WorkloadName, string>>;
  /**
   * Also measure data-parallel steps with this many worker threads besides the main thread (this process's wasm
   * computes on one thread). 0: not measured (tfjs-node already uses every core; tfjs-cpu is too slow to matter).
   */
  readonly parallelWorkers: number;
  /**
   * Also measure the `threaded` mode: a child process whose wasm backend computes with this many threads
   * (tfjs-backend-wasm's threaded SIMD build; no worker pool). 0: not measured (other backends); 1: one core only,
   * reported as skipped.
   */
  readonly threadedThreads: number;
}

const PLAN: readonly BackendPlan[] = [
  { backend: 'tensorflow', batches: 8, repetitions: 5, budgetSeconds: 30, parallelWorkers: 0, threadedThreads: 0 },
  {
    backend: 'wasm',
    batches: 4,
    repetitions: 5,
    budgetSeconds: 40,
    parallelWorkers: availableParallelism() - 1,
    threadedThreads: threadedWasmThreads(),
  },
  {
    backend: 'cpu',
    batches: 1,
    repetitions: 3,
    budgetSeconds: 30,
    parallelWorkers: 0,
    threadedThreads: 0,
    skip: {
      cnn: "tfjs-cpu's Conv2DBackpropFilter makes one batch-256 training step take over a minute",
      ctr: "tfjs-cpu's UnsortedSegmentSum (the gather gradient) loops over all 100,000 table rows: minutes per step",
    },
  },
];

type Emit = (record: Record<string, unknown>) => void;

/** The fastest measurement of a workload's own loss on one backend, and how it ran. */
interface BestRate {
  readonly samplesPerSec: number;
  readonly mode: TrainingMode;
  readonly threads: number;
}

/** The faster of two measurements (the first on a tie). */
function faster(a: BestRate, b: BestRate): BestRate {
  return b.samplesPerSec > a.samplesPerSec ? b : a;
}

/**
 * Measures one workload on the current backend: single-threaded (for the mlp, with cross-entropy and focal loss
 * alternating), then, when the plan asks for them, with data-parallel steps over worker threads and in a child process
 * on the threaded wasm build (`threaded` mode; a failure there is reported and the other modes still count).
 * @returns the fastest mode's samples/s of the workload's own loss.
 */
async function benchWorkload(name: WorkloadName, plan: BackendPlan, threads: number, emit: Emit): Promise<BestRate> {
  const workload = WORKLOADS[name]({ seed: 1, batches: plan.batches });
  const options = { repetitions: plan.repetitions, budgetSeconds: plan.budgetSeconds, seed: 1 };
  let best: BestRate;
  try {
    if (name !== 'mlp') {
      const sample = await measureWorkload(workload, options);
      emit(throughputRecord(workload, plan.backend, threads, workload.lossName, sample));
      best = { samplesPerSec: sample.samplesPerSec, mode: 'single', threads };
    } else {
      const measured = await measureLosses(workload, MLP_LOSSES, options);
      const ce = measured['sigmoidCrossEntropy'];
      const focal = measured['sigmoidFocalLoss'];
      if (ce === undefined || focal === undefined) throw new Error('the mlp loss comparison measured nothing');
      emit(throughputRecord(workload, plan.backend, threads, 'sigmoidCrossEntropy', ce));
      emit(throughputRecord(workload, plan.backend, threads, 'sigmoidFocalLoss', focal));
      emit({
        workload: 'mlp',
        backend: plan.backend,
        comparison: 'stepTime(sigmoidFocalLoss) / stepTime(sigmoidCrossEntropy)',
        ratio: round(focal.stepMs / ce.stepMs, 3),
      });
      best = { samplesPerSec: ce.samplesPerSec, mode: 'single', threads };
    }
    if (plan.parallelWorkers > 0) {
      const pool = await GradientWorkerPool.start({
        replica: { module: WORKLOAD_REPLICA_MODULE, export: 'workloadReplica', options: { name, seed: 1, batchSize: workload.batchSize } },
        dataset: workload.data,
        workers: plan.parallelWorkers,
        backend: plan.backend,
        model: workload.model,
        seed: 1,
      });
      try {
        const sample = await measureWorkload(workload, { ...options, pool });
        const parallelThreads = threads + plan.parallelWorkers;
        emit(throughputRecord(workload, plan.backend, parallelThreads, workload.lossName, sample, 'data-parallel'));
        best = faster(best, { samplesPerSec: sample.samplesPerSec, mode: 'data-parallel', threads: parallelThreads });
      } finally {
        await pool.close();
      }
    }
  } finally {
    workload.dispose();
  }
  if (plan.threadedThreads === 1) {
    emit({ workload: name, backend: plan.backend, mode: 'threaded', skipped: 'one core: the threaded wasm build needs at least 2' });
  } else if (plan.threadedThreads > 1) {
    try {
      const m = await measureThreadedWasm({ workload: name, threads: plan.threadedThreads, batches: plan.batches, ...options });
      emit(m.record);
      best = faster(best, { samplesPerSec: m.samplesPerSec, mode: 'threaded', threads: m.threads });
    } catch (error) {
      emit({ workload: name, backend: plan.backend, mode: 'threaded', threads: plan.threadedThreads, error: errorText(error) });
    }
  }
  return best;
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: { workloads: { type: 'string' }, backends: { type: 'string' }, 'no-torch': { type: 'boolean' } },
  });
  const workloads = listOption(flags.workloads, WORKLOAD_NAMES, '--workloads');
  const backends = listOption(flags.backends, BACKEND_NAMES, '--backends');
  const started = performance.now();
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    node: process.version,
    tfjs: tf.version_core,
    loadAverageAtStart: loadavg().map((v) => round(v, 2)),
  };
  const results: Array<Record<string, unknown>> = [];
  const emit: Emit = (record) => {
    results.push(record);
    process.stdout.write(`${JSON.stringify(record)}\n`);
  };
  // the fastest mode's samples/s by backend and workload, for the ratios against torch
  const measured = new Map<BackendName, Map<WorkloadName, BestRate>>();

  for (const plan of PLAN.filter((p) => backends.includes(p.backend))) {
    let threads: number;
    try {
      // One compute thread in this process whatever COUNTERWEIGHT_WASM_THREADS says: `single` and `data-parallel` are
      // measured here, the threaded wasm build in a child process of its own (`threaded`).
      threads = (await initBackend(plan.backend, { threads: 1 })).threads;
    } catch (error) {
      emit({ backend: plan.backend, skipped: errorText(error) });
      continue;
    }
    const byWorkload = new Map<WorkloadName, BestRate>();
    measured.set(plan.backend, byWorkload);
    for (const name of workloads) {
      const reason = plan.skip?.[name];
      if (reason !== undefined) {
        emit({ workload: name, backend: plan.backend, skipped: reason });
        continue;
      }
      try {
        byWorkload.set(name, await benchWorkload(name, plan, threads, emit));
      } catch (error) {
        emit({ workload: name, backend: plan.backend, error: errorText(error) });
      }
    }
  }

  const { found, tried } = flags['no-torch'] === true ? { found: undefined, tried: [] } : await findTorchPython();
  if (flags['no-torch'] === true) {
    emit({ backend: 'torch', skipped: '--no-torch' });
  } else if (found === undefined) {
    emit({ backend: 'torch', skipped: `no Python that can import torch (tried ${tried.join(', ')})` });
  } else {
    process.stderr.write(`torch peer: ${found.command} (torch ${found.torchVersion}), 1 and 2 threads\n`);
    let records: TorchRecord[] = [];
    try {
      records = await runTorchPeer(found.command, {
        workloads,
        threads: [1, 2],
        batches: 4,
        repetitions: 5,
        onRecord: (record) => emit({ ...record, python: found.command }),
      });
    } catch (error) {
      emit({ backend: 'torch', error: errorText(error) });
    }
    // Debian's torch calls whatever libblas.so.3 is installed; the netlib reference BLAS is ~30x slower than OpenBLAS.
    const blas = [...new Set(records.flatMap((r) => (Array.isArray(r['blas']) ? (r['blas'] as unknown[]).map(String) : [])))];
    if (blas.length > 0 && !blas.some((path) => /openblas|blis|mkl/i.test(path))) {
      emit({
        backend: 'torch',
        warning:
          `torch runs on the reference BLAS (${blas.join(', ')}), not an optimised one, so its dense layers are far ` +
          'slower than usual and the ratios below flatter tfjs; install OpenBLAS (Debian: libopenblas0-pthread) for a fair peer',
      });
    }
    const cores = new Set(records.map((r) => r['openblasCore']).filter((c): c is string => typeof c === 'string'));
    if (cores.has('Prescott')) {
      emit({
        backend: 'torch',
        warning:
          'OpenBLAS chose its generic Prescott (SSE3) kernels: it does not recognise this CPU, so torch runs several ' +
          'times below its speed here; set OPENBLAS_CORETYPE (e.g. Haswell, or SkylakeX on AVX-512 CPUs) for a fair peer',
      });
    }
    const best = bestByWorkload(records);
    for (const [backend, byWorkload] of measured) {
      for (const [name, tfjs] of byWorkload) {
        const torch = best.get(name);
        if (torch?.samplesPerSec === undefined) continue;
        const ratio = tfjs.samplesPerSec / torch.samplesPerSec;
        emit({
          workload: name,
          comparison: `${backend}/torch`,
          ratio: round(ratio, 4),
          [backend]: roundRate(tfjs.samplesPerSec),
          // the mode (single, data-parallel or threaded) and thread count of the fastest measurement, the ratio's numerator
          mode: tfjs.mode,
          threads: tfjs.threads,
          torch: roundRate(torch.samplesPerSec),
          torchThreads: torch.threads,
          ...(backend === 'wasm' ? { goal: WASM_GOALS[name], meetsGoal: ratio >= WASM_GOALS[name] } : {}),
        });
      }
    }
  }

  const out = join(repositoryRoot(), 'bench-results', 'train-bench.json');
  const seconds = round((performance.now() - started) / 1000, 1);
  await writeJsonAtomic(out, {
    benchmark: 'train-bench',
    date: new Date().toISOString(),
    machine: { ...machine, loadAverageAtEnd: loadavg().map((v) => round(v, 2)) },
    seconds,
    results,
  });
  process.stderr.write(`wrote ${out} (${seconds} s)\n`);
}

main().catch((error: unknown) => {
  // A bad flag is one line, the last on screen; a failure of the bench itself keeps its stack.
  const code = (error as { code?: unknown }).code;
  const flagError = error instanceof BenchOptionError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
  const text = flagError ? `${errorText(error)} (options: --workloads, --backends, --no-torch)` : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`train-bench: ${text}\n`);
  process.exitCode = 1;
});
