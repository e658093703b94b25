import {
  exceedanceDetection,
  exceedanceErrors,
  groupRegressionErrors,
  intervalCoverage,
  observedMask,
  quantileCoverage,
  regressionErrors,
  skillScore,
  weightedIntervalScore,
  type ContingencyTable,
  type RegressionErrors,
} from '@counterweight/metrics';
import { ConfigError } from '@counterweight/runtime';
import type { WindowSplit } from '../data/forecast-windows.js';
import { forecastShape } from './baselines.js';
import { finiteOrNull } from './finite-or-null.js';

/** Default thresholds of the extreme-event evaluation: PM2.5 ≥ 75 µg/m³ (China AQI > 100, "polluted") and ≥ 150 ("heavy"). */
export const DEFAULT_EXTREME_THRESHOLDS: readonly number[] = [75, 150];

/** Quantile forecasts of a split: `values` `[count, H, V, Q]` row-major (original units), one column per level. */
export interface QuantileForecasts {
  /** Levels `[Q]` in (0, 1), e.g. `[0.1, 0.5, 0.9]`. */
  readonly levels: readonly number[];
  readonly values: Float32Array;
}

/** How extremes are evaluated; thresholds in the variable's original units. */
export interface ExtremeSettings {
  /** Event / extreme thresholds (inclusive, `y ≥ t`). Default {@link DEFAULT_EXTREME_THRESHOLDS}. */
  readonly thresholds?: readonly number[];
  /** The target variable of the extreme-event panel. Default `'PM2.5'`. */
  readonly variable?: string;
  /** Lower edge of the top decile, from the TRAINING targets (see `targetDeciles`). Absent → `topDecile` is null. */
  readonly topDecileThreshold?: number;
  /**
   * The 9 inner decile edges of the TRAINING targets, ascending (see `targetDeciles`), for the error-by-decile chart.
   * Absent → `byDecile` is empty.
   */
  readonly decileEdges?: readonly number[];
}

/** Inputs of {@link evaluateForecasts}. */
export interface ForecastEvaluationInput {
  /** The evaluated split (usually test): `raw` targets, `persistence`, `seasonal`, `station`. */
  readonly split: WindowSplit;
  /** Output variable names in layout order (`ForecastWindows.targets`), V of them. */
  readonly targets: readonly string[];
  /** The pollutant targets to report (a subset of `targets`). */
  readonly pollutantTargets: readonly string[];
  /** Steps ahead (`ForecastWindows.horizons`), H of them. */
  readonly horizons: readonly number[];
  /** Station names (`ForecastWindows.stations`), indexed by `split.station`. */
  readonly stations: readonly string[];
  /** Point forecasts `[count, H, V]` in original units; finite wherever the target is observed. */
  readonly point: Float32Array;
  /** Optional quantile forecasts. */
  readonly quantiles?: QuantileForecasts;
  readonly extremes: ExtremeSettings;
  /**
   * What a non-finite point forecast at an observed target means: `'error'` (default; a model must forecast every
   * window) throws; `'skip'` leaves the sample out of every point metric and counts it in `missingForecasts` — for
   * the persistence baseline, which has no value when a window's history holds no observation of the target.
   */
  readonly missingForecasts?: 'error' | 'skip';
}

/** Point-forecast errors of a set of samples; `null` = undefined (no evaluated sample). */
export interface ErrorSummary {
  /** Evaluated samples (observed target). */
  readonly count: number;
  readonly mae: number | null;
  readonly rmse: number | null;
  /** Mean error, forecast − observed (positive = over-forecast). */
  readonly bias: number | null;
}

/** Errors of one pollutant at one horizon, with skill against the naive forecasts. */
export interface HorizonErrors extends ErrorSummary {
  readonly horizon: number;
  /** Observed targets left out because the forecast was missing (`missingForecasts: 'skip'`; else 0). */
  readonly missingForecasts: number;
  /** MSE skill against persistence, `1 − MSE/MSE_persistence` (metrics' `skillScore`), on samples with both. */
  readonly skill: number | null;
  /** Samples in `skill` (observed target and a persistence value). */
  readonly skillCount: number;
  /** MSE skill against the seasonal-naive forecast, on samples with both. */
  readonly skillSeasonal: number | null;
  readonly skillSeasonalCount: number;
}

/** Per-horizon errors of one pollutant. */
export interface PollutantErrors {
  readonly target: string;
  readonly horizons: readonly HorizonErrors[];
}

/** Errors of one pollutant at one station: pooled over all horizons, and per horizon (same order as `horizons`). */
export interface StationErrors {
  readonly station: string;
  readonly target: string;
  readonly overall: ErrorSummary;
  readonly byHorizon: readonly ErrorSummary[];
}

/** Errors on the targets at or above a threshold. */
export interface ThresholdErrors extends ErrorSummary {
  readonly threshold: number;
}

/** Exceedance detection at a threshold: metrics' contingency counts, and its scores as JSON (`null` where the denominator is 0). */
export interface DetectionScores extends ContingencyTable {
  readonly threshold: number;
  readonly pod: number | null;
  readonly far: number | null;
  readonly csi: number | null;
  readonly frequencyBias: number | null;
}

/** Errors of the targets in one training-decile bin `[lower, upper)` (`null` ends are −∞ / +∞). */
export interface DecileErrors extends ErrorSummary {
  /** 0 (lowest tenth of the training targets) … 9 (top decile). */
  readonly decile: number;
  readonly lower: number | null;
  readonly upper: number | null;
}

/** Extreme-event evaluation of the chosen variable at one horizon. */
export interface ExtremeHorizon {
  readonly horizon: number;
  /** One entry per threshold: errors on targets `≥ threshold`. */
  readonly exceedance: readonly ThresholdErrors[];
  /** Errors on targets `≥` the training top-decile threshold; null without one. */
  readonly topDecile: ThresholdErrors | null;
  /** One entry per threshold: event `value ≥ threshold` for forecast and observation. */
  readonly detection: readonly DetectionScores[];
  /** Ten bins by the training decile edges; empty without them. */
  readonly byDecile: readonly DecileErrors[];
}

/** Extreme-event panel of one variable. */
export interface ExtremeEvaluation {
  readonly variable: string;
  readonly thresholds: readonly number[];
  readonly topDecileThreshold: number | null;
  readonly decileEdges: readonly number[] | null;
  readonly horizons: readonly ExtremeHorizon[];
}

/** Probabilistic evaluation of one pollutant at one horizon. */
export interface QuantileHorizon {
  readonly target: string;
  readonly horizon: number;
  readonly count: number;
  /** Fraction of observed targets `≤` the forecast quantile, per level (metrics' `quantileCoverage`). */
  readonly coverage: readonly (number | null)[];
  /** The central interval [P10, P90] (levels 0.1 and 0.9), or null when those levels are not forecast. */
  readonly interval: {
    readonly lowerLevel: number;
    readonly upperLevel: number;
    /** Fraction of observed targets inside the closed interval (nominal 0.8). */
    readonly coverage: number | null;
    /** Mean of `upper − lower` over the evaluated samples (negative parts where quantiles cross). */
    readonly meanWidth: number | null;
  } | null;
  /** Mean weighted interval score (Bracher et al. 2021), or null when the levels are not 2K + 1 symmetric ones with the median. */
  readonly wis: number | null;
}

/** Quantile evaluation: the levels and one entry per pollutant × horizon. */
export interface QuantileEvaluation {
  readonly levels: readonly number[];
  readonly entries: readonly QuantileHorizon[];
}

/** JSON-ready result of {@link evaluateForecasts}: every undefined number is `null`, never NaN. */
export interface ForecastEvaluation {
  /** Windows in the split. */
  readonly count: number;
  readonly horizons: readonly number[];
  readonly pollutants: readonly PollutantErrors[];
  readonly stations: readonly StationErrors[];
  readonly extremes: ExtremeEvaluation;
  readonly quantiles: QuantileEvaluation | null;
  /**
   * Flat scalars for the summary table (see {@link evaluateForecasts} for the keys). A key is present only when its
   * value is defined at every horizon it averages, so it is always a finite number.
   */
  readonly headline: Readonly<Record<string, number>>;
}

const LEVEL_TOLERANCE = 1e-6;

function summary(e: RegressionErrors): ErrorSummary {
  return { count: e.count, mae: finiteOrNull(e.mae), rmse: finiteOrNull(e.rmse), bias: finiteOrNull(e.meanError) };
}

/** `values[i, h, v]` of a `[count, H, V]` array for every window i, as float64. */
function column(values: Float32Array, count: number, horizons: number, targets: number, h: number, v: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 1) out[i] = values[(i * horizons + h) * targets + v] ?? Number.NaN;
  return out;
}

function both(a: Uint8Array, values: Float64Array): Uint8Array {
  return a.map((m, i) => (m === 1 && Number.isFinite(values[i] ?? Number.NaN) ? 1 : 0));
}

function targetIndex(targets: readonly string[], name: string, argument: string): number {
  const v = targets.indexOf(name);
  if (v < 0) throw new ConfigError(argument, `"${name}" is not a target; targets are ${targets.join(', ')}`);
  return v;
}

function meanIfAllDefined(values: readonly (number | null)[]): number | undefined {
  if (values.length === 0 || values.some((x) => x === null)) return undefined;
  return (values as number[]).reduce((s, x) => s + x, 0) / values.length;
}

function checkInput(input: ForecastEvaluationInput): { count: number; H: number; V: number } {
  const { split, targets, horizons, stations, point } = input;
  if (horizons.length === 0) throw new ConfigError('horizons', 'must list at least one horizon');
  if (targets.length === 0) throw new ConfigError('targets', 'must list at least one target');
  const shape = forecastShape(split, horizons.length);
  if (shape.count === 0) throw new ConfigError('split', 'holds no windows to evaluate');
  if (shape.targets !== targets.length) {
    throw new ConfigError('targets', `lists ${targets.length} names but the split holds ${shape.targets} targets per window`);
  }
  const { count } = shape;
  const H = horizons.length;
  const V = targets.length;
  if (point.length !== count * H * V) {
    throw new ConfigError('point', `has ${point.length} values, expected ${count * H * V} = ${count} windows × ${H} horizons × ${V} targets`);
  }
  if (split.station.length !== count) throw new ConfigError('split.station', `has ${split.station.length} entries, expected ${count}`);
  split.station.forEach((s, i) => {
    if (s < 0 || s >= stations.length) throw new ConfigError('split.station', `window ${i} has station index ${s}, outside [0, ${stations.length - 1}]`);
  });
  const mode = input.missingForecasts ?? 'error';
  if (mode !== 'error' && mode !== 'skip') throw new ConfigError('missingForecasts', `must be 'error' or 'skip', got ${String(mode)}`);
  for (let i = 0; i < count && mode === 'error'; i += 1) {
    for (let h = 0; h < H; h += 1) {
      for (let v = 0; v < V; v += 1) {
        const k = (i * H + h) * V + v;
        if (!Number.isNaN(split.raw[k] ?? Number.NaN) && !Number.isFinite(point[k] ?? Number.NaN)) {
          throw new ConfigError('point', `is ${point[k]} at window ${i}, horizon ${horizons[h]}, target "${targets[v]}" where the target is observed; expected a finite forecast (pass missingForecasts: 'skip' for a baseline without a value there)`);
        }
      }
    }
  }
  for (const p of input.pollutantTargets) targetIndex(targets, p, 'pollutantTargets');
  const edges = input.extremes.decileEdges;
  if (edges !== undefined && (edges.length !== 9 || edges.some((e, k) => !Number.isFinite(e) || (k > 0 && e < (edges[k - 1] ?? 0))))) {
    throw new ConfigError('extremes.decileEdges', `must be the 9 ascending finite inner decile edges of the training targets, got [${edges.join(', ')}]`);
  }
  const top = input.extremes.topDecileThreshold;
  if (top !== undefined && !Number.isFinite(top)) {
    throw new ConfigError('extremes.topDecileThreshold', `must be a finite number (from the training targets), got ${input.extremes.topDecileThreshold}`);
  }
  for (const t of input.extremes.thresholds ?? DEFAULT_EXTREME_THRESHOLDS) {
    if (!Number.isFinite(t)) throw new ConfigError('extremes.thresholds', `must hold finite numbers, got ${t}`);
  }
  return { count, H, V };
}

function decileOf(y: number, edges: readonly number[]): number {
  let d = 0;
  while (d < edges.length && y >= (edges[d] ?? Number.POSITIVE_INFINITY)) d += 1;
  return d;
}

/** Errors in the ten bins `[e_{d−1}, e_d)` of the decile edges (first from −∞, last to +∞), by observed value. */
function decileErrors(y: Float64Array, p: Float64Array, mask: Uint8Array, edges: readonly number[]): DecileErrors[] {
  // Missing targets get key -1 (never reported); the mask leaves them out anyway.
  const bins = Array.from(y, (value, i) => (mask[i] === 1 ? decileOf(value, edges) : -1));
  const grouped = groupRegressionErrors(y, p, bins, { mask });
  return Array.from({ length: 10 }, (_, d): DecileErrors => {
    const g = grouped[String(d)];
    return {
      decile: d,
      lower: d === 0 ? null : (edges[d - 1] ?? null),
      upper: d === 9 ? null : (edges[d] ?? null),
      ...(g === undefined ? { count: 0, mae: null, rmse: null, bias: null } : summary(g)),
    };
  });
}

function evaluateQuantiles(input: ForecastEvaluationInput, quantiles: QuantileForecasts, count: number, H: number, V: number): QuantileEvaluation {
  const { levels, values } = quantiles;
  const Q = levels.length;
  if (Q === 0) throw new ConfigError('quantiles.levels', 'must list at least one level');
  levels.forEach((l, j) => {
    if (!(l > 0 && l < 1)) throw new ConfigError('quantiles.levels', `level ${j} is ${l}, expected a number in (0, 1)`);
  });
  if (values.length !== count * H * V * Q) {
    throw new ConfigError('quantiles.values', `has ${values.length} values, expected ${count * H * V * Q} = ${count} × ${H} horizons × ${V} targets × ${Q} levels`);
  }
  const lowerLevel = levels.findIndex((l) => Math.abs(l - 0.1) < LEVEL_TOLERANCE);
  const upperLevel = levels.findIndex((l) => Math.abs(l - 0.9) < LEVEL_TOLERANCE);
  const wisLevels = levels.length % 2 === 1 && levels.every((l, j) => (j === 0 || l > (levels[j - 1] ?? 0)) && Math.abs(l + (levels[Q - 1 - j] ?? 0) - 1) < 1e-9);
  const entries: QuantileHorizon[] = [];
  for (const target of input.pollutantTargets) {
    const v = targetIndex(input.targets, target, 'pollutantTargets');
    input.horizons.forEach((horizon, h) => {
      const y = column(input.split.raw, count, H, V, h, v);
      const mask = observedMask(y);
      const rows: number[] = [];
      mask.forEach((m, i) => {
        if (m === 1) rows.push(i);
      });
      const q = new Float64Array(count * Q);
      for (let i = 0; i < count; i += 1) for (let j = 0; j < Q; j += 1) q[i * Q + j] = values[((i * H + h) * V + v) * Q + j] ?? Number.NaN;
      for (const i of rows) {
        for (let j = 0; j < Q; j += 1) {
          if (Number.isNaN(q[i * Q + j] ?? Number.NaN)) {
            throw new ConfigError('quantiles.values', `is NaN at window ${i}, horizon ${horizon}, target "${target}", level ${levels[j]} where the target is observed`);
          }
        }
      }
      const coverage = Array.from(quantileCoverage(y, q, levels, { mask }), finiteOrNull);
      let interval: QuantileHorizon['interval'] = null;
      if (lowerLevel >= 0 && upperLevel >= 0) {
        const lower = Float64Array.from({ length: count }, (_, i) => q[i * Q + lowerLevel] ?? Number.NaN);
        const upper = Float64Array.from({ length: count }, (_, i) => q[i * Q + upperLevel] ?? Number.NaN);
        let width = 0;
        for (const i of rows) width += (upper[i] ?? 0) - (lower[i] ?? 0);
        interval = {
          lowerLevel: levels[lowerLevel] ?? 0.1,
          upperLevel: levels[upperLevel] ?? 0.9,
          coverage: finiteOrNull(intervalCoverage(y, lower, upper, { mask })),
          meanWidth: rows.length > 0 ? finiteOrNull(width / rows.length) : null,
        };
      }
      let wis: number | null = null;
      if (wisLevels && rows.length > 0) {
        const yObs = Float64Array.from(rows, (i) => y[i] ?? 0);
        const qObs = new Float64Array(rows.length * Q);
        rows.forEach((i, r) => qObs.set(q.subarray(i * Q, (i + 1) * Q), r * Q));
        wis = finiteOrNull(weightedIntervalScore(yObs, qObs, levels));
      }
      entries.push({ target, horizon, count: rows.length, coverage, interval, wis });
    });
  }
  return { levels: [...levels], entries };
}

/**
 * Evaluates point (and optional quantile) forecasts of one split in original units, with the metrics of
 * `@counterweight/metrics` (nothing re-implemented but the decile binning and the interval width). Missing targets
 * (`split.raw` NaN) are left out of every number through metrics' mask (`observedMask`).
 *
 * - **pollutants**: per pollutant × horizon MAE, RMSE, bias (forecast − observed) and the MSE skill score
 *   `1 − MSE/MSE_ref` (Murphy 1988) against persistence (`split.persistence` repeated over horizons) and against the
 *   seasonal-naive forecast, each on the samples where the target and the reference exist.
 * - **stations**: per station × pollutant, errors pooled over ALL horizons (`overall`) and per horizon (`byHorizon`).
 * - **extremes** (variable default PM2.5, thresholds default [75, 150] µg/m³, all inclusive `y ≥ t`, selected by the
 *   OBSERVED value): MAE/RMSE/bias on `y ≥ t` and on `y ≥` the training top-decile threshold (`exceedanceErrors`
 *   with the given threshold — not `topQuantileErrors`, which would take the decile of the test targets);
 *   exceedance detection (hits, false alarms, misses, correct negatives; POD, FAR, CSI, frequency bias) at each
 *   threshold; and errors in the ten bins `[e_{d−1}, e_d)` of the training decile edges (first bin from −∞, last to
 *   +∞) for the error-by-decile chart.
 * - **quantiles** (when given): coverage per level, [P10, P90] coverage and mean width (levels 0.1 and 0.9 must be
 *   among the levels, else `interval` is null), and WIS (null unless the levels are 2K + 1 symmetric ones with 0.5).
 *
 * Samples evaluated: those with an observed target (`split.raw` not NaN) and, with `missingForecasts: 'skip'`, a
 * finite point forecast (quantile scores use the observed targets).
 *
 * Undefined values (an empty group, POD without observed events, FAR without forecast events) are `null`, never
 * NaN: the experiment harness refuses NaN in JSON, and 0 would be a wrong number.
 *
 * `headline` keys (finite numbers only; a key is left out if any horizon it averages is undefined):
 * `mae.<p>`, `rmse.<p>`, `bias.<p>`, `skill.<p>` (means over horizons), `mae.<p>.h<h>` and `skill.<p>.h<h>` per horizon,
 * for each pollutant `<p>`; `extremeMae<t>.<var>` (mean over horizons, e.g. `extremeMae75.PM2.5`),
 * `topDecileMae.<var>`, `pod<t>`, `far<t>`, `csi<t>` (means over horizons, e.g. `csi75`) and, with quantiles,
 * `wis.<p>`, `intervalCoverage.<p>`, `intervalWidth.<p>` (means over horizons).
 *
 * @throws ConfigError naming the argument for mismatched shapes, an unknown target, a non-finite forecast where the
 *   target is observed, station indices out of range, or malformed thresholds/decile edges.
 */
export function evaluateForecasts(input: ForecastEvaluationInput): ForecastEvaluation {
  const { count, H, V } = checkInput(input);
  const { split, targets, horizons, stations, point } = input;
  const persistence = new Float32Array(count * H * V);
  for (let i = 0; i < count; i += 1) {
    for (let h = 0; h < H; h += 1) persistence.set(split.persistence.subarray(i * V, (i + 1) * V), (i * H + h) * V);
  }
  const headline: Record<string, number> = {};
  const setHeadline = (key: string, value: number | undefined | null): void => {
    if (value !== undefined && value !== null && Number.isFinite(value)) headline[key] = value;
  };

  const pollutants: PollutantErrors[] = [];
  const stationErrors: StationErrors[] = [];
  const stationKeys = Array.from(split.station, (s) => stations[s] ?? String(s));
  for (const target of input.pollutantTargets) {
    const v = targetIndex(targets, target, 'pollutantTargets');
    const perHorizon: HorizonErrors[] = [];
    const byStation = new Map<string, ErrorSummary[]>();
    const pooledY: number[] = [];
    const pooledP: number[] = [];
    const pooledKeys: string[] = [];
    horizons.forEach((horizon, h) => {
      const y = column(split.raw, count, H, V, h, v);
      const p = column(point, count, H, V, h, v);
      const observed = observedMask(y);
      const mask = both(observed, p);
      const e = regressionErrors(y, p, { mask });
      const ref = column(persistence, count, H, V, h, v);
      const seasonal = column(split.seasonal, count, H, V, h, v);
      const refMask = both(mask, ref);
      const seasonalMask = both(mask, seasonal);
      const refCount = refMask.reduce((s, m) => s + m, 0);
      const seasonalCount = seasonalMask.reduce((s, m) => s + m, 0);
      perHorizon.push({
        horizon,
        missingForecasts: observed.reduce((s, m) => s + m, 0) - e.count,
        ...summary(e),
        skill: refCount > 0 ? finiteOrNull(skillScore(y, p, ref, { mask: refMask })) : null,
        skillCount: refCount,
        skillSeasonal: seasonalCount > 0 ? finiteOrNull(skillScore(y, p, seasonal, { mask: seasonalMask })) : null,
        skillSeasonalCount: seasonalCount,
      });
      const groups = groupRegressionErrors(y, p, stationKeys, { mask });
      for (const [station, g] of Object.entries(groups)) {
        const list = byStation.get(station) ?? Array.from({ length: H }, () => ({ count: 0, mae: null, rmse: null, bias: null }));
        list[h] = summary(g);
        byStation.set(station, list);
      }
      mask.forEach((m, i) => {
        if (m !== 1) return;
        pooledY.push(y[i] ?? 0);
        pooledP.push(p[i] ?? 0);
        pooledKeys.push(stationKeys[i] ?? '');
      });
    });
    pollutants.push({ target, horizons: perHorizon });
    const pooled = pooledY.length > 0 ? groupRegressionErrors(pooledY, pooledP, pooledKeys) : {};
    for (const station of stations) {
      const list = byStation.get(station);
      if (list === undefined) continue;
      const overall = pooled[station];
      stationErrors.push({
        station,
        target,
        overall: overall === undefined ? { count: 0, mae: null, rmse: null, bias: null } : summary(overall),
        byHorizon: list,
      });
    }
    setHeadline(`mae.${target}`, meanIfAllDefined(perHorizon.map((r) => r.mae)));
    setHeadline(`rmse.${target}`, meanIfAllDefined(perHorizon.map((r) => r.rmse)));
    setHeadline(`bias.${target}`, meanIfAllDefined(perHorizon.map((r) => r.bias)));
    setHeadline(`skill.${target}`, meanIfAllDefined(perHorizon.map((r) => r.skill)));
    for (const r of perHorizon) {
      setHeadline(`mae.${target}.h${r.horizon}`, r.mae);
      setHeadline(`skill.${target}.h${r.horizon}`, r.skill);
    }
  }

  const variable = input.extremes.variable ?? 'PM2.5';
  const ev = targetIndex(targets, variable, 'extremes.variable');
  const thresholds = [...(input.extremes.thresholds ?? DEFAULT_EXTREME_THRESHOLDS)];
  const edges = input.extremes.decileEdges === undefined ? null : [...input.extremes.decileEdges];
  const topDecileThreshold = input.extremes.topDecileThreshold ?? null;
  const extremeHorizons: ExtremeHorizon[] = horizons.map((horizon, h) => {
    const y = column(split.raw, count, H, V, h, ev);
    const p = column(point, count, H, V, h, ev);
    const mask = both(observedMask(y), p);
    const exceedance = thresholds.map((t) => ({ threshold: t, ...summary(exceedanceErrors(y, p, t, { mask })) }));
    const topDecile = topDecileThreshold === null ? null : { threshold: topDecileThreshold, ...summary(exceedanceErrors(y, p, topDecileThreshold, { mask })) };
    const detection = thresholds.map((t): DetectionScores => {
      const d = exceedanceDetection(y, p, t, { mask });
      return {
        threshold: t,
        hits: d.hits,
        falseAlarms: d.falseAlarms,
        misses: d.misses,
        correctNegatives: d.correctNegatives,
        pod: finiteOrNull(d.pod),
        far: finiteOrNull(d.far),
        csi: finiteOrNull(d.csi),
        frequencyBias: finiteOrNull(d.frequencyBias),
      };
    });
    return { horizon, exceedance, topDecile, detection, byDecile: edges === null ? [] : decileErrors(y, p, mask, edges) };
  });
  thresholds.forEach((t, k) => {
    setHeadline(`extremeMae${t}.${variable}`, meanIfAllDefined(extremeHorizons.map((e) => e.exceedance[k]?.mae ?? null)));
    setHeadline(`pod${t}`, meanIfAllDefined(extremeHorizons.map((e) => e.detection[k]?.pod ?? null)));
    setHeadline(`far${t}`, meanIfAllDefined(extremeHorizons.map((e) => e.detection[k]?.far ?? null)));
    setHeadline(`csi${t}`, meanIfAllDefined(extremeHorizons.map((e) => e.detection[k]?.csi ?? null)));
  });
  setHeadline(`topDecileMae.${variable}`, meanIfAllDefined(extremeHorizons.map((e) => e.topDecile?.mae ?? null)));

  const quantiles = input.quantiles === undefined ? null : evaluateQuantiles(input, input.quantiles, count, H, V);
  if (quantiles !== null) {
    for (const target of input.pollutantTargets) {
      const rows = quantiles.entries.filter((e) => e.target === target);
      setHeadline(`wis.${target}`, meanIfAllDefined(rows.map((e) => e.wis)));
      setHeadline(`intervalCoverage.${target}`, meanIfAllDefined(rows.map((e) => e.interval?.coverage ?? null)));
      setHeadline(`intervalWidth.${target}`, meanIfAllDefined(rows.map((e) => e.interval?.meanWidth ?? null)));
    }
  }

  return {
    count,
    horizons: [...horizons],
    pollutants,
    stations: stationErrors,
    extremes: { variable, thresholds, topDecileThreshold, decileEdges: edges, horizons: extremeHorizons },
    quantiles,
    headline,
  };
}
