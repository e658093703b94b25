import type { TopLevelSpec } from 'vega-lite';

import { CHART_CONFIG, checkSize, fieldRef, firstAppearance, sortOrder, titleBlock, valuesOf, type ChartFrameOptions, type FieldOf } from './chart-frame.js';
import { ReportOptionError } from './report-option-error.js';

/** A vega expression clamped to a fixed value domain (error bars of bounded quantities such as accuracies). */
function clampExpression(expression: string, domain: readonly [number, number] | undefined): string {
  return domain === undefined ? expression : `clamp(${expression}, ${domain[0]}, ${domain[1]})`;
}

/** Options of {@link groupedBarChart}. */
export interface GroupedBarChartOptions<R extends object> extends ChartFrameOptions {
  /** One object per bar, e.g. `{ class: 'cat', method: 'focal loss', accuracy: 0.91, std: 0.01 }`. */
  readonly data: readonly R[];
  /** Field along the x axis, one cluster of bars per value (e.g. the class), in order of first appearance. */
  readonly category: FieldOf<R>;
  /** Field that tells the bars in a cluster apart (e.g. the method); coloured, with a legend. */
  readonly group: FieldOf<R>;
  /** Field with the bar height (numbers). */
  readonly value: FieldOf<R>;
  /**
   * Optional field with the half-width of an error bar drawn at value ± error (e.g. std over seeds), clamped to
   * `valueDomain` when one is given (an accuracy of 0.98 ± 0.03 draws up to 1, not past the axis).
   */
  readonly error?: FieldOf<R>;
  readonly categoryTitle?: string;
  readonly groupTitle?: string;
  readonly valueTitle?: string;
  /** Fixed value range, e.g. `[0, 1]`. Default: from zero to the data maximum. */
  readonly valueDomain?: readonly [number, number];
  /** d3-format string for value labels and the axis, e.g. `.2f` or `.0%`. Default `.3~f`. */
  readonly valueFormat?: string;
  /** Print each value above its bar. Default: when there are at most 24 bars. */
  readonly labels?: boolean;
}

/**
 * Bars side by side within categories, e.g. per-class accuracy of several methods. Categories and groups keep the
 * order in which they first appear in `data`.
 *
 * Defaults: width grows with the number of bars (320 to 1100), height 320.
 * @throws ReportOptionError when `data` is empty, values (or errors) are not finite numbers, or a size is out of range.
 */
export function groupedBarChart<R extends object>(options: GroupedBarChartOptions<R>): TopLevelSpec {
  checkSize(options);
  const { data, category, group, value, error } = options;
  if (data.length === 0) throw new ReportOptionError('data', 'is empty');
  for (const field of error === undefined ? [value] : [value, error]) {
    if (!valuesOf(data, field).every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new ReportOptionError(field === value ? 'value' : 'error', `field "${field}" must hold finite numbers`);
    }
  }
  const categories = firstAppearance(valuesOf(data, category));
  const groups = firstAppearance(valuesOf(data, group));
  const bars = categories.length * groups.length;
  const format = options.valueFormat ?? '.3~f';
  const labelWidth = Math.max(...categories.map((c) => String(c).length));
  const width = options.width ?? Math.min(1100, Math.max(320, categories.length * (groups.length * 24 + 20)));

  const valueRef = fieldRef(value);
  const top = error === undefined ? valueRef : '__high';
  const transform =
    error === undefined
      ? []
      : [
          { calculate: clampExpression(`datum[${JSON.stringify(value)}] - datum[${JSON.stringify(error)}]`, options.valueDomain), as: '__low' },
          { calculate: clampExpression(`datum[${JSON.stringify(value)}] + datum[${JSON.stringify(error)}]`, options.valueDomain), as: '__high' },
        ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleBlock(options),
    width,
    height: options.height ?? 320,
    config: CHART_CONFIG,
    data: { values: [...data] },
    transform,
    encoding: {
      x: {
        field: fieldRef(category),
        type: 'nominal',
        sort: sortOrder(categories),
        title: options.categoryTitle ?? category,
        axis: { labelAngle: labelWidth > 8 && categories.length > 4 ? -35 : 0 },
      },
      xOffset: { field: fieldRef(group), type: 'nominal', sort: sortOrder(groups) },
    },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y: {
            field: valueRef,
            type: 'quantitative',
            title: options.valueTitle ?? value,
            axis: { format },
            ...(options.valueDomain === undefined ? {} : { scale: { domain: [...options.valueDomain] } }),
          },
          color: {
            field: fieldRef(group),
            type: 'nominal',
            scale: { domain: groups },
            title: options.groupTitle ?? group,
          },
        },
      },
      ...(error === undefined
        ? []
        : [
            {
              mark: { type: 'rule' as const, color: '#333333', strokeWidth: 1.5 },
              encoding: { y: { field: '__low', type: 'quantitative' as const }, y2: { field: '__high' } },
            },
          ]),
      ...((options.labels ?? bars <= 24)
        ? [
            {
              mark: { type: 'text' as const, baseline: 'bottom' as const, dy: -3, fontSize: 11, color: '#333333' },
              encoding: {
                y: { field: top, type: 'quantitative' as const },
                text: { field: valueRef, type: 'quantitative' as const, format },
              },
            },
          ]
        : []),
    ],
  };
}
