import { ConfigError } from '@counterweight/runtime';

import type { AlignedTable } from './aligned-table.js';
import { MISSING_FLAG_SUFFIX, calendarFeatureNames, featureMatrices, inputVariables } from './feature-matrix.js';
import type { ForecastWindows, Scaling, WindowSplit } from './forecast-windows.js';

/** The three splits, in time order. */
export const SPLITS = ['train', 'validation', 'test'] as const;
/** One of {@link SPLITS}. */
export type SplitName = (typeof SPLITS)[number];

/** A period: ISO date (`YYYY-MM-DD`) or date-time (`YYYY-MM-DDTHH:mm`), start inclusive, end exclusive. */
export interface Period {
  readonly start: string;
  readonly end: string;
}

/** Options of {@link makeWindows}; each error names the CLI flag in parentheses. */
export interface WindowOptions {
  /** Input steps per window (`--history`). */
  readonly history: number;
  /** Steps ahead, strictly ascending, each ≥ 1 (`--horizons`). */
  readonly horizons: readonly number[];
  /** Split periods (`--train-start`, `--train-end`, …); absent → {@link defaultPeriods}. */
  readonly periods?: Partial<Record<SplitName, Partial<Period>>>;
  /** Keep every k-th window end (`--stride`). Default 1. */
  readonly stride?: number;
  /** Add calendar features (hour of day for hourly data, day of year, weekday; sin/cos). Default true. */
  readonly calendar?: boolean;
  /** Add a `<variable>_missing` input (1 where the value is missing) for every variable. Default false. */
  readonly missingFlags?: boolean;
  /** Forecast the weather variables with their own head (AirCast's multi-task layout). Default true. */
  readonly weatherTargets?: boolean;
}

/**
 * Beijing Multi-Site defaults (hourly 2013-03-01 … 2017-02-28): train 2013-03-01 to 2016-01-01 (34 months, three
 * winters), validation 2016-01-01 to 2016-07-01 (a winter with smog episodes, for early stopping and thresholds),
 * test 2016-07-01 to 2017-03-01 (eight months including the heavy winter 2016/17 episodes). Ends are exclusive.
 */
export const BEIJING_PERIODS: Readonly<Record<SplitName, Period>> = {
  train: { start: '2013-03-01', end: '2016-01-01' },
  validation: { start: '2016-01-01', end: '2016-07-01' },
  test: { start: '2016-07-01', end: '2017-03-01' },
};

const DAY_MS = 86_400_000;

const flag = (split: SplitName, edge: 'start' | 'end'): string => `--${split}-${edge}`;

/** Formats a grid time (wall clock as UTC) as `YYYY-MM-DD HH:mm`. */
export function formatGridTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * Parses an ISO date `YYYY-MM-DD` or date-time `YYYY-MM-DDTHH:mm` (or with a space) strictly, as wall clock in UTC ms.
 * @throws ConfigError naming `option` when the text is not such a date or not a real calendar date.
 */
export function parsePeriodDate(text: string, option: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text);
  if (m === null) throw new ConfigError(option, `"${text}" is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:mm)`);
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0'].map(Number) as [number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi) {
    throw new ConfigError(option, `"${text}" is not a real calendar date and time`);
  }
  return ms;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Split periods used when none are given: {@link BEIJING_PERIODS} when the table covers 2013-03-01 to 2017-02-28;
 * otherwise the table's time range cut at day boundaries into the first 70 % (train), the next 15 % (validation)
 * and the last 15 % (test).
 */
export function defaultPeriods(table: AlignedTable): Readonly<Record<SplitName, Period>> {
  const last = table.start + (table.length - 1) * table.stepMs;
  if (table.start <= Date.UTC(2013, 2, 1) && last >= Date.UTC(2017, 1, 28)) return BEIJING_PERIODS;
  const first = Math.floor(table.start / DAY_MS) * DAY_MS;
  const end = Math.floor(last / DAY_MS) * DAY_MS + DAY_MS;
  const days = (end - first) / DAY_MS;
  const a = first + Math.round(days * 0.7) * DAY_MS;
  const b = first + Math.round(days * 0.85) * DAY_MS;
  return {
    train: { start: isoDay(first), end: isoDay(a) },
    validation: { start: isoDay(a), end: isoDay(b) },
    test: { start: isoDay(b), end: isoDay(end) },
  };
}

function checkInteger(value: number, option: string, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new ConfigError(option, `must be an integer ≥ ${min}, got ${value}`);
}

/**
 * Cuts an aligned table into forecast windows for train, validation and test.
 *
 * A window ends at grid step `t` (its last input step; inputs are steps `t − history + 1 … t`) and forecasts steps
 * `t + h` for each horizon `h`. Window ends are every `stride`-th step from `history − 1` on. A window belongs to the
 * split whose period holds its end time AND its last target time (so no target crosses a split boundary; inputs may
 * reach back into the previous period, which is the past and known at forecast time). Windows whose pollutant
 * targets are all missing are dropped.
 *
 * Inputs per step, in this order: weather variables, pollutants, derived (`wd_sin`, `wd_cos`), calendar features
 * (`hour_sin`, `hour_cos` for hourly data, `doy_sin`, `doy_cos`, `dow_sin`, `dow_cos`), then `<variable>_missing`
 * flags when asked. Variables are standardised with the mean and (population) standard deviation of their observed
 * values at the steps the training windows cover (inputs and targets), std 1 for a constant variable; a missing input
 * is 0 (the training mean). Calendar features and flags are not rescaled (scaling 0/1). Targets: weather (unless
 * `weatherTargets` is false), then pollutants, standardised with the same scaling, 0 and mask 0 where missing.
 * Baselines in original units: persistence = last observed value in the history; seasonal-naive = the value one
 * period (24 hourly steps / 7 daily steps) times `ceil(h / period)` before the target, NaN if that is before the
 * history or missing.
 *
 * Cost: one pass over the windows to assign splits, one over the training windows for the scaling, one copy of a
 * precomputed per-station `[length, features]` matrix per window; memory is `count × history × features × 4` bytes.
 *
 * @throws ConfigError naming the flag: `--history`, `--horizons` (not ascending, or longer than the series),
 *   `--stride`, `--<split>-start`/`--<split>-end` (not a date, after the data's last time, before its first, periods
 *   reversed or overlapping, or a split without windows).
 */
export function makeWindows(table: AlignedTable, options: WindowOptions): ForecastWindows {
  const { history, horizons } = options;
  const stride = options.stride ?? 1;
  checkInteger(history, '--history', 1);
  checkInteger(stride, '--stride', 1);
  if (horizons.length === 0) throw new ConfigError('--horizons', 'needs at least one horizon');
  horizons.forEach((h, i) => {
    checkInteger(h, '--horizons', 1);
    if (i > 0 && h <= (horizons[i - 1] ?? 0)) throw new ConfigError('--horizons', `must be strictly ascending, got ${horizons.join(',')}`);
  });
  const maxH = horizons[horizons.length - 1] ?? 1;
  const unit = table.frequency === 'hourly' ? 'hourly' : 'daily';
  if (history + maxH > table.length) {
    throw new ConfigError(
      '--horizons',
      `${maxH} steps is longer than the series allows: ${table.length} ${unit} steps with --history ${history} leave at most ${table.length - history} steps ahead`,
    );
  }
  const first = table.start;
  const last = table.start + (table.length - 1) * table.stepMs;

  // Periods.
  const defaults = defaultPeriods(table);
  const bounds = {} as Record<SplitName, { start: number; end: number; text: Period }>;
  for (const split of SPLITS) {
    const given = options.periods?.[split] ?? {};
    const text = { start: given.start ?? defaults[split].start, end: given.end ?? defaults[split].end };
    const start = parsePeriodDate(text.start, flag(split, 'start'));
    const end = parsePeriodDate(text.end, flag(split, 'end'));
    if (start > last) throw new ConfigError(flag(split, 'start'), `${text.start} is after the data's last time ${formatGridTime(last)}`);
    if (end <= first) throw new ConfigError(flag(split, 'end'), `${text.end} is not after the data's first time ${formatGridTime(first)}`);
    if (end <= start) throw new ConfigError(flag(split, 'end'), `${text.end} is not after ${flag(split, 'start')} ${text.start}`);
    bounds[split] = { start, end, text };
  }
  for (const [a, b] of [
    ['train', 'validation'],
    ['validation', 'test'],
  ] as const) {
    if (bounds[b].start < bounds[a].end) {
      throw new ConfigError(flag(b, 'start'), `${bounds[b].text.start} is before ${flag(a, 'end')} ${bounds[a].text.end}: the periods must not overlap`);
    }
  }

  // Variables and features.
  const inputVars = inputVariables(table);
  const weatherTargets = options.weatherTargets === false ? [] : [...table.weather];
  const pollutantTargets = [...table.pollutants];
  const targets = [...weatherTargets, ...pollutantTargets];
  const calendar = options.calendar ?? true ? calendarFeatureNames(table.frequency) : [];
  const flags = options.missingFlags === true ? inputVars.map((v) => `${v}${MISSING_FLAG_SUFFIX}`) : [];
  const features = [...inputVars, ...calendar, ...flags];
  const F = features.length;
  const V = inputVars.length;
  const T = targets.length;
  const Hn = horizons.length;

  // 1. Assign window ends to splits.
  const ends: Record<SplitName, { station: number[]; t: number[] }> = { train: { station: [], t: [] }, validation: { station: [], t: [] }, test: { station: [], t: [] } };
  const stepMs = table.stepMs;
  table.stations.forEach((series, s) => {
    const pollutantValues = pollutantTargets.map((p) => series.values[p] ?? new Float32Array(table.length).fill(NaN));
    for (let t = history - 1; t + maxH < table.length; t += stride) {
      const endTime = first + t * stepMs;
      const targetTime = first + (t + maxH) * stepMs;
      let split: SplitName | undefined;
      for (const name of SPLITS) {
        const b = bounds[name];
        if (endTime >= b.start && endTime < b.end && targetTime < b.end) split = name;
      }
      if (split === undefined) continue;
      let any = false;
      for (const values of pollutantValues) {
        for (const h of horizons) {
          if (!Number.isNaN(values[t + h] ?? NaN)) {
            any = true;
            break;
          }
        }
        if (any) break;
      }
      if (!any) continue;
      ends[split].station.push(s);
      ends[split].t.push(t);
    }
  });
  for (const split of SPLITS) {
    if (ends[split].t.length === 0) {
      const b = bounds[split];
      throw new ConfigError(
        `${flag(split, 'start')}/${flag(split, 'end')}`,
        `the ${split} period ${b.text.start} to ${b.text.end} holds no forecast window with an observed pollutant target (history ${history}, horizons up to ${maxH} ${unit} steps; data ${formatGridTime(first)} to ${formatGridTime(last)})`,
      );
    }
  }

  // 2. Scaling from the steps the training windows cover.
  const scaling: Record<string, Scaling> = {};
  const sums = new Float64Array(V);
  const sumSquares = new Float64Array(V);
  const counts = new Float64Array(V);
  table.stations.forEach((series, s) => {
    const covered = new Int32Array(table.length + 1);
    const targetStep = new Uint8Array(table.length);
    const train = ends.train;
    for (let w = 0; w < train.t.length; w++) {
      if (train.station[w] !== s) continue;
      const t = train.t[w] ?? 0;
      covered[t - history + 1] = (covered[t - history + 1] ?? 0) + 1;
      covered[t + 1] = (covered[t + 1] ?? 0) - 1;
      for (const h of horizons) targetStep[t + h] = 1;
    }
    let running = 0;
    const use = new Uint8Array(table.length);
    for (let k = 0; k < table.length; k++) {
      running += covered[k] ?? 0;
      use[k] = running > 0 || targetStep[k] === 1 ? 1 : 0;
    }
    inputVars.forEach((v, j) => {
      const values = series.values[v];
      if (values === undefined) return;
      let sum = 0;
      let sq = 0;
      let n = 0;
      for (let k = 0; k < table.length; k++) {
        const x = values[k] ?? NaN;
        if (use[k] === 0 || Number.isNaN(x)) continue;
        sum += x;
        sq += x * x;
        n++;
      }
      sums[j] = (sums[j] ?? 0) + sum;
      sumSquares[j] = (sumSquares[j] ?? 0) + sq;
      counts[j] = (counts[j] ?? 0) + n;
    });
  });
  inputVars.forEach((v, j) => {
    const n = counts[j] ?? 0;
    const mean = n > 0 ? (sums[j] ?? 0) / n : 0;
    const variance = n > 0 ? Math.max(0, (sumSquares[j] ?? 0) / n - mean * mean) : 0;
    const std = Math.sqrt(variance);
    scaling[v] = { mean, std: std > 1e-12 * Math.max(1, Math.abs(mean)) ? std : 1 };
  });
  for (const name of [...calendar, ...flags]) scaling[name] = { mean: 0, std: 1 };

  // 3. Per-station standardised feature matrices, then one copy per window.
  const matrices = featureMatrices(table, features, scaling);
  const period = table.frequency === 'hourly' ? 24 : 7;
  const targetSeries = table.stations.map((series) => targets.map((v) => series.values[v] ?? new Float32Array(table.length).fill(NaN)));
  const targetScaling = targets.map((v) => scaling[v] ?? { mean: 0, std: 1 });

  const horizonList = Int32Array.from(horizons);
  const seasonalBack = Int32Array.from(horizons, (h) => period * Math.ceil(h / period));
  const build = (split: SplitName): WindowSplit => {
    const { station: stationList, t: tList } = ends[split];
    const count = tList.length;
    const span = history * F;
    const inputs = new Float32Array(count * history * F);
    const targetOut = new Float32Array(count * Hn * T);
    const mask = new Float32Array(count * Hn * T);
    const raw = new Float32Array(count * Hn * T);
    const persistence = new Float32Array(count * T);
    const seasonal = new Float32Array(count * Hn * T);
    const station = new Int32Array(count);
    const time = new Float64Array(count);
    for (let w = 0; w < count; w++) {
      const s = stationList[w] ?? 0;
      const t = tList[w] ?? 0;
      station[w] = s;
      time[w] = first + t * stepMs;
      const m = matrices[s];
      if (m !== undefined) inputs.set(m.subarray((t - history + 1) * F, (t + 1) * F), w * span);
      const series = targetSeries[s] ?? [];
      for (let k = 0; k < T; k++) {
        const values = series[k];
        if (values === undefined) continue;
        let last = NaN;
        for (let q = t; q > t - history; q--) {
          const x = values[q] ?? NaN;
          if (x === x) {
            last = x;
            break;
          }
        }
        persistence[w * T + k] = last;
        const sc = targetScaling[k];
        const mean = sc?.mean ?? 0;
        const std = sc?.std ?? 1;
        for (let j = 0; j < Hn; j++) {
          const h = horizonList[j] ?? 1;
          const o = (w * Hn + j) * T + k;
          const x = values[t + h] ?? NaN;
          raw[o] = x;
          if (x === x) {
            mask[o] = 1;
            targetOut[o] = (x - mean) / std;
          }
          const back = seasonalBack[j] ?? 0;
          seasonal[o] = t + h - back > t - history ? (values[t + h - back] ?? NaN) : NaN;
        }
      }
    }
    return { count, inputs, targets: targetOut, mask, raw, persistence, seasonal, station, time };
  };

  return {
    frequency: table.frequency,
    stations: table.stations.map((s) => s.station),
    history,
    horizons: [...horizons],
    features,
    targets,
    weatherTargets,
    pollutantTargets,
    scaling,
    train: build('train'),
    validation: build('validation'),
    test: build('test'),
    periods: {
      train: { ...bounds.train.text },
      validation: { ...bounds.validation.text },
      test: { ...bounds.test.text },
    },
  };
}
