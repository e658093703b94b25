import { basename, dirname, join } from 'node:path';

import {
  activeBackend,
  assertSameSettings,
  ConfigError,
  createProgress,
  deriveSeed,
  openRunDirectory,
  runTaskPool,
  TaskFailedError,
  TrainingError,
  type BackendName,
  type RunDirectory,
} from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { CtrModelConfig } from '../models/index.js';
import { predictProbabilities } from './auction-rows.js';
import { writeCompareReport, type ReportFiles } from './report.js';
import { runOne, trainCtrModel, type ExperimentData, type OptimizerName, type RunResult, type RunSpec } from './run-one.js';
import { needsTeacher, type ObjectiveName } from './objectives.js';
import type { DataSource } from './prepare-data.js';
import type { RunTask, RunWorkerData } from './run-worker.js';

const WORKER_URL = new URL(`./run-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/** Where the teacher of `welfare-teacher` comes from. */
export type TeacherSource =
  | { readonly kind: 'model'; readonly model: CtrModelConfig; readonly epochs: number }
  | { readonly kind: 'scores'; readonly describe: string; readonly score: (set: ExperimentData['train']) => Promise<Float32Array> };

/** Options of {@link compareObjectives}. */
export interface CompareOptions {
  readonly data: ExperimentData;
  /** What the data is, recorded in config.json (e.g. `{ data: 'synthetic', generator: 'A' }`). */
  readonly dataConfig: Readonly<Record<string, unknown>>;
  readonly objectives: readonly ObjectiveName[];
  /** `λ` values of `combined` (one run per value). */
  readonly lambdas: readonly number[];
  readonly model: CtrModelConfig;
  readonly optimizer: OptimizerName;
  readonly learningRate: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly temperature: number;
  readonly teacherMix: number;
  readonly teacher: TeacherSource;
  /** Base seed; repetition r trains with `deriveSeed(seed, 'run', r)`. */
  readonly seed: number;
  readonly seeds: number;
  /** Output directory. */
  readonly out: string;
  readonly quiet?: boolean;
  /**
   * Runs trained at the same time, each in a worker thread on its own tfjs backend (wasm computes on one thread, so
   * this is how a comparison uses every core). Default 1 (this thread). Results do not depend on it. Needs `source`.
   */
  readonly jobs?: number;
  /** Where `data` came from, so that workers can prepare the same data (required with `jobs > 1`). */
  readonly source?: DataSource;
}

/** A comparison's runs and where its report went. */
export interface CompareResult {
  readonly runs: readonly RunResult[];
  readonly files: ReportFiles;
  readonly dir: string;
}

/** The label of a run in tables and charts: the objective, with `λ` for `combined`. */
export function runLabel(spec: Pick<RunSpec, 'objective' | 'settings'>): string {
  return spec.objective === 'combined' ? `combined λ=${spec.settings.lambda}` : spec.objective;
}

function runSpecs(options: CompareOptions, repetition: number): RunSpec[] {
  const seed = deriveSeed(options.seed, 'run', repetition);
  const specs: RunSpec[] = [];
  for (const objective of options.objectives) {
    const lambdas = objective === 'combined' ? options.lambdas : [0.5];
    for (const lambda of lambdas) {
      const name = objective === 'combined' ? `combined-${lambda}` : objective;
      specs.push({
        objective,
        settings: { temperature: options.temperature, lambda, teacherMix: options.teacherMix },
        model: options.model,
        optimizer: options.optimizer,
        learningRate: options.learningRate,
        epochs: options.epochs,
        batchSize: options.batchSize,
        seed,
        dir: join(options.out, 'runs', `seed-${repetition}`, name),
      });
    }
  }
  return specs;
}

async function teacherScores(options: CompareOptions, repetition: number): Promise<Float32Array> {
  const teacher = options.teacher;
  if (teacher.kind === 'scores') return teacher.score(options.data.train);
  const spec: RunSpec = {
    objective: 'logloss',
    settings: { temperature: options.temperature, lambda: 1, teacherMix: 1 },
    model: teacher.model,
    optimizer: 'adam',
    learningRate: options.learningRate,
    epochs: teacher.epochs,
    batchSize: options.batchSize,
    seed: deriveSeed(options.seed, 'teacher', repetition),
    dir: join(options.out, 'runs', `seed-${repetition}`, 'teacher'),
  };
  // Quiet: the comparison's own bar reports progress; the teacher's epochs would interleave with it.
  const { model } = await trainCtrModel(options.data, spec, { quiet: true });
  try {
    return predictProbabilities(model, options.data.train);
  } finally {
    tf.dispose(model.variables.map((v) => v.variable));
  }
}

function checkOptions(options: CompareOptions): void {
  if (options.objectives.length === 0) throw new ConfigError('--losses', 'must name at least one loss');
  if (!Number.isInteger(options.seeds) || options.seeds < 1) throw new ConfigError('--seeds', `must be a whole number >= 1, got ${options.seeds}`);
  for (const lambda of options.lambdas) {
    if (!(lambda >= 0 && lambda <= 1)) throw new ConfigError('--lambdas', `must lie in [0, 1], got ${lambda}`);
  }
  if (!(options.temperature > 0)) throw new ConfigError('--temperature', `must be > 0, got ${options.temperature}`);
  const jobs = options.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new ConfigError('--jobs', `must be a whole number >= 1, got ${jobs}`);
  if (jobs > 1 && options.source === undefined) throw new ConfigError('--jobs', 'needs the data source (options.source) so that workers can load the same data');
}

/**
 * Trains every objective (and every `λ` of `combined`) `seeds` times on the same auctions and writes the comparison
 * to `out`: `config.json`, `metrics.json` (every run and the mean ± std per objective), `report.md` and PNG charts
 * (welfare against logloss across objectives and λ, reliability diagrams, training curves). Each run keeps its
 * checkpoints and result under `out/runs/`, so an interrupted comparison continues; `out` refuses a different
 * configuration.
 */
export async function compareObjectives(options: CompareOptions): Promise<CompareResult> {
  checkOptions(options);
  const config = {
    app: 'ctr-ranking',
    ...options.dataConfig,
    description: options.data.description,
    auctions: { train: options.data.train.auctions, validation: options.data.validation.auctions, test: options.data.test.auctions },
    slots: options.data.train.slots,
    objectives: options.objectives,
    lambdas: options.lambdas,
    model: options.model,
    optimizer: options.optimizer,
    learningRate: options.learningRate,
    epochs: options.epochs,
    batchSize: options.batchSize,
    temperature: options.temperature,
    teacherMix: options.teacherMix,
    teacher: options.teacher.kind === 'model' ? { model: options.teacher.model, epochs: options.teacher.epochs } : { scores: options.teacher.describe },
    seed: options.seed,
    seeds: options.seeds,
  };
  const out: RunDirectory = await openRunDirectory(options.out, { app: 'ctr-ranking', allowExisting: true });
  await assertSameSettings(out.path('config.json'), config);
  await out.writeConfig({ settings: config });
  const specs = Array.from({ length: options.seeds }, (_, r) => runSpecs(options, r));
  const total = specs.reduce((n, s) => n + s.length, 0);
  const progress = createProgress({ total, label: 'runs', quiet: options.quiet ?? false });
  const tasks: RunTask[] = [];
  try {
    for (const [repetition, list] of specs.entries()) {
      const teacher = list.some((s) => needsTeacher(s.objective)) ? await teacherScores(options, repetition) : undefined;
      for (const spec of list) tasks.push({ spec, ...(needsTeacher(spec.objective) && teacher !== undefined ? { teacher } : {}) });
    }
  } catch (error) {
    progress.stop();
    throw error;
  }
  // The repetition as the run directory names it (seed-<r>), not the derived training seed.
  const tick = (spec: RunSpec): void => progress.tick(1, { run: `${runLabel(spec)} ${basename(dirname(spec.dir))}` });
  let runs: RunResult[];
  try {
    const jobs = Math.min(options.jobs ?? 1, tasks.length);
    if (jobs > 1 && options.source !== undefined) {
      const backend = (activeBackend()?.name ?? tf.getBackend()) as BackendName;
      const workerData: RunWorkerData = { backend, source: options.source, seed: options.seed };
      runs = await runTaskPool<RunTask, RunResult>({ url: WORKER_URL, workerData, jobs, tasks, onDone: (_i, r) => tick(r.spec) });
    } else {
      runs = [];
      for (const task of tasks) {
        runs.push(await runOne(options.data, task.spec, { ...(task.teacher === undefined ? {} : { teacher: task.teacher }), quiet: true }));
        tick(task.spec);
      }
    }
  } catch (error) {
    if (error instanceof TaskFailedError) {
      const spec = tasks[error.index]?.spec;
      throw new TrainingError(
        'runs',
        `run ${spec === undefined ? error.index : `${runLabel(spec)} (${spec.dir})`} failed: ${error.reason}; its checkpoints are kept, so the same command resumes it`,
      );
    }
    throw error;
  } finally {
    progress.stop();
  }
  const files = await writeCompareReport(out, { config, runs, backend: activeBackend()?.name ?? 'unknown' });
  return { runs, files, dir: out.dir };
}
