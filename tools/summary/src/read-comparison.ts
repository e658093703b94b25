import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Interval, MethodSummary, SeedStatistics } from '@counterweight/experiment';
import { DataFileError, parseJsonBytes } from '@counterweight/runtime/base';

/** One validation estimate of a run's learning curve (LLM runs): the loss after `step` optimiser steps. */
export interface CurvePoint {
  readonly step: number;
  readonly validationLoss: number;
}

/** A run's learning curve, when the app records one in `metrics.json` (`runs[i].result.curve`). */
export interface RunCurve {
  readonly method: string;
  readonly repetition: number;
  readonly points: readonly CurvePoint[];
}

/** What the summary reads of a finished comparison folder. */
export interface FinishedComparison {
  /** The comparison folder. */
  readonly dir: string;
  /** Its `report.md`. */
  readonly report: string;
  /** Its `metrics.json`. */
  readonly metricsFile: string;
  /** The app's summaries over seeds, in the app's order (mean, std, 95 % interval; paired differences). */
  readonly summaries: readonly MethodSummary[];
  /** Learning curves of the runs that have one (empty otherwise). */
  readonly curves: readonly RunCurve[];
}

type Json = unknown;

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Field access that names the key path of what is missing or of the wrong kind. */
class Reader {
  constructor(private readonly file: string) {}

  fail(path: string, expected: string): never {
    throw new DataFileError({ file: this.file }, `${path}: expected ${expected}`);
  }

  record(value: Json, path: string): Record<string, Json> {
    return isRecord(value) ? value : this.fail(path, 'an object');
  }

  array(value: Json, path: string): Json[] {
    return Array.isArray(value) ? value : this.fail(path, 'an array');
  }

  number(value: Json, path: string): number {
    return typeof value === 'number' && Number.isFinite(value) ? value : this.fail(path, 'a finite number');
  }

  string(value: Json, path: string): string {
    return typeof value === 'string' && value.length > 0 ? value : this.fail(path, 'a non-empty string');
  }

  interval(value: Json, path: string): Interval | null {
    if (value === null) return null;
    const r = this.record(value, path);
    return { lower: this.number(r['lower'], `${path}.lower`), upper: this.number(r['upper'], `${path}.upper`) };
  }

  statistics(value: Json, path: string): SeedStatistics {
    const r = this.record(value, path);
    const n = this.number(r['n'], `${path}.n`);
    if (!(Number.isInteger(n) && n >= 1)) this.fail(`${path}.n`, 'a whole number ≥ 1');
    return {
      n,
      mean: this.number(r['mean'], `${path}.mean`),
      std: this.number(r['std'], `${path}.std`),
      interval95: this.interval(r['interval95'] ?? null, `${path}.interval95`),
      values: this.array(r['values'], `${path}.values`).map((v, i) => this.number(v, `${path}.values[${i}]`)),
    };
  }

  statisticsMap(value: Json, path: string): Record<string, SeedStatistics> {
    const r = this.record(value, path);
    return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, this.statistics(v, `${path}["${k}"]`)]));
  }

  summary(value: Json, path: string): MethodSummary {
    const r = this.record(value, path);
    const summary: MethodSummary = {
      method: this.string(r['method'], `${path}.method`),
      seeds: this.array(r['seeds'], `${path}.seeds`).map((v, i) => this.number(v, `${path}.seeds[${i}]`)),
      metrics: this.statisticsMap(r['metrics'], `${path}.metrics`),
    };
    return r['againstBaseline'] === undefined ? summary : { ...summary, againstBaseline: this.statisticsMap(r['againstBaseline'], `${path}.againstBaseline`) };
  }

  /** `runs[i]`'s learning curve, or undefined when the run has none (apps other than the LLM one). */
  curve(value: Json, path: string, index: number): RunCurve | undefined {
    const run = this.record(value, path);
    const result = isRecord(run['result']) ? run['result'] : undefined;
    if (result?.['curve'] === undefined) return undefined;
    const points = this.array(result['curve'], `${path}.result.curve`).map((p, i) => {
      const point = this.record(p, `${path}.result.curve[${i}]`);
      return { step: this.number(point['step'], `${path}.result.curve[${i}].step`), validationLoss: this.number(point['validationLoss'], `${path}.result.curve[${i}].validationLoss`) };
    });
    const repetition = run['repetition'] === undefined ? index : this.number(run['repetition'], `${path}.repetition`);
    return { method: this.string(run['method'], `${path}.method`), repetition, points };
  }
}

/**
 * Reads a finished comparison folder written by an app's `compare`: `metrics.json` (its `summaries`, and the runs'
 * learning curves where present) and the presence of `report.md`.
 *
 * @throws DataFileError naming the file and the key path when the folder has no `metrics.json` or `report.md` (the
 *   comparison has not finished: run the app's compare), the JSON does not parse, or a summary lacks a field.
 */
export async function readComparison(dir: string): Promise<FinishedComparison> {
  const metricsFile = join(dir, 'metrics.json');
  const report = join(dir, 'report.md');
  const unreadable = (file: string) => (error: NodeJS.ErrnoException): never => {
    const reason =
      error.code === 'ENOENT' ? "no such file: the comparison has not finished (run the app's compare, or npm start)" : `cannot read it (${error.code ?? error.message})`;
    throw new DataFileError({ file }, reason);
  };
  const bytes = await readFile(metricsFile).catch(unreadable(metricsFile));
  await access(report).catch(unreadable(report));
  const parsed = parseJsonBytes(bytes, "an app's metrics.json");
  if (parsed.problem !== undefined) throw new DataFileError({ file: metricsFile }, parsed.problem);
  const reader = new Reader(metricsFile);
  const root = reader.record(parsed.value, 'the file');
  const summaries = reader.array(root['summaries'], 'summaries').map((s, i) => reader.summary(s, `summaries[${i}]`));
  if (summaries.length === 0) reader.fail('summaries', 'at least one method');
  const runs = root['runs'] === undefined ? [] : reader.array(root['runs'], 'runs');
  const curves = runs.flatMap((run, i) => reader.curve(run, `runs[${i}]`, i) ?? []);
  return { dir, report, metricsFile, summaries, curves };
}
