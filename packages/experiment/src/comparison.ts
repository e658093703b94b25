import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { activeBackend, ConfigError, createProgress, runTaskPool, TaskFailedError, writeFileAtomic, type BackendRequest } from '@counterweight/runtime';

import { CONFIG_FILE, RESULT_FILE, runFolder } from './layout.js';
import { scrubPaths } from './provenance.js';
import { openRunDirectory, type OpenMode, type RunDirectory } from './run-dir.js';
import { RunFailedError } from './run-failed-error.js';
import { derivedSeeds, trainingSeeds, type SeedRule } from './seeds.js';
import { assertSameSettings } from './settings-guard.js';
import { strictJsonStringify } from './strict-json.js';

/** One method of a comparison: a name (a safe path segment: its runs' folder) and its options. */
export interface Method<O = unknown> {
  readonly name: string;
  readonly options?: O;
}

/** One run: a method on one repetition, with the comparison's settings, in its own folder. */
export interface RunTask<S extends object = object, O = unknown> {
  readonly method: string;
  readonly options: O | undefined;
  /** 0 … seeds − 1; the folder is `seed-<repetition>`. */
  readonly repetition: number;
  /** Training seed (from the seed rule): initialisation, shuffles, augmentation of this run. */
  readonly seed: number;
  readonly settings: S;
  /** The run's folder (exists; checkpoints go here, so an interrupted run resumes from them). */
  readonly dir: string;
  /** What {@link ComparisonOptions.repetitionInput} computed for this repetition, if anything. */
  readonly input?: unknown;
}

/** Progress a run reports after each epoch. */
export interface EpochProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly loss?: number;
}

/** What the harness gives a run besides its task. */
export interface RunContext {
  /** Report an epoch's end (drives the comparison's progress bar; nothing is printed per epoch off a terminal). */
  readonly report: (progress: EpochProgress) => void;
}

/**
 * What an app supplies: how to load the comparison's data (once per thread) and how to train and evaluate one run.
 * `run` must be deterministic in (task, data): the harness reuses a finished result and runs tasks on any thread.
 * Its result must be JSON data (no NaN: the harness refuses to write it, and the run fails).
 */
export interface Runner<S extends object, O, D, R> {
  prepare(settings: S): Promise<D>;
  run(task: RunTask<S, O>, data: D, context: RunContext): Promise<R>;
}

/** Options of {@link runComparison}. */
export interface ComparisonOptions<S extends object, O, D, R> {
  /** The app's name (a safe path segment), recorded in config.json. */
  readonly app: string;
  /** Output folder (see the layout in `layout.ts`). */
  readonly out: string;
  /** `new-or-resume` (default: an existing folder with the same settings is resumed), `new` or `resume`. */
  readonly mode?: OpenMode;
  /** The flag named in errors about the folder. Default `--out`. */
  readonly outOption?: string;
  /**
   * Settings every run shares (data, model, training), JSON data. Guarded with the base seed (recorded as its key
   * `seed`): a resumed folder must hold the same ones.
   */
  readonly settings: S;
  readonly methods: readonly Method<O>[];
  /** Base seed (`--seed`) and number of repetitions (`--seeds`). */
  readonly seed: number;
  readonly seeds: number;
  /** Training seed of each repetition. Default {@link derivedSeeds}. */
  readonly seedRule?: SeedRule;
  /** Runs trained at the same time; > 1 trains in worker threads of `workerModule`. Default 1. */
  readonly jobs?: number;
  readonly runner: Runner<S, O, D, R>;
  /** A module that calls `serveRunner(runner)` with the same runner; needed for `jobs` > 1. */
  readonly workerModule?: URL;
  /** The data of `settings` if the caller loaded it already (else `runner.prepare(settings)`). */
  readonly data?: D;
  /**
   * Computed in this thread once per repetition that has runs to train, before they start (e.g. a teacher's scores),
   * and handed to each of its runs as `task.input` (structured clone). Not part of a run's identity.
   */
  readonly repetitionInput?: (repetition: number, seed: number, data: D, pending: readonly RunTask<S, O>[]) => Promise<unknown>;
  /** Epochs a run reports (for the progress bar's total). Default: the bar counts runs. */
  readonly epochsOf?: (task: RunTask<S, O>) => number;
  /** No progress output. Default: runtime's quietFromEnv (COUNTERWEIGHT_QUIET, CI). */
  readonly quiet?: boolean;
}

/** One run's result, read back (reused) or trained now. */
export interface RunRecord<O, R> {
  readonly method: string;
  readonly options: O | undefined;
  readonly repetition: number;
  readonly seed: number;
  readonly dir: string;
  readonly result: R;
  /** True when the result was finished before this call. */
  readonly reused: boolean;
}

/** What {@link runComparison} produced; the app writes its report from it into `out`. */
export interface Comparison<O, D, R> {
  readonly out: RunDirectory;
  readonly data: D;
  /** Method by method, each in repetition order. */
  readonly runs: readonly RunRecord<O, R>[];
  readonly seeds: readonly number[];
  /** Runs trained (or resumed) by this call. */
  readonly trained: number;
}

interface RunIdentity {
  readonly method: string;
  readonly options: unknown;
  readonly repetition: number;
  readonly seed: number;
  readonly settings: object;
}

/**
 * `value` as it is recorded in config.json and result.json: JSON data with the repository root written `.` and the home
 * directory `~` (see scrubPaths), so the files name no path of the machine and a moved checkout still matches them.
 */
function portable<T>(value: T): T {
  return JSON.parse(scrubPaths(strictJsonStringify(value))) as T;
}

const identityOf = (task: RunTask): RunIdentity =>
  portable({ method: task.method, options: task.options, repetition: task.repetition, seed: task.seed, settings: task.settings });

/** The finished result of `task` when its folder holds one made with exactly the same identity. */
async function finishedResult<R>(task: RunTask): Promise<R | undefined> {
  let saved: { run?: unknown; result?: R };
  try {
    saved = JSON.parse(await readFile(join(task.dir, RESULT_FILE), 'utf8')) as { run?: unknown; result?: R };
  } catch {
    return undefined;
  }
  return strictJsonStringify(saved.run) === strictJsonStringify(identityOf(task)) ? saved.result : undefined;
}

/** Trains `task` with `runner` and writes its result.json (strict JSON) atomically. */
export async function runAndRecord<S extends object, O, D, R>(
  runner: Runner<S, O, D, R>,
  task: RunTask<S, O>,
  data: D,
  context: RunContext,
): Promise<R> {
  await mkdir(task.dir, { recursive: true });
  const result = await runner.run(task, data, context);
  const file = join(task.dir, RESULT_FILE);
  await writeFileAtomic(file, strictJsonStringify({ run: identityOf(task), result }, { file }));
  return result;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** `workerData` of a run worker (see `serveRunner`). */
export interface RunWorkerData {
  readonly backend: BackendRequest;
  readonly settings: object;
}

function checkOptions(options: ComparisonOptions<object, unknown, unknown, unknown>): void {
  if (options.methods.length === 0) throw new ConfigError('methods', 'give at least one method');
  const names = options.methods.map((m) => m.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new ConfigError('methods', `${twice} is listed twice`);
  const jobs = options.jobs ?? 1;
  if (!Number.isSafeInteger(jobs) || jobs < 1) throw new ConfigError('--jobs', `must be an integer >= 1, got ${String(jobs)}`);
  if (jobs > 1 && options.workerModule === undefined) throw new ConfigError('--jobs', 'this app trains in one thread only (it has no worker module)');
}

/**
 * Runs a comparison: every method on every repetition, on the same data, in `out/runs/<method>/seed-<r>/`.
 *
 * 1. Checks the options and loads the data (before anything is written: a failed start leaves no folder behind).
 * 2. Opens `out` (`mode`); a folder made by an earlier call must hold the same settings and base seed
 *    (ConfigError naming each difference); a new one gets `config.json` (settings, seed, app) — written once, never
 *    rewritten, so it always describes every run in the folder. If the start fails before config.json is written, the
 *    folder is removed again.
 * 3. Reuses every run whose `result.json` has the same identity (method, options, repetition, seed, settings);
 *    trains the others — in this thread, or `jobs` at a time in worker threads — and writes their `result.json`.
 *    An interrupted run resumes from the checkpoints the app keeps in its folder. Results do not depend on `jobs`.
 *
 * @throws ConfigError for bad options or a folder of other settings; whatever `runner.prepare` throws for bad data;
 *   RunFailedError naming the method and seed of the first run that failed (runs already started finish first).
 */
export async function runComparison<S extends object, O, D, R>(
  options: ComparisonOptions<S, O, D, R>,
): Promise<Comparison<O, D, R>> {
  checkOptions(options as unknown as ComparisonOptions<object, unknown, unknown, unknown>);
  const seeds = trainingSeeds(options.seed, options.seeds, options.seedRule ?? derivedSeeds);
  const data = options.data ?? (await options.runner.prepare(options.settings));
  const out = await openRunDirectory(options.out, { app: options.app, mode: options.mode ?? 'new-or-resume', option: options.outOption ?? '--out' });
  // The base seed is guarded with the settings: runs of repetition r under another base seed are other runs.
  const guarded = portable({ ...options.settings, seed: options.seed });
  try {
    const configPath = out.path(CONFIG_FILE);
    const exists = await readFile(configPath, 'utf8').then(
      () => true,
      () => false,
    );
    if (exists) {
      await assertSameSettings(configPath, guarded, options.outOption ?? '--out');
    } else {
      if (!out.created && options.mode === 'resume') {
        throw new ConfigError(options.outOption ?? '--out', `${out.dir} has no ${CONFIG_FILE}: it was never started, so there is nothing to resume`);
      }
      await out.writeJson(CONFIG_FILE, { app: options.app, settings: guarded });
    }
  } catch (error) {
    await out.discardIfCreated();
    throw error;
  }

  const tasks: Array<RunTask<S, O>> = options.methods.flatMap((method) =>
    seeds.map((seed, repetition) => ({
      method: method.name,
      options: method.options,
      repetition,
      seed,
      settings: options.settings,
      dir: runFolder(out.dir, method.name, repetition),
    })),
  );
  const finished = await Promise.all(tasks.map((t) => finishedResult<R>(t as RunTask)));
  let pending = tasks.filter((_, i) => finished[i] === undefined);
  if (options.repetitionInput !== undefined && pending.length > 0) {
    const inputs = new Map<number, unknown>();
    for (const repetition of [...new Set(pending.map((t) => t.repetition))].sort((a, b) => a - b)) {
      const own = pending.filter((t) => t.repetition === repetition);
      inputs.set(repetition, await options.repetitionInput(repetition, seeds[repetition] as number, data, own));
    }
    pending = pending.map((t) => (inputs.get(t.repetition) === undefined ? t : { ...t, input: inputs.get(t.repetition) }));
  }

  const total = options.epochsOf === undefined ? pending.length : pending.reduce((n, t) => n + (options.epochsOf?.(t) ?? 1), 0);
  const bar = createProgress({ total: Math.max(1, total), label: `${pending.length} run(s)`, ...(options.quiet === undefined ? {} : { quiet: options.quiet }) });
  const label = (t: RunTask<S, O>): string => `${t.method}/seed-${t.repetition}`;
  const onProgress = (t: RunTask<S, O>, p: EpochProgress): void => {
    if (options.epochsOf !== undefined) bar.tick(1, { run: label(t), epoch: `${p.epoch}/${p.epochs}`, ...(p.loss === undefined ? {} : { loss: p.loss.toFixed(4) }) });
  };
  const onDone = (t: RunTask<S, O>): void => {
    if (options.epochsOf === undefined) bar.tick(1, { run: label(t) });
  };
  const trained = new Map<RunTask<S, O>, R>();
  const jobs = Math.min(options.jobs ?? 1, pending.length);
  try {
    if (jobs > 1 && options.workerModule !== undefined) {
      const workerData: RunWorkerData = { backend: activeBackend()?.name ?? 'auto', settings: options.settings };
      try {
        const results = await runTaskPool<RunTask<S, O>, R, EpochProgress>({
          url: options.workerModule,
          workerData,
          jobs,
          tasks: pending,
          onProgress: (p, i) => onProgress(pending[i] as RunTask<S, O>, p),
          onDone: (i) => onDone(pending[i] as RunTask<S, O>),
        });
        pending.forEach((t, i) => trained.set(t, results[i] as R));
      } catch (error) {
        if (!(error instanceof TaskFailedError)) throw error;
        const t = pending[error.index] as RunTask<S, O>;
        throw new RunFailedError(t.method, t.repetition, t.seed, t.dir, error.reason, { cause: error });
      }
    } else {
      for (const t of pending) {
        try {
          trained.set(t, await runAndRecord(options.runner, t, data, { report: (p) => onProgress(t, p) }));
        } catch (error) {
          throw new RunFailedError(t.method, t.repetition, t.seed, t.dir, describeError(error), { cause: error });
        }
        onDone(t);
      }
    }
  } finally {
    bar.stop();
  }
  const runs = tasks.map((t, i): RunRecord<O, R> => {
    const reused = finished[i];
    const result = reused ?? trained.get(pending.find((p) => p.method === t.method && p.repetition === t.repetition) as RunTask<S, O>);
    return { method: t.method, options: t.options, repetition: t.repetition, seed: t.seed, dir: t.dir, result: result as R, reused: reused !== undefined };
  });
  return { out, data, runs, seeds, trained: pending.length };
}
