import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import type { TopLevelSpec } from 'vega-lite';

import { writeFileAtomic } from '../atomic-write.js';
import { ConfigError } from '../errors.js';
import { renderChartPng, type RenderChartOptions } from './charts.js';
import { ReportError } from './report-error.js';
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
  /** Accept a run directory that already exists (e.g. to add to a resumed run). Default false: that is an error. */
  readonly allowExisting?: boolean;
}

/**
 * The output directory of one run, `<root>/<app>/<run-id>/`. Every write is atomic ({@link writeFileAtomic}): a
 * reader sees the old file or the whole new one, and a failed write leaves nothing behind. The write methods return
 * the file's name relative to the run directory, e.g. `loss.png`, ready to embed in `report.md`.
 *
 * File names are relative paths of safe segments (letters, digits, `.`, `_`, `-`; no leading dot) separated by `/`;
 * anything else is a {@link ReportError}. Subdirectories are created as needed.
 */
export interface RunDirectory {
  readonly app: string;
  readonly runId: string;
  /** Absolute path of the run directory. */
  readonly dir: string;
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
   * @throws ReportError naming the file when the spec cannot be rendered.
   */
  writeChart(name: string, spec: TopLevelSpec, options?: RenderChartOptions): Promise<string>;
  /**
   * Writes pretty-printed JSON to `<name>.json` (`.json` is added unless `name` has it). Values are checked by
   * {@link strictJsonStringify}: NaN and ±Infinity are refused with an error naming the key path (never silently
   * written as null); encode them yourself, e.g. as strings, if they must be kept.
   * @throws ReportError naming the file and key path of a value JSON cannot hold.
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

function checkSegment(option: string, value: string): void {
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
  ) {}

  path(name: string): string {
    const segments = name.split('/');
    if (!segments.every((segment) => SAFE_SEGMENT.test(segment))) {
      throw new ReportError(
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
    await writeFileAtomic(path, strictJsonStringify(value, { file: path }));
    return file;
  }
}

/**
 * Creates the run directory `<root>/<app>/<run-id>/` (and its parents) and returns a {@link RunDirectory} to write
 * the run's config, metrics, charts and report into.
 *
 * @throws ConfigError when `app` or `runId` is not a safe path segment, or the run directory exists already and
 *   `allowExisting` is not set.
 */
export async function createRunDirectory(options: CreateRunDirectoryOptions): Promise<RunDirectory> {
  checkSegment('app', options.app);
  const runId = options.runId ?? newRunId();
  checkSegment('runId', runId);
  const appDir = resolve(options.root ?? DEFAULT_RUNS_ROOT, options.app);
  const dir = join(appDir, runId);
  await mkdir(appDir, { recursive: true });
  try {
    await mkdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (options.allowExisting !== true) {
      throw new ConfigError('runId', `run directory ${dir} already exists (pass allowExisting to add to it)`);
    }
  }
  return new RunDirectoryImpl(options.app, runId, dir);
}

/** Options of {@link openRunDirectory}. */
export interface OpenRunDirectoryOptions {
  /** The app the run belongs to (a safe path segment); recorded on the returned {@link RunDirectory}. */
  readonly app: string;
  /** Accept a directory that exists already (e.g. to resume into it). Default false: an existing one is an error. */
  readonly allowExisting?: boolean;
}

/**
 * A {@link RunDirectory} at an explicit path (a CLI's `--out DIR`) instead of `<root>/<app>/<run-id>/`; the
 * directory and its parents are created. Its run id is the directory's base name.
 *
 * @throws ConfigError when `app` is not a safe path segment, or the directory exists and `allowExisting` is not set.
 */
export async function openRunDirectory(dir: string, options: OpenRunDirectoryOptions): Promise<RunDirectory> {
  checkSegment('app', options.app);
  const absolute = resolve(dir);
  await mkdir(dirname(absolute), { recursive: true });
  try {
    await mkdir(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (options.allowExisting !== true) {
      throw new ConfigError('out', `directory ${absolute} already exists (resume into it, or choose another)`);
    }
  }
  return new RunDirectoryImpl(options.app, basename(absolute), absolute);
}
