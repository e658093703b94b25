import sharp from 'sharp';
import { View, Warn, logger, parse, type LoggerInterface, type Spec as VegaSpec } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

import { ReportError } from './report-error.js';
import { ReportOptionError } from './report-option-error.js';

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
 * @throws ReportOptionError when `scale` is not a number in (0, 10].
 * @throws ReportError when vega-lite cannot compile the spec or vega cannot parse or evaluate it. Errors vega would
 *   only log (a failing expression, data that cannot be loaded) become this error too, rather than an empty chart.
 *   `structuredClone` must be able to copy the spec (plain JSON data is fine); the caller's spec is not modified.
 */
export async function renderChartPng(spec: TopLevelSpec, options: RenderChartOptions = {}): Promise<Buffer> {
  const scale = options.scale ?? 2;
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 10)) {
    throw new ReportOptionError('scale', `must be a number in (0, 10], got ${scale}`);
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
