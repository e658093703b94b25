#!/usr/bin/env node
// imbalanced-vision benchmark, one process, one sitting: training images/s of the app's models (cnn, resnet; linear
// head; recipe `ce`: softmax cross-entropy, SGD with momentum, batch 128) on real Fashion-MNIST images per tfjs backend,
// the step-time ratio of the imbalance recipes (LDAM, logit-adjusted, class-balanced focal, VS, SAM) to plain
// cross-entropy on the cnn/wasm, and inference images/s of tfjs (wasm) against onnxruntime-node at batch 1 and 256.
// Prints one JSON line per measurement and writes them all to bench-results/imbalanced-vision.json at the repository
// root.
//
// Options (all optional; the default runs everything): --backends wasm,cpu  --archs cnn,resnet  --quick (one timed step
// per configuration after one warm-up step, batch 8 on the cpu backend, tiny inference timings: a smoke test, not
// numbers to quote). A partial run still writes the file.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { BenchOptionError, errorText, listOption } from '@counterweight/bench-kit';
import { initBackend, repositoryRoot, writeJsonAtomic } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { env as onnxruntimeEnv } from 'onnxruntime-node';

import { classCounts } from '../data/image-set.js';
import { longTailCounts } from '../data/long-tail.js';
import { COMPARE_DEFAULTS } from '../experiment/options.js';
import { ARCHITECTURES, type Architecture } from '../models/options.js';
import { createModel } from '../models/vision-model.js';
import { SINGLE_LABEL_BATCH, type RecipeContext } from '../recipes/index.js';
import { benchDataset, loadBenchImages, type BenchImages } from './bench-images.js';
import { compareInference, inferenceRatios } from './inference-comparison.js';
import { BASELINE_RECIPE, COMPARED_RECIPES, recipeStepConfigs } from './recipe-steps.js';
import { measureTrainingThroughput, type TrainingThroughput } from './training-throughput.js';

/** Backends measured, in order. */
const BENCH_BACKENDS = ['wasm', 'cpu'] as const;
type BenchBackend = (typeof BENCH_BACKENDS)[number];

const NUM_CLASSES = 10;

interface BackendPlan {
  readonly backend: BenchBackend;
  /** Batches in the training data set; one epoch of them is one repetition. */
  readonly batches: number;
  readonly repetitions: number;
  /** Seconds of timed repetitions per architecture at most, estimated from the warm-up epoch (at least one repetition). */
  readonly budgetSeconds: number;
  /** Architectures whose recipe steps are compared with cross-entropy on this backend. */
  readonly compareRecipes: readonly Architecture[];
  /** Architectures not run on this backend, with the reason. */
  readonly skip?: Partial<Record<Architecture, string>>;
  /** Images per step with --quick when the recipes' batch of 128 is too slow for a smoke test. */
  readonly quickBatchSize?: number;
}

const PLAN: readonly BackendPlan[] = [
  { backend: 'wasm', batches: 4, repetitions: 5, budgetSeconds: 60, compareRecipes: ['cnn'] },
  {
    backend: 'cpu',
    batches: 1,
    repetitions: 3,
    budgetSeconds: 60,
    compareRecipes: [],
    quickBatchSize: 8, // one batch-128 cnn step takes about a minute here
    skip: {
      resnet:
        "tfjs-cpu's convolution gradients make one batch-128 cnn step take about a minute (~400x wasm); the resnet's " +
        "step costs ~5x the cnn's, so a single one would take several minutes",
    },
  },
];

/** --quick: one timed step per configuration after one warm-up step. */
const QUICK = { batches: 1, repetitions: 1, budgetSeconds: 0 } as const;

/** How the figures were obtained, stored with them. */
const METHOD =
  'training: runtime train() steps (forward, backward, SGD-momentum update, loss read-back) on the first ' +
  'batches x batchSize Fashion-MNIST training images, one epoch per repetition, every recipe from the same weights ' +
  'on the same linear-head model (only loss, optimiser settings and SAM differ), alternating, median of the ' +
  "trainer's images/s after one warm-up epoch; inference: measureInference (tfjs logits() + data() vs " +
  'onnxruntime-node session.run of the exportOnnx file, random images, median of repetitions)';

/** Inference timing: batch sizes, onnxruntime thread counts, seconds per repetition, repetitions. */
const INFERENCE = { batchSizes: [1, 256], threads: [...new Set([1, availableParallelism()])], minSeconds: 0.25, repetitions: 5 };
const QUICK_INFERENCE = { ...INFERENCE, minSeconds: 0.01, repetitions: 1 };

type Emit = (record: Record<string, unknown>) => void;

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** Whole images/s from 100 up, two decimals below (the cpu backend trains at a few images/s). */
function roundRate(imagesPerSec: number): number {
  return imagesPerSec >= 100 ? Math.round(imagesPerSec) : round(imagesPerSec, 2);
}

function throughputRecord(
  arch: Architecture,
  backend: string,
  threads: number,
  recipe: string,
  batchSize: number,
  m: TrainingThroughput,
): Record<string, unknown> {
  return {
    arch,
    head: 'linear',
    backend,
    threads,
    recipe,
    batchSize,
    imagesPerSec: roundRate(m.imagesPerSec),
    stepMs: round(m.stepMs, 1),
    repetitions: m.repetitions,
    stepsPerRepetition: m.stepsPerRepetition,
    spread: round(m.spread, 3),
    firstLoss: round(m.firstLoss, 4),
    lastLoss: round(m.lastLoss, 4),
    ...(m.skippedSteps > 0 ? { skippedSteps: m.skippedSteps } : {}),
  };
}

/**
 * What the recipes build their losses from: the default comparison's long-tailed class counts (ρ and profile of
 * `COMPARE_DEFAULTS`, head class as large as the loaded training split's). Step time does not depend on them.
 */
function recipeContext(arch: Architecture, images: BenchImages, stepsPerEpoch: number): RecipeContext {
  const nMax = Math.max(...classCounts(images.train.labels, NUM_CLASSES));
  const { profile, imbalanceRatio } = COMPARE_DEFAULTS;
  return {
    numClasses: NUM_CLASSES,
    classCounts: longTailCounts({ profile, imbalanceRatio, nMax, numClasses: NUM_CLASSES }),
    epochs: 1,
    stepsPerEpoch,
    batchNormBackbone: arch === 'resnet',
  };
}

interface TrainingRun {
  readonly arch: Architecture;
  readonly plan: BackendPlan;
  /** Threads of the backend (from `initBackend`). */
  readonly threads: number;
  readonly images: BenchImages;
  readonly quick: boolean;
}

/**
 * Trains one architecture on the current backend with the baseline recipe (and, where the plan says so, every
 * compared recipe in alternation) and emits its throughput and the step-time ratios.
 */
async function benchTraining({ arch, plan, threads, images, quick }: TrainingRun, emit: Emit): Promise<void> {
  const batches = quick ? QUICK.batches : plan.batches;
  const batchSize = quick ? (plan.quickBatchSize ?? SINGLE_LABEL_BATCH) : SINGLE_LABEL_BATCH;
  const data = benchDataset(images.train, batches * batchSize);
  const names = plan.compareRecipes.includes(arch) ? [BASELINE_RECIPE, ...COMPARED_RECIPES] : [BASELINE_RECIPE];
  const configs = recipeStepConfigs(names, recipeContext(arch, images, batches));
  const model = createModel({ arch, head: 'linear', inputShape: [28, 28, 1], numClasses: NUM_CLASSES, seed: 1 });
  try {
    const measured = await measureTrainingThroughput(model, data, configs, {
      batchSize,
      repetitions: quick ? QUICK.repetitions : plan.repetitions,
      budgetSeconds: quick ? QUICK.budgetSeconds : plan.budgetSeconds,
      seed: 1,
    });
    for (const config of configs) {
      const m = measured[config.name];
      if (m === undefined) continue;
      emit({ ...throughputRecord(arch, plan.backend, threads, config.name, batchSize, m), description: config.description });
    }
    const base = measured[BASELINE_RECIPE];
    for (const name of names.filter((n) => n !== BASELINE_RECIPE)) {
      const m = measured[name];
      if (base === undefined || m === undefined) continue;
      const comparison = `stepTime(${name}) / stepTime(${BASELINE_RECIPE})`;
      emit({ arch, backend: plan.backend, comparison, ratio: round(m.stepMs / base.stepMs, 3) });
    }
  } finally {
    model.dispose();
  }
}

/** Inference of every architecture in tfjs (wasm) and onnxruntime-node, with the ratios onnxruntime / tfjs. */
async function benchInference(archs: readonly Architecture[], quick: boolean, emit: Emit): Promise<void> {
  try {
    await initBackend('wasm');
  } catch (error) {
    emit({ inference: 'tfjs vs onnxruntime', skipped: `the wasm backend did not load: ${errorText(error)}` });
    return;
  }
  for (const arch of archs) {
    try {
      const measured = await compareInference(arch, quick ? QUICK_INFERENCE : INFERENCE);
      for (const m of measured) {
        emit({
          arch,
          inference: m.engine,
          backend: m.backend,
          threads: m.threads,
          batchSize: m.batchSize,
          imagesPerSec: roundRate(m.imagesPerSecond),
          batchMs: round(m.batchMilliseconds, 3),
        });
      }
      for (const r of inferenceRatios(measured)) {
        emit({
          arch,
          batchSize: r.batchSize,
          comparison: 'onnxruntime/tfjs',
          ratio: round(r.ratio, 3),
          onnxruntimeThreads: r.onnxruntimeThreads,
          onnxruntime: roundRate(r.onnxruntime),
          [`tfjs-${r.tfjsBackend}`]: roundRate(r.tfjs),
          ...(r.ratioOneThread === undefined ? {} : { ratioOneThread: round(r.ratioOneThread, 3) }),
        });
      }
    } catch (error) {
      emit({ arch, inference: 'tfjs vs onnxruntime', error: errorText(error) });
    }
  }
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: { backends: { type: 'string' }, archs: { type: 'string' }, quick: { type: 'boolean' } },
  });
  const backends = listOption(flags.backends, BENCH_BACKENDS, '--backends');
  const archs = listOption(flags.archs, ARCHITECTURES, '--archs');
  const quick = flags.quick === true;
  const started = performance.now();
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    node: process.version,
    tfjs: tf.version_core,
    onnxruntime: onnxruntimeEnv.versions.node,
    loadAverageAtStart: loadavg().map((v) => round(v, 2)),
  };
  const results: Array<Record<string, unknown>> = [];
  const emit: Emit = (record) => {
    results.push(record);
    process.stdout.write(`${JSON.stringify(record)}\n`);
  };

  const images = await loadBenchImages();
  const data = {
    source: images.source,
    dir: images.dir,
    trainImages: images.train.count,
    ...(images.fallbackReason === undefined ? {} : { fallbackReason: images.fallbackReason }),
  };
  emit({ data: 'fashion-mnist', ...data });

  for (const plan of PLAN.filter((p) => backends.includes(p.backend))) {
    let threads: number;
    try {
      threads = (await initBackend(plan.backend)).threads;
    } catch (error) {
      emit({ backend: plan.backend, skipped: errorText(error) });
      continue;
    }
    for (const arch of archs) {
      const reason = plan.skip?.[arch];
      if (reason !== undefined) {
        emit({ arch, backend: plan.backend, skipped: reason });
        continue;
      }
      try {
        await benchTraining({ arch, plan, threads, images, quick }, emit);
      } catch (error) {
        emit({ arch, backend: plan.backend, error: errorText(error) });
      }
    }
  }
  await benchInference(archs, quick, emit);

  const out = join(repositoryRoot(), 'bench-results', 'imbalanced-vision.json');
  const seconds = round((performance.now() - started) / 1000, 1);
  await writeJsonAtomic(out, {
    benchmark: 'imbalanced-vision',
    date: new Date().toISOString(),
    quick,
    method: METHOD,
    machine: { ...machine, loadAverageAtEnd: loadavg().map((v) => round(v, 2)) },
    data,
    seconds,
    results,
  });
  process.stderr.write(`wrote ${out} (${seconds} s)\n`);
}

main().catch((error: unknown) => {
  // A bad flag is one line, the last on screen; a failure of the bench itself keeps its stack.
  const code = (error as { code?: unknown }).code;
  const flagError = error instanceof BenchOptionError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
  const text = flagError ? `${errorText(error)} (options: --backends, --archs, --quick)` : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`imbalanced-vision bench: ${text}\n`);
  process.exitCode = 1;
});
