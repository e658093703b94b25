import type { ColorScheme } from 'vega';
import type { TopLevelSpec } from 'vega-lite';

import { CHART_CONFIG, checkSize, titleBlock, type ChartFrameOptions } from './chart-frame.js';
import { ReportOptionError } from './report-option-error.js';

/** Options of {@link heatmap}. */
export interface HeatmapOptions extends ChartFrameOptions {
  /** `values[i][j]` is the cell in row `i`, column `j` (for a confusion matrix: actual `i`, predicted `j`). */
  readonly values: readonly (readonly number[])[];
  /** One distinct label per row, top to bottom. */
  readonly rowLabels: readonly string[];
  /** One distinct label per column, left to right. */
  readonly columnLabels: readonly string[];
  /** Axis titles, e.g. `actual` and `predicted`; default `row` and `column`. */
  readonly rowTitle?: string;
  readonly columnTitle?: string;
  /** Colour legend title; default `value`. */
  readonly valueTitle?: string;
  /** d3-format string for the cell text. Default `,d` when every value is an integer, else `.2f`. */
  readonly valueFormat?: string;
  /** Print each value in its cell (default true). The text turns white on dark cells. */
  readonly showValues?: boolean;
  /** A vega colour scheme; default `blues`. */
  readonly colorScheme?: ColorScheme;
  /**
   * Side of a square cell in CSS pixels; default: at least 48, wide enough for the longest value. The `width` and
   * `height` options, when given, set the whole grid's size instead.
   */
  readonly cellSize?: number;
}

/**
 * A heatmap of a matrix with its values printed in the cells, e.g. a confusion matrix of counts. Rows run top to
 * bottom and columns left to right in the order given.
 *
 * @throws ReportOptionError when the matrix is empty or ragged, does not match the labels, holds non-finite values, labels
 *   repeat, or a size is out of range.
 */
export function heatmap(options: HeatmapOptions): TopLevelSpec {
  checkSize(options);
  const { values, rowLabels, columnLabels } = options;
  if (values.length === 0) throw new ReportOptionError('values', 'is empty');
  if (values.length !== rowLabels.length) {
    throw new ReportOptionError('rowLabels', `has ${rowLabels.length} labels for ${values.length} rows`);
  }
  for (const [name, labels] of [
    ['rowLabels', rowLabels],
    ['columnLabels', columnLabels],
  ] as const) {
    if (new Set(labels).size !== labels.length) throw new ReportOptionError(name, 'must not repeat a label');
  }
  const cells: Array<{ row: string; column: string; value: number }> = [];
  values.forEach((rowValues, i) => {
    if (rowValues.length !== columnLabels.length) {
      throw new ReportOptionError(`values[${i}]`, `has ${rowValues.length} values for ${columnLabels.length} columns`);
    }
    rowValues.forEach((value, j) => {
      if (!Number.isFinite(value)) throw new ReportOptionError(`values[${i}][${j}]`, `must be finite, got ${value}`);
      cells.push({ row: rowLabels[i] ?? '', column: columnLabels[j] ?? '', value });
    });
  });
  const numbers = cells.map((cell) => cell.value);
  const min = Math.min(...numbers);
  const max = Math.max(...numbers);
  const threshold = min + (max - min) * 0.55;
  const format = options.valueFormat ?? (numbers.every(Number.isInteger) ? ',d' : '.2f');
  // Room for the longest printed value at 13 px (about 8.5 px per character) plus a margin.
  const longestValue = Math.max(
    ...numbers.map((v) => (Number.isInteger(v) ? Math.abs(v).toLocaleString('en-US') : v.toFixed(2)).length + 1),
  );
  const cellSize = options.cellSize ?? Math.max(48, Math.ceil(longestValue * 8.5 + 18));
  const longestColumn = Math.max(...columnLabels.map((label) => label.length));

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleBlock(options),
    width: options.width ?? { step: cellSize },
    height: options.height ?? { step: cellSize },
    config: { ...CHART_CONFIG, axis: { ...CHART_CONFIG.axis, grid: false, ticks: false, domain: false } },
    data: { values: cells },
    encoding: {
      x: {
        field: 'column',
        type: 'ordinal',
        sort: [...columnLabels],
        title: options.columnTitle ?? 'column',
        axis: { labelAngle: longestColumn > 4 && columnLabels.length > 3 ? -35 : 0 },
      },
      y: { field: 'row', type: 'ordinal', sort: [...rowLabels], title: options.rowTitle ?? 'row' },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'value',
            type: 'quantitative',
            scale: { scheme: options.colorScheme ?? 'blues' },
            title: options.valueTitle ?? 'value',
          },
        },
      },
      ...((options.showValues ?? true)
        ? [
            {
              mark: { type: 'text' as const, fontSize: 13 },
              encoding: {
                text: { field: 'value', type: 'quantitative' as const, format },
                color: {
                  condition: { test: `datum.value > ${threshold}`, value: 'white' },
                  value: '#1a1a1a',
                },
              },
            },
          ]
        : []),
    ],
  };
}
