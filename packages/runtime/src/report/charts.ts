import sharp from 'sharp';
import { View, Warn, logger, parse, type ColorScheme, type LoggerInterface, type Spec as VegaSpec } from 'vega';
import { compile, type Config, type TopLevelSpec } from 'vega-lite';

import { ConfigError } from '../errors.js';
import { ReportError } from './report-error.js';

/** Options of {@link renderChartPng}. */
export interface RenderChartOptions {
  /**
   * Pixels per CSS pixel of the chart (default 2): the SVG is rasterised at `72 * scale` dpi, so text and lines stay
   * sharp instead of being upscaled. A chart 500 px wide comes out 1000 px wide at the default.
   */
  readonly scale?: number;
  /** Receives vega-lite and vega warnings; by default they are written to stderr. */
  readonly onWarning?: (message: string) => void;
}

function messageOf(args: readonly unknown[]): string {
  return args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' ');
}

/**
 * A vega logger that hands warnings to `onWarning` and keeps errors, which vega logs instead of throwing. Data that
 * fails to load is only a warning to vega (the chart would be drawn empty); here it counts as an error.
 */
function collectingLogger(onWarning: (message: string) => void, errors: string[]): LoggerInterface {
  return logger(Warn, undefined, (method, _level, args) => {
    const message = messageOf(args);
    if (method === 'error' || message.startsWith('Loading failed')) errors.push(message);
    else onWarning(message);
  });
}

function defaultWarning(message: string): void {
  process.stderr.write(`chart warning: ${message}\n`);
}

/**
 * Renders a vega-lite spec to a PNG: vega-lite compiles it to vega, a headless `vega.View` (renderer `none`, no DOM
 * or canvas) renders it to SVG, and sharp (librsvg, fonts from fontconfig) rasterises the SVG at `72 * scale` dpi on
 * a white background. Text widths are estimated by vega (no canvas), which errs on the wide side, so labels get room
 * rather than being clipped. Data must be inline or loadable by vega's default loader.
 *
 * @returns the PNG bytes; its size is the chart's size (including title, axes and legend) times `scale`.
 * @throws ConfigError when `scale` is not a number in (0, 10].
 * @throws ReportError when vega-lite cannot compile the spec or vega cannot parse or evaluate it. Errors vega would
 *   only log (a failing expression, data that cannot be loaded) become this error too, rather than an empty chart.
 *   `structuredClone` must be able to copy the spec (plain JSON data is fine); the caller's spec is not modified.
 */
export async function renderChartPng(spec: TopLevelSpec, options: RenderChartOptions = {}): Promise<Buffer> {
  const scale = options.scale ?? 2;
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 10)) {
    throw new ConfigError('scale', `must be a number in (0, 10], got ${scale}`);
  }
  const errors: string[] = [];
  const log = collectingLogger(options.onWarning ?? defaultWarning, errors);

  let vegaSpec: VegaSpec;
  try {
    // vega tags inline data objects with ids; compiling a copy keeps the caller's rows untouched.
    vegaSpec = compile(structuredClone(spec), { logger: log }).spec;
  } catch (error) {
    throw new ReportError({}, `vega-lite cannot compile the chart spec: ${messageOf([error])}`, { cause: error });
  }
  let svg: string;
  try {
    const view = new View(parse(vegaSpec), { renderer: 'none', logger: log });
    try {
      svg = await view.toSVG();
    } finally {
      view.finalize();
    }
  } catch (error) {
    throw new ReportError({}, `vega cannot render the chart: ${messageOf([error])}`, { cause: error });
  }
  if (errors.length > 0) throw new ReportError({}, `vega cannot render the chart: ${errors.join('; ')}`);
  return sharp(Buffer.from(svg), { density: 72 * scale })
    .flatten({ background: '#ffffff' })
    .png()
    .toBuffer();
}

// ---------------------------------------------------------------------------------------------------------------
// Spec builders
// ---------------------------------------------------------------------------------------------------------------

/** Font used by the builders' charts; Debian's fonts-dejavu-core provides it locally and in CI. */
export const CHART_FONT = 'DejaVu Sans';

/** The look shared by every builder: DejaVu Sans, readable sizes, white background, light grid. */
export const CHART_CONFIG: Config = {
  font: CHART_FONT,
  background: 'white',
  title: { fontSize: 16, subtitleFontSize: 12, subtitleColor: '#555555', anchor: 'start', offset: 10 },
  axis: { labelFontSize: 12, titleFontSize: 13, titlePadding: 8, labelLimit: 240, gridColor: '#e5e5e5' },
  legend: { labelFontSize: 12, titleFontSize: 13, labelLimit: 260, symbolSize: 120 },
  view: { stroke: '#d0d0d0' },
};

/** Title and size options every builder takes. */
export interface ChartFrameOptions {
  /** Chart title, shown top left. */
  readonly title: string;
  /** A second, smaller line under the title. */
  readonly subtitle?: string;
  /** Width of the plotting area in CSS pixels (axes, legend and title add to it). */
  readonly width?: number;
  /** Height of the plotting area in CSS pixels. */
  readonly height?: number;
}

/** The string keys of a data row type: the field names a builder accepts for `R`. */
export type FieldOf<R> = Extract<keyof R, string>;

/** A vega-lite field reference for a column name: dots and brackets would otherwise mean nested access. */
function fieldRef(name: string): string {
  return name.replace(/[.[\]\\]/g, '\\$&');
}

function titleBlock(options: ChartFrameOptions): { text: string; subtitle?: string } {
  return options.subtitle === undefined ? { text: options.title } : { text: options.title, subtitle: options.subtitle };
}

function checkSize(options: ChartFrameOptions): void {
  for (const key of ['width', 'height'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 20 && value <= 4000)) {
      throw new ConfigError(key, `must be a number of pixels in [20, 4000], got ${value}`);
    }
  }
}

function valuesOf<R extends object>(data: readonly R[], field: FieldOf<R>): unknown[] {
  return data.map((row) => row[field]);
}

function firstAppearance(values: readonly unknown[]): Array<string | number> {
  const seen = new Set<string | number>();
  for (const value of values) {
    if (typeof value === 'string' || typeof value === 'number') seen.add(value);
  }
  return [...seen];
}

/** A vega-lite `sort` array: numbers stay numbers when every value is one, otherwise everything becomes text. */
function sortOrder(values: ReadonlyArray<string | number>): string[] | number[] {
  const numbers = values.filter((value): value is number => typeof value === 'number');
  return numbers.length === values.length ? numbers : values.map(String);
}

function isNumberOrMissing(value: unknown): boolean {
  return value === null || value === undefined || typeof value === 'number';
}

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
 * @throws ConfigError when `data` is empty, `y` lists no field, both several `y` fields and `series` are given, the
 *   x or y values are of the wrong kind (y must be numbers or null), or a size is out of range.
 */
export function lineChart<R extends object>(options: LineChartOptions<R>): TopLevelSpec {
  checkSize(options);
  const { data, x } = options;
  if (data.length === 0) throw new ConfigError('data', 'is empty');
  const ys: readonly FieldOf<R>[] = typeof options.y === 'string' ? [options.y] : options.y;
  if (ys.length === 0) throw new ConfigError('y', 'must name at least one field');
  const folded = typeof options.y !== 'string';
  if (folded && options.series !== undefined) {
    throw new ConfigError('series', 'cannot be combined with several y fields (each y field is already a series)');
  }
  for (const field of ys) {
    if (!valuesOf(data, field).every(isNumberOrMissing)) throw new ConfigError('y', `field "${field}" must hold numbers`);
  }
  const xs = valuesOf(data, x);
  const numericX = xs.every((value) => typeof value === 'number');
  if (!numericX && !xs.every((value) => typeof value === 'string')) {
    throw new ConfigError('x', `field "${x}" must hold only numbers or only strings`);
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
 * @throws ConfigError when `data` is empty, an axis or error field holds something other than numbers, or a size is
 *   out of range.
 */
export function scatterChart<R extends object>(options: ScatterChartOptions<R>): TopLevelSpec {
  checkSize(options);
  const { data, x, y } = options;
  if (data.length === 0) throw new ConfigError('data', 'is empty');
  for (const [name, field] of [['x', x], ['y', y], ['xError', options.xError], ['yError', options.yError]] as const) {
    if (field !== undefined && !valuesOf(data, field).every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new ConfigError(name, `field "${field}" must hold finite numbers`);
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
 * @throws ConfigError when `data` is empty, values (or errors) are not finite numbers, or a size is out of range.
 */
export function groupedBarChart<R extends object>(options: GroupedBarChartOptions<R>): TopLevelSpec {
  checkSize(options);
  const { data, category, group, value, error } = options;
  if (data.length === 0) throw new ConfigError('data', 'is empty');
  for (const field of error === undefined ? [value] : [value, error]) {
    if (!valuesOf(data, field).every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new ConfigError(field === value ? 'value' : 'error', `field "${field}" must hold finite numbers`);
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
 * @throws ConfigError when the matrix is empty or ragged, does not match the labels, holds non-finite values, labels
 *   repeat, or a size is out of range.
 */
export function heatmap(options: HeatmapOptions): TopLevelSpec {
  checkSize(options);
  const { values, rowLabels, columnLabels } = options;
  if (values.length === 0) throw new ConfigError('values', 'is empty');
  if (values.length !== rowLabels.length) {
    throw new ConfigError('rowLabels', `has ${rowLabels.length} labels for ${values.length} rows`);
  }
  for (const [name, labels] of [
    ['rowLabels', rowLabels],
    ['columnLabels', columnLabels],
  ] as const) {
    if (new Set(labels).size !== labels.length) throw new ConfigError(name, 'must not repeat a label');
  }
  const cells: Array<{ row: string; column: string; value: number }> = [];
  values.forEach((rowValues, i) => {
    if (rowValues.length !== columnLabels.length) {
      throw new ConfigError(`values[${i}]`, `has ${rowValues.length} values for ${columnLabels.length} columns`);
    }
    rowValues.forEach((value, j) => {
      if (!Number.isFinite(value)) throw new ConfigError(`values[${i}][${j}]`, `must be finite, got ${value}`);
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
 * @throws ConfigError when `bins` is empty, a probability is outside [0, 1], a count is negative, or a size is out of
 *   range.
 */
export function reliabilityDiagram(options: ReliabilityDiagramOptions): TopLevelSpec {
  checkSize(options);
  const { bins } = options;
  if (bins.length === 0) throw new ConfigError('bins', 'is empty');
  bins.forEach((bin, i) => {
    for (const key of ['predicted', 'observed'] as const) {
      if (!(bin[key] >= 0 && bin[key] <= 1)) throw new ConfigError(`bins[${i}].${key}`, `must be in [0, 1], got ${bin[key]}`);
    }
    if (bin.count !== undefined && !(bin.count >= 0 && Number.isFinite(bin.count))) {
      throw new ConfigError(`bins[${i}].count`, `must be a non-negative number, got ${bin.count}`);
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
