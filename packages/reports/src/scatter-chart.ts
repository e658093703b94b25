import type { TopLevelSpec } from 'vega-lite';

import { CHART_CONFIG, checkSize, fieldRef, firstAppearance, titleBlock, valuesOf, type ChartFrameOptions, type FieldOf } from './chart-frame.js';
import { ReportOptionError } from './report-option-error.js';

/** Options of {@link scatterChart}. */
export interface ScatterChartOptions<R extends object> extends ChartFrameOptions {
  /** One object per point, e.g. `{ loss: 'welfare', logloss: 0.31, welfare: 0.80, sd: 0.01 }`. */
  readonly data: readonly R[];
  /** Numeric fields on the axes. */
  readonly x: FieldOf<R>;
  readonly y: FieldOf<R>;
  /** Field that colours the points (legend in order of first appearance). */
  readonly series?: FieldOf<R>;
  /** Field written next to each point (e.g. the λ of a trade-off curve). */
  readonly label?: FieldOf<R>;
  /** Fields holding ± error half-widths drawn as bars (e.g. standard deviations over seeds). */
  readonly xError?: FieldOf<R>;
  readonly yError?: FieldOf<R>;
  readonly xTitle?: string;
  readonly yTitle?: string;
  readonly seriesTitle?: string;
}

/**
 * A scatter plot of numeric `x` against numeric `y`, e.g. a trade-off across models (welfare ratio against logloss).
 * Points are coloured by `series`, optionally labelled, with optional error bars on either axis; neither axis forces
 * zero in.
 *
 * Defaults: width 520, height 360.
 * @throws ReportOptionError when `data` is empty, an axis or error field holds something other than numbers, or a size is
 *   out of range.
 */
export function scatterChart<R extends object>(options: ScatterChartOptions<R>): TopLevelSpec {
  checkSize(options);
  const { data, x, y } = options;
  if (data.length === 0) throw new ReportOptionError('data', 'is empty');
  for (const [name, field] of [['x', x], ['y', y], ['xError', options.xError], ['yError', options.yError]] as const) {
    if (field !== undefined && !valuesOf(data, field).every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new ReportOptionError(name, `field "${field}" must hold finite numbers`);
    }
  }
  const xEnc = { field: fieldRef(x), type: 'quantitative' as const, scale: { zero: false }, title: options.xTitle ?? x };
  const yEnc = { field: fieldRef(y), type: 'quantitative' as const, scale: { zero: false }, title: options.yTitle ?? y };
  const color =
    options.series === undefined
      ? {}
      : {
          color: {
            field: fieldRef(options.series),
            type: 'nominal' as const,
            scale: { domain: firstAppearance(valuesOf(data, options.series)) },
            title: options.seriesTitle ?? options.series,
          },
        };
  const errorLayer = (axis: 'x' | 'y', field: FieldOf<R>) => ({
    transform: [
      { calculate: `datum[${JSON.stringify(axis === 'x' ? x : y)}] - datum[${JSON.stringify(field)}]`, as: '__low' },
      { calculate: `datum[${JSON.stringify(axis === 'x' ? x : y)}] + datum[${JSON.stringify(field)}]`, as: '__high' },
    ],
    mark: { type: 'rule' as const, strokeWidth: 1.5, opacity: 0.7 },
    encoding: {
      ...(axis === 'x' ? { x: { ...xEnc, field: '__low' }, x2: { field: '__high' }, y: yEnc } : { y: { ...yEnc, field: '__low' }, y2: { field: '__high' }, x: xEnc }),
      ...color,
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleBlock(options),
    width: options.width ?? 520,
    height: options.height ?? 360,
    config: CHART_CONFIG,
    data: { values: [...data] },
    layer: [
      ...(options.xError === undefined ? [] : [errorLayer('x', options.xError)]),
      ...(options.yError === undefined ? [] : [errorLayer('y', options.yError)]),
      { mark: { type: 'point' as const, filled: true, size: 90, opacity: 0.9 }, encoding: { x: xEnc, y: yEnc, ...color } },
      ...(options.label === undefined
        ? []
        : [
            {
              mark: { type: 'text' as const, align: 'left' as const, dx: 7, dy: -7, fontSize: 11, color: '#333333' },
              encoding: { x: xEnc, y: yEnc, text: { field: fieldRef(options.label), type: 'nominal' as const } },
            },
          ]),
    ],
  };
}
