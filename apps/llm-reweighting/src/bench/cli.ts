#!/usr/bin/env node
// llm-reweighting benchmark (`npx nx run llm-reweighting:bench`), one process, one sitting:
//  1. training: tokens/s of the app's GPT in nanoGPT's CPU configuration (4 layers, 4 heads, width 128, context 64,
//     vocabulary 65, batch 12) with plain cross-entropy and AdamW through the runtime's train(): wasm single-threaded,
//     wasm data-parallel over every core (worker replicas from gpt-replica.ts), wasm threaded (a child process on
//     tfjs-backend-wasm's threaded SIMD build, one compute thread per core, no worker pool; threaded-training.ts), and
//     the cpu backend (few steps);
//  2. the PyTorch peer: the same GPT, loss, optimiser and batch in bench/torch_gpt.py, one process per thread count
//     (1 and 2); the headline is wasm-best / torch-best;
//  3. overhead: step time of loss-based reweighting (linupper, after its warm-up) over plain cross-entropy (uniform),
//     same model and batches, single-threaded wasm, interleaved repetitions, median ratio;
//  4. generation: greedy tokens/s (prompt 16, 64 new tokens) of tfjs (wasm) against onnxruntime-node on the same GPT.
// Prints one JSON line per measurement and writes everything to bench-results/llm-reweighting.json at the repository
// root (atomically). A partial run still writes the file.
//
// Options (all optional): --stages training,overhead,generation  --backends wasm,cpu  --steps N  --cpu-steps N
// --repetitions N  --workers N (data-parallel worker threads; 0: none)  --wasm-threads N (the threaded mode's compute
// threads, 2..8; 0: none; default one per core)  --threads 1,2 (torch)  --torch-python PATH
// --no-torch  --quick (one repetition, 2 steps: a smoke test, not numbers to quote)  --out FILE.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { BenchOptionError, benchMachine, errorText, listOption, loadAverage, peerWarnings, type PeerOutcome } from '@counterweight/bench-kit';
import { MAX_WASM_THREADS, initBackend, repositoryRoot, writeJsonAtomic } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import { NANOGPT_CPU_CONFIG, parameterCount, type GptConfig } from '../models/index.js';
import { createObjective } from '../objectives/index.js';
import { measureGenerationThroughput } from './generation-throughput.js';
import { measureLossGradientTimes } from './loss-gradient-time.js';
import { measureReweightingOverhead } from './reweighting-overhead.js';
import { trainingHeadline, trainingRatios, type TfjsTokenRate } from './training-comparison.js';
import { defaultWasmThreads, measureThreadedGptTraining } from './threaded-training.js';
import { BENCH_ADAMW, measureGptTraining, type GptTraining, type GptTrainingMode } from './training-throughput.js';
import { torchGptPeer, type TorchGptRecord } from './torch-gpt-peer.js';

const STAGES = ['training', 'overhead', 'generation'] as const;
const BENCH_BACKENDS = ['wasm', 'cpu'] as const;
/** nanoGPT's CPU configuration for TinyShakespeare characters (vocabulary 65). */
const CONFIG: GptConfig = { ...NANOGPT_CPU_CONFIG, vocabularySize: 65 };
const BATCH_SIZE = 12;
const SEED = 1;
const PROMPT_TOKENS = 16;
const NEW_TOKENS = 64;
/** Seconds of timed training repetitions per measurement at most (estimated from the warm-up epoch). */
const BUDGET_SECONDS = 90;
const OPTIONS =
  '--stages, --backends, --steps, --cpu-steps, --repetitions, --workers, --wasm-threads, --threads, --torch-python, --no-torch, --quick, --out';

const METHOD = {
  training:
    'createGpt (4 layers, 4 heads, width 128, context 64, vocabulary 65) trained by runtime train() with the uniform objective ' +
    '(mean token cross-entropy) and AdamW (lr 1e-3, betas 0.9/0.99, weight decay 0.1 on matrices), batch 12, on seeded uniform-random ' +
    "token rows; one untimed warm-up epoch, then epochs of `steps` steps; tokens/s = the trainer's rows × 64 / seconds of its steps " +
    '(batch gather, forward, backward, update, loss read-back), median over repetitions; data-parallel: train({ parallel: { pool } }) ' +
    'with replicas built by benchGptReplica, batch split into one shard per thread; threaded: the same measurement in a child process whose ' +
    "wasm backend runs tfjs-backend-wasm's threaded SIMD build with `wasmThreads` compute threads (XNNPACK operators split over them, no worker pool)",
  peer:
    'bench/torch_gpt.py: the same GPT (fused QKV, causal softmax attention, tanh-GELU MLP 4×, final LN, tied head, createGpt init), ' +
    'mean token cross-entropy, AdamW (same lr, betas, eps 1e-7, decay on rank ≥ 2), batch and steps; one process per thread count with ' +
    'OMP/OPENBLAS/MKL_NUM_THREADS set and OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset; each step timed from the batch gather to loss.item(); ' +
    'median over repetitions; headline = fastest wasm tokens/s (single, data-parallel or threaded) ÷ fastest torch tokens/s',
  overhead:
    'the same GPT and batches on single-threaded wasm: one untimed warm-up epoch of each objective, then repetitions of one uniform and one ' +
    'linupper epoch in alternating order (linupper: Sow et al. 2025, r = 0.4, every timed step after its warm-up, its default weight ' +
    "recorder on); ratio = median over repetitions of linupper step time ÷ uniform step time of the same repetition; lossOnly: the " +
    'loss value and its gradient alone on fixed N(0,1) logits [12, 64, 65] (tf.variableGrads, read back), 20 calls per repetition, ' +
    'the two losses interleaved, median ms per call; impliedStepRatio = 1 + (linupper ms − uniform ms) / uniform step ms',
  generation:
    'greedy generation (no KV cache; every step runs the model on the last ≤ 64 tokens) of an untrained GPT from a 16-token prompt, ' +
    '64 new tokens: tfjs generateTokens on wasm vs the exportGptOnnx file in onnxruntime-node (OnnxLanguageModel, 1 intra-op thread); one ' +
    'warm-up run each, then repetitions of one run each in alternating order; tokens/s = 64 / median run seconds',
};

type Emit = (record: Record<string, unknown>) => void;

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** Whole numbers from 100 up, two decimals below. */
function roundRate(rate: number): number {
  return rate >= 100 ? Math.round(rate) : round(rate, 2);
}

function integerOption(value: string | undefined, fallback: number, flag: string, minimum = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < minimum) {
    throw new BenchOptionError(flag, `must be ${minimum === 0 ? 'a non-negative' : 'a positive'} integer, got "${value}"`);
  }
  return n;
}

function threadCounts(value: string | undefined): number[] {
  if (value === undefined) return [1, 2];
  const counts = value.split(',').map((v) => v.trim()).filter((v) => v !== '').map(Number);
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new BenchOptionError('--threads', `must be comma-separated positive integers, got "${value}"`);
  }
  return [...new Set(counts)];
}

interface Plan {
  readonly stages: readonly (typeof STAGES)[number][];
  readonly backends: readonly (typeof BENCH_BACKENDS)[number][];
  readonly steps: number;
  readonly cpuSteps: number;
  readonly repetitions: number;
  readonly workers: number;
  /** Compute threads of the threaded wasm mode (2..8), or 0: not measured. */
  readonly wasmThreads: number;
}

/** The `--wasm-threads` value: 0 (off) or 2..{@link MAX_WASM_THREADS}; default {@link defaultWasmThreads}. */
function wasmThreadsOption(value: string | undefined): number {
  if (value === undefined) return defaultWasmThreads();
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n === 1 || n < 0 || n > MAX_WASM_THREADS) {
    throw new BenchOptionError('--wasm-threads', `must be 0 (no threaded mode) or an integer from 2 to ${MAX_WASM_THREADS}, got "${value}"`);
  }
  return n;
}

/** The JSON record of one GPT training measurement. */
function trainingRecord(m: GptTraining, simd: boolean | undefined, batchSize: number, context: number): Record<string, unknown> {
  return {
    stage: 'training',
    backend: m.backend,
    mode: m.mode,
    threads: m.threads,
    ...(simd === undefined ? {} : { simd }),
    objective: 'uniform',
    batchSize,
    context,
    tokensPerSec: roundRate(m.tokensPerSec),
    stepMs: round(m.stepMs, 2),
    repetitions: m.repetitions,
    stepsPerRepetition: m.stepsPerRepetition,
    spread: round(m.spread, 3),
    firstLoss: round(m.firstLoss, 4),
    lastLoss: round(m.lastLoss, 4),
    parameterCount: m.parameterCount,
  };
}

async function benchTraining(plan: Plan, emit: Emit): Promise<{ results: Record<string, unknown>[]; rates: TfjsTokenRate[] }> {
  const results: Record<string, unknown>[] = [];
  const rates: TfjsTokenRate[] = [];
  const record = (r: Record<string, unknown>): void => {
    results.push(r);
    emit(r);
  };
  for (const backend of plan.backends) {
    let simd: boolean | undefined;
    try {
      // One compute thread in this process whatever COUNTERWEIGHT_WASM_THREADS says: the threaded build runs in a child.
      ({ simd } = await initBackend(backend, { log: null, threads: 1 }));
    } catch (error) {
      record({ stage: 'training', backend, skipped: errorText(error) });
      continue;
    }
    const steps = backend === 'cpu' ? plan.cpuSteps : plan.steps;
    const repetitions = backend === 'cpu' ? Math.min(plan.repetitions, 2) : plan.repetitions;
    const options = { config: CONFIG, batchSize: BATCH_SIZE, steps, repetitions, budgetSeconds: BUDGET_SECONDS, seed: SEED };
    const modes: GptTrainingMode[] = backend !== 'wasm' ? ['single'] : ['single', ...(plan.workers > 0 ? ['data-parallel' as const] : []), ...(plan.wasmThreads > 0 ? ['threaded' as const] : [])];
    for (const mode of modes) {
      try {
        const m =
          mode === 'threaded'
            ? await measureThreadedGptTraining({ ...options, threads: plan.wasmThreads })
            : { training: await measureGptTraining({ ...options, workers: mode === 'data-parallel' ? plan.workers : 0 }), simd };
        record(trainingRecord(m.training, m.simd, BATCH_SIZE, CONFIG.context));
        rates.push({ backend: m.training.backend, mode: m.training.mode, threads: m.training.threads, tokensPerSec: m.training.tokensPerSec });
      } catch (error) {
        record({ stage: 'training', backend, mode, error: errorText(error) });
      }
    }
  }
  return { results, rates };
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      stages: { type: 'string' },
      backends: { type: 'string' },
      steps: { type: 'string' },
      'cpu-steps': { type: 'string' },
      repetitions: { type: 'string' },
      workers: { type: 'string' },
      'wasm-threads': { type: 'string' },
      threads: { type: 'string' },
      'torch-python': { type: 'string' },
      'no-torch': { type: 'boolean' },
      quick: { type: 'boolean' },
      out: { type: 'string' },
    },
  });
  const quick = flags.quick === true;
  const plan: Plan = {
    stages: listOption(flags.stages, STAGES, '--stages'),
    backends: listOption(flags.backends, BENCH_BACKENDS, '--backends'),
    steps: integerOption(flags.steps, quick ? 2 : 10, '--steps'),
    cpuSteps: integerOption(flags['cpu-steps'], 2, '--cpu-steps'),
    repetitions: integerOption(flags.repetitions, quick ? 1 : 5, '--repetitions'),
    workers: integerOption(flags.workers, Math.max(0, availableParallelism() - 1), '--workers', 0),
    wasmThreads: wasmThreadsOption(flags['wasm-threads']),
  };
  const threads = threadCounts(flags.threads);
  const out = flags.out ?? join(repositoryRoot(), 'bench-results', 'llm-reweighting.json');
  const started = performance.now();
  const machine = benchMachine({ tfjs: tf.version_core });
  const results: Record<string, unknown>[] = [];
  const emit: Emit = (record) => {
    results.push(record);
    process.stdout.write(`${JSON.stringify(record)}\n`);
  };

  let training: { results: Record<string, unknown>[]; rates: TfjsTokenRate[] } = { results: [], rates: [] };
  let peer: PeerOutcome<TorchGptRecord> | undefined;
  if (plan.stages.includes('training')) {
    training = await benchTraining(plan, emit);
    if (flags['no-torch'] === true) {
      peer = { status: 'unavailable', reason: '--no-torch' };
    } else {
      const spec = { config: CONFIG, batchSize: BATCH_SIZE, steps: plan.steps, repetitions: plan.repetitions, seed: SEED };
      try {
        peer = await torchGptPeer(spec, threads, flags['torch-python'] === undefined ? {} : { pythons: [flags['torch-python']] });
      } catch (error) {
        peer = { status: 'unavailable', reason: errorText(error) };
      }
    }
    emit({ stage: 'peer', ...peer });
  }
  const records = peer?.status === 'measured' ? peer.records : [];
  const comparisons = trainingRatios(training.rates, records).map((c) => ({ ...c, ratio: round(c.ratio, 4), tfjs: roundRate(c.tfjs), torch: roundRate(c.torch) }));
  for (const c of comparisons) emit({ stage: 'comparison', ...c });
  const headline = trainingHeadline(training.rates, records);
  const warnings = peerWarnings(records, parameterCount(CONFIG), 'tokensPerSec');
  for (const warning of warnings) emit({ stage: 'peer', warning });

  let overhead: Record<string, unknown> | undefined;
  if (plan.stages.includes('overhead')) {
    try {
      await initBackend('wasm', { log: null, threads: 1 });
      const m = await measureReweightingOverhead({ config: CONFIG, batchSize: BATCH_SIZE, steps: plan.steps, repetitions: quick ? 1 : Math.max(plan.repetitions, 7), seed: SEED });
      const lossOnly = measureLossGradientTimes({
        losses: { uniform: createObjective('uniform').loss(0), linupper: createObjective('linupper').loss(0) },
        batchSize: BATCH_SIZE,
        context: CONFIG.context,
        vocabularySize: CONFIG.vocabularySize,
        repetitions: quick ? 1 : 9,
        calls: quick ? 2 : 20,
        seed: SEED,
      });
      const uniformLossMs = lossOnly.milliseconds['uniform'] ?? Number.NaN;
      const reweightedLossMs = lossOnly.milliseconds['linupper'] ?? Number.NaN;
      overhead = {
        stage: 'overhead',
        backend: m.backend,
        baseline: m.baseline,
        objective: m.objective,
        uniformStepMs: round(m.uniformStepMs, 2),
        reweightedStepMs: round(m.reweightedStepMs, 2),
        ratio: round(m.ratio, 4),
        ratios: m.ratios.map((r) => round(r, 4)),
        repetitions: m.repetitions,
        stepsPerRepetition: m.stepsPerRepetition,
        lossOnly: {
          uniformMs: round(uniformLossMs, 3),
          reweightedMs: round(reweightedLossMs, 3),
          ratio: round(reweightedLossMs / uniformLossMs, 4),
          // The step-time ratio the loss alone implies: one uniform step plus the reweighted loss's extra time.
          impliedStepRatio: round(1 + (reweightedLossMs - uniformLossMs) / m.uniformStepMs, 4),
          repetitions: lossOnly.repetitions,
          calls: lossOnly.calls,
        },
      };
    } catch (error) {
      overhead = { stage: 'overhead', error: errorText(error) };
    }
    emit(overhead);
  }

  let generation: Record<string, unknown> | undefined;
  if (plan.stages.includes('generation')) {
    try {
      await initBackend('wasm', { log: null, threads: 1 });
      const m = await measureGenerationThroughput({ config: CONFIG, seed: SEED, promptTokens: PROMPT_TOKENS, newTokens: NEW_TOKENS, repetitions: quick ? 1 : Math.max(plan.repetitions, 5) });
      generation = {
        stage: 'generation',
        backend: m.backend,
        promptTokens: m.promptTokens,
        newTokens: m.newTokens,
        repetitions: m.repetitions,
        tfjsTokensPerSec: roundRate(m.tfjs.tokensPerSec),
        onnxruntimeTokensPerSec: roundRate(m.onnxruntime.tokensPerSec),
        ratio: round(m.ratio, 4),
        onnxThreads: m.onnxThreads,
        sameTokens: m.sameTokens,
        tfjsSeconds: m.tfjs.seconds.map((s) => round(s, 4)),
        onnxruntimeSeconds: m.onnxruntime.seconds.map((s) => round(s, 4)),
        onnxBytes: m.onnxBytes,
      };
    } catch (error) {
      generation = { stage: 'generation', error: errorText(error) };
    }
    emit(generation);
  }

  const seconds = round((performance.now() - started) / 1000, 1);
  await writeJsonAtomic(out, {
    benchmark: 'llm-reweighting',
    date: new Date().toISOString(),
    quick,
    method: METHOD,
    machine: { ...machine, loadAverageAtEnd: loadAverage() },
    settings: {
      config: CONFIG,
      batchSize: BATCH_SIZE,
      parameterCount: parameterCount(CONFIG),
      optimizer: { name: 'adamw', ...BENCH_ADAMW, decay: 'matrices' },
      stages: plan.stages,
      backends: plan.backends,
      steps: plan.steps,
      cpuSteps: plan.cpuSteps,
      repetitions: plan.repetitions,
      workers: plan.workers,
      wasmThreads: plan.wasmThreads,
      torchThreads: threads,
      promptTokens: PROMPT_TOKENS,
      newTokens: NEW_TOKENS,
    },
    training: training.results,
    ...(peer === undefined ? {} : { peer }),
    comparisons,
    headline:
      headline === undefined
        ? {
            'wasm-best/torch-best': null,
            reason: peer === undefined ? 'training stage not run' : peer.status === 'unavailable' ? `peer unavailable: ${peer.reason}` : 'no wasm training measurement',
          }
        : {
            'wasm-best/torch-best': round(headline.ratio, 4),
            wasm: { mode: headline.wasm.mode, threads: headline.wasm.threads, tokensPerSec: roundRate(headline.wasm.tokensPerSec) },
            torch: { threads: headline.torch.threads, tokensPerSec: roundRate(headline.torch.tokensPerSec) },
          },
    ...(overhead === undefined ? {} : { overhead }),
    ...(generation === undefined ? {} : { generation }),
    warnings,
    seconds,
    results,
  });
  process.stderr.write(`wrote ${out} (${seconds} s)\n`);
}

main().catch((error: unknown) => {
  // A bad flag is one line, the last on screen; a failure of the bench itself keeps its stack.
  const code = (error as { code?: unknown }).code;
  const flagError = error instanceof BenchOptionError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
  const text = flagError ? `${errorText(error)} (options: ${OPTIONS})` : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`llm-reweighting bench: ${text}\n`);
  process.exitCode = 1;
});
