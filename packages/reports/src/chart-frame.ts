/**
 * What every chart builder shares: the look (font, sizes, colours), the title and size options and the field
 * helpers. The helpers are internal to the package; only the look and the option types are exported from its index.
 */
import type { Config } from 'vega-lite';

import { ReportOptionError } from './report-option-error.js';

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
export function fieldRef(name: string): string {
  return name.replace(/[.[\]\\]/g, '\\$&');
}

/** The vega-lite `title` of a chart: the title, with the subtitle only when one is given. */
export function titleBlock(options: ChartFrameOptions): { text: string; subtitle?: string } {
  return options.subtitle === undefined ? { text: options.title } : { text: options.title, subtitle: options.subtitle };
}

/** @throws ReportOptionError naming `width` or `height` when it is given and not a number of pixels in [20, 4000]. */
export function checkSize(options: ChartFrameOptions): void {
  for (const key of ['width', 'height'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 20 && value <= 4000)) {
      throw new ReportOptionError(key, `must be a number of pixels in [20, 4000], got ${value}`);
    }
  }
}

/** The values of one field, row by row (missing fields give `undefined`). */
export function valuesOf<R extends object>(data: readonly R[], field: FieldOf<R>): unknown[] {
  return data.map((row) => row[field]);
}

/** The distinct string and number values in order of first appearance (a legend or axis order); others are skipped. */
export function firstAppearance(values: readonly unknown[]): Array<string | number> {
  const seen = new Set<string | number>();
  for (const value of values) {
    if (typeof value === 'string' || typeof value === 'number') seen.add(value);
  }
  return [...seen];
}

/** A vega-lite `sort` array: numbers stay numbers when every value is one, otherwise everything becomes text. */
export function sortOrder(values: ReadonlyArray<string | number>): string[] | number[] {
  const numbers = values.filter((value): value is number => typeof value === 'number');
  return numbers.length === values.length ? numbers : values.map(String);
}

/** True for numbers and for null/undefined, which draw as gaps. */
export function isNumberOrMissing(value: unknown): boolean {
  return value === null || value === undefined || typeof value === 'number';
}
