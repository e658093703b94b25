#!/usr/bin/env node
// Reweighting bench (`npx nx run reweighting:bench`): the cost of each estimator of @counterweight/reweighting against
// sample size, in one sitting. For every estimator (classifier density ratio: linear, quadratic, quadratic + isotonic;
// KLIEP; double weighting D = 1 and D = 4; IPM balancing, ATE; R-learner with cross-fitted nuisances; shift
// attribution over 2 mechanisms with the classifier fitter) one complete fit is timed at a few sample sizes on the
// package's seeded synthetic designs; per estimator and n the median seconds per fit, the ratio to the smallest n
// timed in the same sitting, and the fitted exponent k of time ∝ n^k (log-log slope).
// Prints one JSON line per measurement, a Markdown table on stderr, and writes everything to
// bench-results/reweighting.json at the repository root (atomically). A partial run still writes the file.
//
// Options (all optional): --estimators classifier-linear,...,shift-attribution  --kernel-sizes 100,200,400,800
// --feature-sizes 1000,4000,16000  --repetitions N  --min-seconds S  --max-fit-seconds S  --seed N
// --quick (one repetition, two sizes: a smoke test, not numbers to quote)  --out FILE.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { BenchOptionError, benchMachine, errorText, loadAverage, medianCallMilliseconds } from '@counterweight/bench-kit';
import { repositoryRoot, writeJsonAtomic } from '@counterweight/runtime';

import { BENCH_FLAGS, parseBenchOptions, type BenchPlan, type EstimatorName } from './bench-options.js';
import { ESTIMATOR_CASES, type FitSummary } from './estimator-cases.js';
import { scalingTable, type TimingRow } from './scaling-table.js';
import { sizeScaling, type SizeTiming } from './size-scaling.js';

const METHOD =
  'Each (estimator, n): the design is drawn once (seeded, untimed); the timed call is one complete fit on it ' +
  "(bench-kit medianCallMilliseconds: two warm-up fits, calls per repetition doubled until a repetition lasts minSeconds, " +
  'then `repetitions` timed repetitions; seconds = median per-fit time). Single thread (plain float64 JavaScript). ' +
  'ratio = seconds(n) / seconds(smallest n timed for that estimator in this sitting); exponent = least-squares slope of ' +
  'log seconds on log n over the sizes timed (k of time ∝ n^k; over a narrow range it mixes fixed costs with the ' +
  'asymptotic order). n counts the rows of each domain for two-sample estimators and all rows for the causal ones.';

type Emit = (record: Record<string, unknown>) => void;

const significant = (v: number, digits = 4): number => Number(v.toPrecision(digits));

/** Rounds the numbers of a fit summary for the record. */
function roundedSummary(summary: FitSummary): FitSummary {
  return Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, typeof v === 'number' ? significant(v) : v]));
}

/** Times one estimator at each of its sizes, ascending; returns the successful timings. */
async function benchEstimator(name: EstimatorName, plan: BenchPlan, emit: Emit): Promise<SizeTiming[]> {
  const c = ESTIMATOR_CASES[name];
  const sizes = c.family === 'kernel' ? plan.kernelSizes : plan.featureSizes;
  const timings: SizeTiming[] = [];
  let skipReason: string | undefined;
  for (const n of sizes) {
    if (skipReason !== undefined) {
      emit({ estimator: name, n, skipped: skipReason });
      continue;
    }
    try {
      const fit = c.prepare(n, plan.seed);
      let summary: FitSummary = {};
      const started = performance.now();
      const ms = await medianCallMilliseconds(
        () => {
          summary = fit();
          return Promise.resolve();
        },
        plan.minSeconds,
        plan.repetitions,
      );
      const seconds = ms / 1000;
      timings.push({ n, seconds });
      const first = timings[0]!;
      emit({
        estimator: name,
        n,
        seconds: significant(seconds),
        ratio: significant(seconds / first.seconds),
        ratioTo: first.n,
        repetitions: plan.repetitions,
        wallSeconds: significant((performance.now() - started) / 1000, 3),
        summary: roundedSummary(summary),
      });
      if (seconds > plan.maxFitSeconds) skipReason = `a fit at n = ${n} took ${significant(seconds, 3)} s > --max-fit-seconds ${plan.maxFitSeconds}`;
    } catch (error) {
      emit({ estimator: name, n, error: errorText(error) });
    }
  }
  return timings;
}

async function main(): Promise<void> {
  const plan = parseBenchOptions(process.argv.slice(2));
  const out = plan.out ?? join(repositoryRoot(dirname(fileURLToPath(import.meta.url))), 'bench-results', 'reweighting.json');
  const started = performance.now();
  const machine = benchMachine();
  const results: Record<string, unknown>[] = [];
  const emit: Emit = (record) => {
    results.push(record);
    process.stdout.write(`${JSON.stringify(record)}\n`);
  };
  const rows: TimingRow[] = [];
  const exponents: Record<string, number | null> = {};
  const scaling: Record<string, unknown>[] = [];
  for (const name of plan.estimators) {
    const timings = await benchEstimator(name, plan, emit);
    if (timings.length === 0) continue;
    const s = sizeScaling(timings);
    exponents[name] = s.exponent;
    s.ratios.forEach((r, i) => rows.push({ estimator: name, n: r.n, seconds: timings[i]!.seconds, ratio: r.ratio }));
    const record = {
      estimator: name,
      nMin: s.nMin,
      exponent: s.exponent === null ? null : significant(s.exponent, 3),
      rSquared: s.rSquared === null ? null : significant(s.rSquared, 3),
      ratios: s.ratios.map((r) => ({ n: r.n, ratio: significant(r.ratio) })),
    };
    scaling.push(record);
    emit({ stage: 'scaling', ...record });
  }
  const table = scalingTable(rows, exponents);
  const seconds = significant((performance.now() - started) / 1000, 3);
  await writeJsonAtomic(out, {
    benchmark: 'reweighting',
    date: new Date().toISOString(),
    quick: plan.quick,
    method: METHOD,
    machine: { ...machine, loadAverageAtEnd: loadAverage() },
    settings: {
      estimators: plan.estimators,
      kernelSizes: plan.kernelSizes,
      featureSizes: plan.featureSizes,
      repetitions: plan.repetitions,
      minSeconds: plan.minSeconds,
      maxFitSeconds: plan.maxFitSeconds,
      seed: plan.seed,
    },
    estimators: Object.fromEntries(plan.estimators.map((name) => [name, { design: ESTIMATOR_CASES[name].design, fit: ESTIMATOR_CASES[name].fit }])),
    scaling,
    table,
    seconds,
    results,
  });
  process.stderr.write(`${table}\nwrote ${out} (${seconds} s)\n`);
}

main().catch((error: unknown) => {
  // A bad flag is one line, the last on screen; a failure of the bench itself keeps its stack.
  const code = (error as { code?: unknown }).code;
  const flagError = error instanceof BenchOptionError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
  const text = flagError ? `${errorText(error)} (options: ${BENCH_FLAGS})` : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`reweighting bench: ${text}\n`);
  process.exitCode = 1;
});
