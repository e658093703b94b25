import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import type { RenderChartOptions } from '@counterweight/reports';
import { ConfigError, removeStaleTemporaries, writeFileAtomic } from '@counterweight/runtime';
import type { TopLevelSpec } from 'vega-lite';

import { scrubPaths } from './provenance.js';
import { RunFileError } from './run-file-error.js';
import { strictJsonStringify } from './strict-json.js';

/** A safe path segment: starts with a letter or digit, then letters, digits, `.`, `_`, `-`; at most 128 characters. */
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Default parent directory of all runs, relative to the current directory. */
export const DEFAULT_RUNS_ROOT = 'runs';

/** Options of {@link createRunDirectory}. */
export interface CreateRunDirectoryOptions {
  /** The app the run belongs to (a safe path segment, e.g. `bank-marketing`). */
  readonly app: string;
  /** The run's id (a safe path segment). Default: {@link newRunId}(). */
  readonly runId?: string;
  /** Parent of all apps' runs. Default `runs` (relative to the current directory). */
  readonly root?: string;
  /** New run, resumed run, or either (see {@link OpenMode}). Default `new`. */
  readonly mode?: OpenMode;
  /** The command-line option named in errors about the directory. Default `--run-id`. */
  readonly option?: string;
}

/**
 * How a run directory is opened: `new` refuses an existing directory (a new run never writes into an old one),
 * `resume` requires one (resuming a run that does not exist is an error, not a new run), `new-or-resume` accepts
 * either (a comparison's `--out`, which resumes when it exists).
 */
export type OpenMode = 'new' | 'resume' | 'new-or-resume';

/**
 * The output directory of one run, `<root>/<app>/<run-id>/`. Every write is atomic ({@link writeFileAtomic}): a
 * reader sees the old file or the whole new one, and a failed write leaves nothing behind. The write methods return
 * the file's name relative to the run directory, e.g. `loss.png`, ready to embed in `report.md`.
 *
 * File names are relative paths of safe segments (letters, digits, `.`, `_`, `-`; no leading dot) separated by `/`;
 * anything else is a {@link RunFileError}. Subdirectories are created as needed.
 */
export interface RunDirectory {
  readonly app: string;
  readonly runId: string;
  /** Absolute path of the run directory. */
  readonly dir: string;
  /** True when this call created the directory (it did not exist before). */
  readonly created: boolean;
  /** Removes the directory and everything in it when this call created it (a failed start leaves nothing behind). */
  discardIfCreated(): Promise<void>;
  /** Absolute path of `name` inside the run directory (nothing is created). */
  path(name: string): string;
  /** Writes `config.json` (see {@link writeJson} for the JSON rules). */
  writeConfig(config: unknown): Promise<string>;
  /** Writes `metrics.json` (see {@link writeJson} for the JSON rules). */
  writeMetrics(metrics: unknown): Promise<string>;
  /** Writes `report.md`. */
  writeMarkdown(text: string): Promise<string>;
  /**
   * Renders a vega-lite spec with {@link renderChartPng} and writes it as `<name>.png` (`.png` is added unless `name`
   * has it). Rendering happens before anything is written, so a rejected spec leaves no file.
   * @throws ReportError (of `@counterweight/reports`) naming the file when the spec cannot be rendered.
   */
  writeChart(name: string, spec: TopLevelSpec, options?: RenderChartOptions): Promise<string>;
  /**
   * Writes pretty-printed JSON to `<name>.json` (`.json` is added unless `name` has it); paths inside this folder are
   * written relative to it (`./runs/…`) and other paths of this machine as {@link scrubPaths} does. Values are checked by
   * {@link strictJsonStringify}: NaN and ±Infinity are refused with an error naming the key path (never silently
   * written as null); encode them yourself, e.g. as strings, if they must be kept.
   * @throws RunFileError naming the file and key path of a value JSON cannot hold.
   */
  writeJson(name: string, value: unknown): Promise<string>;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/**
 * A new run id: the UTC time as `YYYYMMDD-HHMMSS`, a dash and 6 random hex digits, e.g. `20250301-142207-9f3a1c`.
 * Ids sort by start time; the suffix keeps runs started in the same second apart. The suffix comes from
 * `crypto.randomBytes`, not from a seeded generator, so seeding a run does not make its id collide with a re-run.
 */
export function newRunId(now: Date = new Date()): string {
  const date = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  return `${date}-${time}-${randomBytes(3).toString('hex')}`;
}

/**
 * Checks that `value` can be one path segment of a run folder: letters, digits, `.`, `_`, `-`, starting with a letter
 * or digit, at most 128 characters (no `/`, no `..`).
 * @throws ConfigError naming `option` (e.g. `--run-id`) otherwise.
 */
export function assertPathSegment(option: string, value: string): void {
  if (!SAFE_SEGMENT.test(value)) {
    throw new ConfigError(
      option,
      `${JSON.stringify(value)} is not a safe path segment (letters, digits, ".", "_", "-"; starting with a letter ` +
        'or digit; at most 128 characters)',
    );
  }
}

function withExtension(name: string, extension: string): string {
  return name.endsWith(extension) ? name : `${name}${extension}`;
}

class RunDirectoryImpl implements RunDirectory {
  constructor(
    readonly app: string,
    readonly runId: string,
    readonly dir: string,
    readonly created: boolean,
  ) {}

  async discardIfCreated(): Promise<void> {
    if (this.created) await rm(this.dir, { recursive: true, force: true });
  }

  path(name: string): string {
    const segments = name.split('/');
    if (!segments.every((segment) => SAFE_SEGMENT.test(segment))) {
      throw new RunFileError(
        { file: join(this.dir, name) },
        'not a safe relative file name (segments of letters, digits, ".", "_", "-" separated by "/", no leading dot)',
      );
    }
    return join(this.dir, ...segments);
  }

  async writeConfig(config: unknown): Promise<string> {
    return this.writeJson('config.json', config);
  }

  async writeMetrics(metrics: unknown): Promise<string> {
    return this.writeJson('metrics.json', metrics);
  }

  async writeMarkdown(text: string): Promise<string> {
    await writeFileAtomic(this.path('report.md'), text.endsWith('\n') ? text : `${text}\n`);
    return 'report.md';
  }

  async writeChart(name: string, spec: TopLevelSpec, options?: RenderChartOptions): Promise<string> {
    const file = withExtension(name, '.png');
    const path = this.path(file);
    // Loaded here, not at the top: a worker thread that trains (and never draws) does not load vega or sharp.
    const { renderChartPng, ReportError } = await import('@counterweight/reports');
    let png: Buffer;
    try {
      png = await renderChartPng(spec, options);
    } catch (error) {
      if (!(error instanceof ReportError)) throw error;
      throw new ReportError({ file: path }, error.message, { cause: error });
    }
    await writeFileAtomic(path, png);
    return file;
  }

  async writeJson(name: string, value: unknown): Promise<string> {
    const file = withExtension(name, '.json');
    const path = this.path(file);
    // A path inside this folder is written relative to it (`./runs/…`), any other path of the machine through
    // scrubPaths: the file names no folder of the machine that wrote it.
    const inside = JSON.stringify(this.dir).slice(1, -1);
    await writeFileAtomic(path, scrubPaths(strictJsonStringify(value, { file: path }).split(inside).join('.')));
    return file;
  }
}

/** Creates `dir` (with its parents) or finds it, as `mode` allows. Returns whether it was created. */
async function makeDirectory(dir: string, mode: OpenMode, option: string, what: string): Promise<boolean> {
  await mkdir(dirname(dir), { recursive: true });
  if (mode === 'resume') {
    const found = await stat(dir).catch(() => undefined);
    if (found?.isDirectory() === true) return false;
    if (found !== undefined) throw new ConfigError(option, `${dir} is a file, not a directory; choose another ${option}`);
    throw new ConfigError(option, `there is no ${what} to resume at ${dir}; check the name, or leave out --resume to start a new one`);
  }
  try {
    await mkdir(dir);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if ((await stat(dir)).isDirectory() === false) throw new ConfigError(option, `${dir} is a file, not a directory; choose another ${option}`);
    if (mode === 'new') {
      throw new ConfigError(option, `${what} ${dir} exists already; add --resume to continue it, or choose another ${option}`);
    }
    return false;
  }
}

/**
 * Creates (or, as `mode` allows, reopens) the run directory `<root>/<app>/<run-id>/` and returns a
 * {@link RunDirectory} to write the run's config, metrics, charts and report into. A reopened directory is swept of
 * the temporaries that atomic writes of killed processes left in it.
 *
 * @throws ConfigError naming `option` (default `--run-id`) when `app` or `runId` is not a safe path segment, when
 *   the directory exists and `mode` is `new` (the default), or when it does not exist and `mode` is `resume`.
 */
export async function createRunDirectory(options: CreateRunDirectoryOptions): Promise<RunDirectory> {
  assertPathSegment('app', options.app);
  const option = options.option ?? '--run-id';
  const runId = options.runId ?? newRunId();
  assertPathSegment(option, runId);
  const dir = join(resolve(options.root ?? DEFAULT_RUNS_ROOT, options.app), runId);
  const created = await makeDirectory(dir, options.mode ?? 'new', option, 'run');
  if (!created) await removeStaleTemporaries(dir);
  return new RunDirectoryImpl(options.app, runId, dir, created);
}

/** Options of {@link openRunDirectory}. */
export interface OpenRunDirectoryOptions {
  /** The app the run belongs to (a safe path segment); recorded on the returned {@link RunDirectory}. */
  readonly app: string;
  /** New, resumed, or either (see {@link OpenMode}). Default `new`. */
  readonly mode?: OpenMode;
  /** The command-line option named in errors. Default `--out`. */
  readonly option?: string;
}

/**
 * A {@link RunDirectory} at an explicit path (a CLI's `--out DIR`) instead of `<root>/<app>/<run-id>/`; the
 * directory and its parents are created. Its run id is the directory's base name.
 *
 * A reopened directory is swept of the temporaries that atomic writes of killed processes left in it.
 *
 * @throws ConfigError when `app` is not a safe path segment, or the directory's existence contradicts `mode`.
 */
export async function openRunDirectory(dir: string, options: OpenRunDirectoryOptions): Promise<RunDirectory> {
  assertPathSegment('app', options.app);
  const absolute = resolve(dir);
  const created = await makeDirectory(absolute, options.mode ?? 'new', options.option ?? '--out', 'directory');
  if (!created) await removeStaleTemporaries(absolute);
  return new RunDirectoryImpl(options.app, basename(absolute), absolute, created);
}
