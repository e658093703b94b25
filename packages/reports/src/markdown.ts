import { ReportOptionError } from './report-option-error.js';

/** Column alignment in a {@link markdownTable}. */
export type MarkdownAlign = 'left' | 'right' | 'center';

/** A table cell: text is used as is (after escaping), numbers with `String(n)`; format numbers with {@link formatNumber}. */
export type MarkdownCell = string | number;

/** Options of {@link markdownTable}. */
export interface MarkdownTableOptions {
  /** One alignment for every column, or one per column. Default `left`. */
  readonly align?: MarkdownAlign | readonly MarkdownAlign[];
}

/** Escapes text for a table cell: backslashes and `|` are escaped, line breaks become `<br>`. */
function escapeCell(cell: MarkdownCell): string {
  return String(cell)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r\n|\r|\n/g, '<br>');
}

function separator(align: MarkdownAlign, width: number): string {
  if (align === 'center') return `:${'-'.repeat(width - 2)}:`;
  if (align === 'right') return `${'-'.repeat(width - 1)}:`;
  return `:${'-'.repeat(width - 1)}`;
}

function textWidth(text: string): number {
  return [...text].length;
}

/**
 * A GitHub-flavoured Markdown table, with columns padded so the raw text lines up. Cells are escaped (`|` and `\`),
 * and line breaks inside a cell become `<br>`; other Markdown in cells (emphasis, code, links) is kept.
 * Ends with a newline.
 *
 * @param headers column titles (at least one).
 * @param rows one array of cells per row, each as long as `headers`.
 * @throws ReportOptionError when there are no headers, a row has the wrong number of cells, or `align` has the wrong length.
 */
export function markdownTable(
  headers: readonly MarkdownCell[],
  rows: readonly (readonly MarkdownCell[])[],
  options: MarkdownTableOptions = {},
): string {
  if (headers.length === 0) throw new ReportOptionError('headers', 'must name at least one column');
  rows.forEach((row, i) => {
    if (row.length !== headers.length) {
      throw new ReportOptionError(`rows[${i}]`, `has ${row.length} cells, expected ${headers.length} (one per header)`);
    }
  });
  const align = options.align ?? 'left';
  const aligns: readonly MarkdownAlign[] = typeof align === 'string' ? headers.map(() => align) : align;
  if (aligns.length !== headers.length) {
    throw new ReportOptionError('align', `has ${aligns.length} entries, expected ${headers.length} (one per header)`);
  }

  const cells = [headers, ...rows].map((row) => row.map(escapeCell));
  const widths = headers.map((_, c) => Math.max(3, ...cells.map((row) => textWidth(row[c] ?? ''))));
  const line = (row: readonly string[]) =>
    `| ${row
      .map((cell, c) => {
        const padding = ' '.repeat((widths[c] ?? 0) - textWidth(cell));
        return aligns[c] === 'right' ? padding + cell : cell + padding;
      })
      .join(' | ')} |`;
  const [head = [], ...body] = cells;
  const rule = `| ${aligns.map((a, c) => separator(a, widths[c] ?? 3)).join(' | ')} |`;
  return `${[line(head), rule, ...body.map(line)].join('\n')}\n`;
}

function checkDigits(digits: number): void {
  if (!(Number.isInteger(digits) && digits >= 0 && digits <= 15)) {
    throw new ReportOptionError('digits', `must be an integer in [0, 15], got ${digits}`);
  }
}

/**
 * Formats a number with `digits` digits after the decimal point (default 3): `formatNumber(0.81234)` is `0.812`.
 * Values too small to show a significant digit that way (e.g. `2e-5`), and values of 1e15 or more, use exponent
 * notation with `digits` significant decimals (`2.000e-5`). `NaN` is `NaN`, infinities are `∞` and `-∞`; negative
 * zero prints as zero.
 *
 * @throws ReportOptionError when `digits` is not an integer in [0, 15].
 */
export function formatNumber(value: number, digits = 3): string {
  checkDigits(digits);
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  const abs = Math.abs(value);
  if (abs >= 1e15 || (abs > 0 && abs < 0.5 * 10 ** -digits)) return value.toExponential(digits);
  const fixed = value.toFixed(digits);
  return /^-0(\.0*)?$/.test(fixed) ? fixed.slice(1) : fixed;
}

/**
 * Mean ± sample standard deviation (n - 1 in the denominator) of `values`, each with {@link formatNumber}:
 * `formatMeanStd([0.808, 0.812, 0.816])` is `0.812 ± 0.004`. With a single value there is no spread to report, and
 * the result is just the formatted value. Non-finite values make the result `NaN ± NaN` (or contain `∞`).
 *
 * @throws ReportOptionError when `values` is empty or `digits` is out of range.
 */
export function formatMeanStd(values: ArrayLike<number>, digits = 3): string {
  checkDigits(digits);
  if (values.length === 0) throw new ReportOptionError('values', 'must not be empty');
  const { mean, std } = meanAndStd(values);
  if (values.length === 1) return formatNumber(mean, digits);
  return `${formatNumber(mean, digits)} ± ${formatNumber(std, digits)}`;
}

/**
 * Mean and sample standard deviation (n − 1 in the denominator; 0 for a single value) of `values`, the spread over
 * seeds that reports show. Non-finite values give non-finite results.
 * @throws ReportOptionError when `values` is empty.
 */
export function meanAndStd(values: ArrayLike<number>): { readonly mean: number; readonly std: number } {
  const n = values.length;
  if (n === 0) throw new ReportOptionError('values', 'must not be empty');
  let sum = 0;
  for (let i = 0; i < n; i += 1) sum += values[i] ?? Number.NaN;
  const mean = sum / n;
  if (n === 1) return { mean, std: 0 };
  let squares = 0;
  for (let i = 0; i < n; i += 1) squares += ((values[i] ?? Number.NaN) - mean) ** 2;
  return { mean, std: Math.sqrt(squares / (n - 1)) };
}
