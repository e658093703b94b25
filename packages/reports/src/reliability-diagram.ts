import type { TopLevelSpec } from 'vega-lite';

import { CHART_CONFIG, checkSize, firstAppearance, type ChartFrameOptions } from './chart-frame.js';
import { ReportOptionError } from './report-option-error.js';

/** One bin of a reliability diagram. */
export interface ReliabilityBin {
  /** Mean predicted probability of the examples in the bin, in [0, 1]. */
  readonly predicted: number;
  /** Observed frequency of the positive class in the bin, in [0, 1]. */
  readonly observed: number;
  /** Number of examples in the bin; when given for every bin, point size shows it. */
  readonly count?: number;
  /** Model or method the bin belongs to; several series are drawn in different colours. */
  readonly series?: string;
}

/** Options of {@link reliabilityDiagram}. */
export interface ReliabilityDiagramOptions extends ChartFrameOptions {
  readonly bins: readonly ReliabilityBin[];
  /** Axis titles; default `mean predicted probability` and `observed frequency`. */
  readonly predictedTitle?: string;
  readonly observedTitle?: string;
  /** Legend title for the series; default none. */
  readonly seriesTitle?: string;
}

/**
 * A reliability (calibration) diagram: observed frequency against mean predicted probability per bin, one line per
 * series, over the dashed diagonal of perfect calibration. Both axes span [0, 1]. The subtitle defaults to a note on
 * the diagonal.
 *
 * Defaults: 360 x 360.
 * @throws ReportOptionError when `bins` is empty, a probability is outside [0, 1], a count is negative, or a size is out of
 *   range.
 */
export function reliabilityDiagram(options: ReliabilityDiagramOptions): TopLevelSpec {
  checkSize(options);
  const { bins } = options;
  if (bins.length === 0) throw new ReportOptionError('bins', 'is empty');
  bins.forEach((bin, i) => {
    for (const key of ['predicted', 'observed'] as const) {
      if (!(bin[key] >= 0 && bin[key] <= 1)) throw new ReportOptionError(`bins[${i}].${key}`, `must be in [0, 1], got ${bin[key]}`);
    }
    if (bin.count !== undefined && !(bin.count >= 0 && Number.isFinite(bin.count))) {
      throw new ReportOptionError(`bins[${i}].count`, `must be a non-negative number, got ${bin.count}`);
    }
  });
  const series = firstAppearance(bins.map((bin) => bin.series));
  const sized = bins.every((bin) => bin.count !== undefined);
  const rows = bins.map((bin) => ({ ...bin, series: bin.series ?? '' }));
  const axis = (title: string) => ({
    type: 'quantitative' as const,
    scale: { domain: [0, 1], nice: false },
    title,
    axis: { tickCount: 5 },
  });
  const predicted = { field: 'predicted', ...axis(options.predictedTitle ?? 'mean predicted probability') };
  const observed = { field: 'observed', ...axis(options.observedTitle ?? 'observed frequency') };
  const color =
    series.length > 0
      ? { color: { field: 'series', type: 'nominal' as const, scale: { domain: series }, title: options.seriesTitle ?? null } }
      : {};

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: options.title, subtitle: options.subtitle ?? 'dashed line: perfect calibration' },
    width: options.width ?? 360,
    height: options.height ?? 360,
    config: CHART_CONFIG,
    layer: [
      {
        data: { values: [{ predicted: 0, observed: 0 }, { predicted: 1, observed: 1 }] },
        mark: { type: 'line', color: '#888888', strokeDash: [6, 4], strokeWidth: 1.5 },
        encoding: { x: predicted, y: observed },
      },
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 2.5 },
        encoding: { x: predicted, y: observed, order: { field: 'predicted', type: 'quantitative' }, ...color },
      },
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, opacity: 0.9, ...(sized ? {} : { size: 60 }) },
        encoding: {
          x: predicted,
          y: observed,
          ...color,
          ...(sized ? { size: { field: 'count', type: 'quantitative' as const, title: 'examples in bin' } } : {}),
        },
      },
    ],
  };
}
