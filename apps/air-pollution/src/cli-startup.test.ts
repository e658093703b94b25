import { resolve } from 'node:path';

import { loadedModules, sourceCli, type LoadedModules } from '@counterweight/reliability-kit';
import { describe, expect, it } from 'vitest';

const CLI = resolve(import.meta.dirname, 'cli.ts');

/** Packages that cost seconds to load: tfjs and its kernels, the image and chart stack, onnxruntime, the columnar readers. */
const HEAVY_PACKAGES = /node_modules\/(@tensorflow|sharp|vega|vega-lite|onnxruntime-node|@duckdb|apache-arrow|parquet)/;
/**
 * The app's own modules that pull those in: models, objectives, training and evaluation, the shift experiment, ONNX,
 * data loaders — all but the small tfjs-free modules the option definitions read (names, defaults, year ranges).
 */
const HEAVY_APP_MODULES =
  /\/apps\/air-pollution\/src\/(models\/(?!default-forecast-model\.|forecast-model-config\.)|objectives\/(?!objective\.)|experiment\/(?!settings\.)|shift\/(?!weighting-names\.|year-range\.)|data\/(?!fetch\.)|evaluation\/|onnx\/|bench\/)/;

/** Runs the CLI from source (with a fixed cache directory, which the fetch help shows) and records every module it resolves. */
function air(...args: string[]): Promise<LoadedModules> {
  return loadedModules(...sourceCli(CLI, args), { timeoutMs: 120_000, env: { XDG_CACHE_HOME: '/cache-home' } });
}

/** A pattern for help text however the help wraps it: the words of `text` in order, any white space between them. */
function helpText(text: string): RegExp {
  return new RegExp(
    text
      .split(/\s+/)
      .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('\\s+'),
  );
}

/** The resolved URLs that should not have loaded, deduplicated. */
function heavy(urls: readonly string[]): string[] {
  return [...new Set(urls.filter((url) => HEAVY_PACKAGES.test(url) || HEAVY_APP_MODULES.test(url)))];
}

describe('air-pollution CLI start-up', () => {
  it.each([
    { args: ['--help'], usage: 'Usage: air-pollution [options] [command]' },
    { args: ['compare', '--help'], usage: 'Usage: air-pollution compare [options]' },
    { args: ['shift', '--help'], usage: 'Usage: air-pollution shift [options]' },
    { args: ['fetch', '--help'], usage: 'Usage: air-pollution fetch [options]' },
    { args: ['export', '--help'], usage: 'Usage: air-pollution export [options]' },
    { args: ['predict', '--help'], usage: 'Usage: air-pollution predict [options]' },
  ])('$args answers without tfjs, onnxruntime, the charts or the table readers', async ({ args, usage }) => {
    const { run, urls } = await air(...args);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.startsWith(usage)).toBe(true);
    expect(heavy(urls)).toEqual([]);
  });

  it('compare --help lists the methods and forecasters with their defaults', async () => {
    const { run } = await air('compare', '--help');
    expect(run.stdout).toMatch(
      helpText(
        '--methods <list> comma-separated: persistence, seasonal-naive, mae, fmae, uncertainty, igb, lds, balanced-mse, car, quantile, ordinal-aqi ' +
          '(mae is always run: the baseline) (default: ["persistence","seasonal-naive","mae","fmae","uncertainty","igb","lds","balanced-mse","car","quantile","ordinal-aqi"])',
      ),
    );
    expect(run.stdout).toMatch(helpText('--model <kind> forecaster: mlp, tcn (default: "mlp")'));
    expect(run.stdout).toMatch(helpText('--hidden <units> trunk width (MLP units or TCN channels) (default: 64)'));
    expect(run.stdout).toMatch(helpText('--layers <n> trunk layers (MLP) or convolution blocks (TCN) (default: 2)'));
    expect(run.stdout).toMatch(helpText('--head-hidden <units> hidden units of each head (weather, pollutants) (default: 32)'));
    expect(run.stdout).toMatch(helpText('--kernel-size <steps> TCN kernel width (default: 3)'));
  });

  it('shift --help lists the weightings', async () => {
    const { run } = await air('shift', '--help');
    expect(run.stdout).toMatch(helpText('--weights <list> importance weightings of the training windows: none, classifier, kliep, dw (none is always run) (default: ["none","classifier","dw"])'));
  });

  it('fetch --help shows the default data directory', async () => {
    const { run } = await air('fetch', '--help');
    expect(run.stdout).toMatch(helpText('--dir <dir> where downloads go (compare --data beijing reads from here first) (default: "/cache-home/counterweight/data/beijing-multisite-air-quality")'));
  });

  it.each([
    { args: ['compare', '--seeds', 'x'], error: `error: option '--seeds <n>' argument 'x' is invalid. expected an integer >= 1, got "x" (see air-pollution compare --help)` },
    {
      args: ['compare', '--methods', 'foo'],
      error:
        `error: option '--methods <list>' argument 'foo' is invalid. expected one of persistence, seasonal-naive, mae, fmae, uncertainty, igb, lds, ` +
        'balanced-mse, car, quantile, ordinal-aqi, got "foo" (see air-pollution compare --help)',
    },
    { args: ['compare', '--model', 'foo'], error: `error: option '--model <kind>' argument 'foo' is invalid. expected one of mlp, tcn, got "foo" (see air-pollution compare --help)` },
    { args: ['shift', '--train-years', 'abc'], error: 'air-pollution: --train-years: expected a year (2016) or a range of years (2013-2015), got "abc"' },
    { args: ['shift', '--kernel-rows', '3'], error: `error: option '--kernel-rows <n>' argument '3' is invalid. expected an integer >= 10, got "3" (see air-pollution shift --help)` },
    { args: ['fetch', '--bogus'], error: `error: unknown option '--bogus' (see air-pollution fetch --help)` },
    { args: ['export'], error: `error: required option '--run <dir>' not specified (see air-pollution export --help)` },
    { args: ['predict', '--model', 'm.onnx', '--out', 'f.csv', '--last', '0'], error: `error: option '--last <n>' argument '0' is invalid. expected an integer >= 1, got "0" (see air-pollution predict --help)` },
  ])('$args is refused without tfjs, onnxruntime, the charts or the table readers', async ({ args, error }) => {
    const { run, urls } = await air(...args);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(error);
    expect(heavy(urls)).toEqual([]);
  });
});
