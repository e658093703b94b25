import type { TopLevelSpec } from 'vega-lite';

import { CHART_CONFIG, checkSize, fieldRef, firstAppearance, isNumberOrMissing, titleBlock, valuesOf, type ChartFrameOptions, type FieldOf } from './chart-frame.js';
import { ReportOptionError } from './report-option-error.js';

/** Options of {@link lineChart}. */
export interface LineChartOptions<R extends object> extends ChartFrameOptions {
  /** One object per point, e.g. `{ epoch: 3, split: 'validation', loss: 0.41 }`. */
  readonly data: readonly R[];
  /** Field on the x axis (numbers: a linear axis, integer ticks when all are integers; strings: ordinal, in order). */
  readonly x: FieldOf<R>;
  /**
   * Field(s) on the y axis. Several fields (wide rows such as `{ epoch, trainLoss, valLoss }`) draw one line each,
   * named after the field; do not combine with `series`.
   */
  readonly y: FieldOf<R> | readonly FieldOf<R>[];
  /** Field whose values split the rows into lines (long rows such as `{ epoch, split, loss }`). */
  readonly series?: FieldOf<R>;
  /** Axis and legend titles; default to the field names (the legend has no title for several `y` fields). */
  readonly xTitle?: string;
  readonly yTitle?: string;
  readonly seriesTitle?: string;
  /** `log` for quantities spanning decades. Default `linear`; the y axis does not force zero in. */
  readonly yScale?: 'linear' | 'log';
  /** Fixed y range, e.g. `[0, 1]` for accuracy. */
  readonly yDomain?: readonly [number, number];
  /** Draw a dot at each point. Default: when no line has more than 60 points. */
  readonly points?: boolean;
}

const SERIES = '__series';
const VALUE = '__value';

/**
 * A line chart, e.g. loss per epoch for train and validation. Lines are coloured by series, with the legend in the
 * order series first appear in the data. Missing (null) y values leave gaps.
 *
 * Defaults: width 560, height 320.
 * @throws ReportOptionError when `data` is empty, `y` lists no field, both several `y` fields and `series` are given, the
 *   x or y values are of the wrong kind (y must be numbers or null), or a size is out of range.
 */
export function lineChart<R extends object>(options: LineChartOptions<R>): TopLevelSpec {
  checkSize(options);
  const { data, x } = options;
  if (data.length === 0) throw new ReportOptionError('data', 'is empty');
  const ys: readonly FieldOf<R>[] = typeof options.y === 'string' ? [options.y] : options.y;
  if (ys.length === 0) throw new ReportOptionError('y', 'must name at least one field');
  const folded = typeof options.y !== 'string';
  if (folded && options.series !== undefined) {
    throw new ReportOptionError('series', 'cannot be combined with several y fields (each y field is already a series)');
  }
  for (const field of ys) {
    if (!valuesOf(data, field).every(isNumberOrMissing)) throw new ReportOptionError('y', `field "${field}" must hold numbers`);
  }
  const xs = valuesOf(data, x);
  const numericX = xs.every((value) => typeof value === 'number');
  if (!numericX && !xs.every((value) => typeof value === 'string')) {
    throw new ReportOptionError('x', `field "${x}" must hold only numbers or only strings`);
  }
  const integerX = numericX && xs.every((value) => Number.isInteger(value));

  const seriesDomain = folded ? [...ys] : options.series === undefined ? [] : firstAppearance(valuesOf(data, options.series));
  const seriesField = folded ? SERIES : options.series;
  const longestLine = seriesDomain.length > 0 ? Math.ceil((data.length * (folded ? ys.length : 1)) / seriesDomain.length) : data.length;
  const yField = folded ? VALUE : (ys[0] as string);

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleBlock(options),
    width: options.width ?? 560,
    height: options.height ?? 320,
    config: CHART_CONFIG,
    data: { values: [...data] },
    ...(folded ? { transform: [{ fold: ys.map(fieldRef), as: [SERIES, VALUE] as [string, string] }] } : {}),
    mark: { type: 'line', strokeWidth: 2.5, point: options.points ?? longestLine <= 60 },
    encoding: {
      x: {
        field: fieldRef(x),
        type: numericX ? 'quantitative' : 'ordinal',
        ...(numericX ? { scale: { zero: false, nice: false } } : { sort: null }),
        title: options.xTitle ?? x,
        axis: integerX ? { tickMinStep: 1, format: 'd' } : {},
      },
      y: {
        field: fieldRef(yField),
        type: 'quantitative',
        scale: {
          ...(options.yScale === 'log' ? { type: 'log' as const } : { zero: false }),
          ...(options.yDomain === undefined ? {} : { domain: [...options.yDomain] }),
        },
        title: options.yTitle ?? ys.join(', '),
      },
      ...(seriesField === undefined
        ? {}
        : {
            color: {
              field: seriesField === SERIES ? SERIES : fieldRef(seriesField),
              type: 'nominal',
              scale: { domain: seriesDomain },
              title: options.seriesTitle ?? (folded ? null : seriesField),
            },
          }),
    },
  };
}
