#!/usr/bin/env node
// ctr-ranking benchmark, one process, one sitting: training candidates/s of the three CTR models (logistic, fm, dnn)
// on real UCI Bank Marketing auctions (9 numeric + 10 categorical features, 10 candidates per auction, Adam, batch 256
// auctions) per tfjs backend, with the step-time ratio of the welfare rank loss to logloss measured against it in the
// same process; scoring candidates/s of tfjs against onnxruntime-node per model; and a loopback HTTP load test of
// `serve` at 100 candidates per request. Prints one JSON line per measurement and writes them all to
// bench-results/ctr-ranking.json at the repository root.
//
// Options: --backends wasm,cpu  --models logistic,fm,dnn  --quick (one timed epoch of one batch, 1-second scoring
// and load tests: a smoke test, not numbers to quote). A partial run still writes the file.
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { errorText, listOption, median } from '@counterweight/bench-kit';
import { createOptimizer, initBackend, repositoryRoot, train, writeJsonAtomic } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import { loadBankMarketing } from '../data/bank-marketing.js';
import type { AuctionSet } from '../data/auction-set.js';
import { subsetAuctions } from '../data/splits.js';
import { auctionDataset } from '../experiment/auction-rows.js';
import { objectiveLoss, type ObjectiveName } from '../experiment/objectives.js';
import { CTR_MODEL_KINDS, createCtrModel, type CtrModelKind } from '../models/index.js';
import { exportCtrModel } from '../onnx/index.js';
import { loadTestServer } from './load-test.js';
import { measureScoringThroughput } from './scoring-throughput.js';

const BATCH = 256;
const OBJECTIVES: readonly ObjectiveName[] = ['logloss', 'welfare'];
/** Per backend: batches of 256 auctions per epoch, timed epochs per measurement, and alternating rounds. */
const PLAN = {
  wasm: { batches: 8, repetitions: 3, rounds: 3 },
  cpu: { batches: 1, repetitions: 2, rounds: 1 },
} as const;
type BenchBackend = keyof typeof PLAN;

const METHOD =
  'training: runtime train() epochs (forward, backward, Adam update, loss read-back) over batches x 256 Bank Marketing ' +
  'auctions of 10 candidates, one warm-up epoch then timed epochs, from the same initial weights; the objectives ' +
  "alternate over rounds (logloss, welfare, logloss, welfare, ...), median over rounds of the median trainer rows/s x 10; scoring: measureScoringThroughput (same random candidates, " +
  'tfjs predict + data() vs onnxruntime-node session.run, median); serve: autocannon against startServer on 127.0.0.1:0';

interface Measurement {
  readonly kind: string;
  readonly [key: string]: unknown;
}

/** Candidates/s of `repetitions` timed epochs after a warm-up epoch. */
async function trainingThroughput(set: AuctionSet, kind: CtrModelKind, objective: ObjectiveName, repetitions: number): Promise<number> {
  const model = createCtrModel(set.spec, { kind }, 7);
  const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
  try {
    const history = await train({
      model,
      loss: objectiveLoss(objective, { temperature: 0.05, lambda: 0.5, teacherMix: 1 }),
      train: auctionDataset(set),
      epochs: 1 + repetitions,
      batchSize: BATCH,
      optimizer,
      seed: 7,
      progress: { quiet: true },
    });
    return median(history.epochs.slice(1).map((e) => e.samplesPerSecond * set.slots));
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { backends: { type: 'string' }, models: { type: 'string' }, quick: { type: 'boolean', default: false } },
  });
  const backends = listOption(values.backends, Object.keys(PLAN) as BenchBackend[], '--backends');
  const kinds = listOption(values.models, CTR_MODEL_KINDS, '--models');
  const quick = values.quick === true;
  const results: Measurement[] = [];
  const emit = (m: Measurement): void => {
    results.push(m);
    process.stdout.write(`${JSON.stringify(m)}\n`);
  };
  const file = join(repositoryRoot(), 'bench-results', 'ctr-ranking.json');
  const started = new Date().toISOString();
  const bank = await loadBankMarketing({ seed: 0 });
  const tmp = await mkdtemp(join(tmpdir(), 'ctr-bench-'));
  try {
    for (const backend of backends) {
      await initBackend(backend, { log: null });
      const plan = quick ? { batches: 1, repetitions: 1, rounds: 1 } : PLAN[backend];
      const set = subsetAuctions(bank.train, Array.from({ length: Math.min(plan.batches * BATCH, bank.train.auctions) }, (_, i) => i));
      for (const kind of kinds) {
        try {
          const samples: Record<string, number[]> = {};
          for (let round = 0; round < plan.rounds; round += 1) {
            for (const objective of OBJECTIVES) {
              (samples[objective] ??= []).push(await trainingThroughput(set, kind, objective, plan.repetitions));
            }
          }
          const perObjective = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
          emit({
            kind: 'training',
            backend,
            model: kind,
            auctions: set.auctions,
            candidatesPerSecond: perObjective,
            welfareStepTimeRatio: (perObjective['logloss'] ?? Number.NaN) / (perObjective['welfare'] ?? Number.NaN),
          });
        } catch (error) {
          emit({ kind: 'training', backend, model: kind, error: errorText(error) });
        }
      }
    }
    await initBackend('wasm', { log: null });
    for (const kind of kinds) {
      const model = createCtrModel(bank.train.spec, { kind }, 3);
      try {
        const result = await measureScoringThroughput({ model, candidates: 10_000, minSeconds: quick ? 0.2 : 1, repetitions: quick ? 1 : 5 });
        emit({ ...result, kind: 'scoring', model: kind });
        if (kind === 'fm' || kinds.length === 1) {
          const path = join(tmp, `${kind}.onnx`);
          await exportCtrModel(model, bank.train.spec, { kind }, path);
          const load = await loadTestServer({ modelPath: path, candidatesPerRequest: 100, durationSeconds: quick ? 1 : 10, connections: 8, clientWorkers: 1 });
          emit({ kind: 'serve', model: kind, ...load });
        }
      } catch (error) {
        emit({ kind: 'scoring', model: kind, error: errorText(error) });
      } finally {
        model.dispose();
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await writeJsonAtomic(file, {
      started,
      finished: new Date().toISOString(),
      quick,
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version, tfjs: tf.version_core },
      method: METHOD,
      results,
    });
    process.stderr.write(`wrote ${file}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`ctr-ranking bench: ${errorText(error)}\n`);
  process.exitCode = 1;
});
