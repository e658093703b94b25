import { resolve } from 'node:path';

import { loadedModules, sourceCli, type LoadedModules } from '@counterweight/reliability-kit';
import { describe, expect, it } from 'vitest';

const CLI = resolve(import.meta.dirname, 'cli.ts');

/** Packages that cost seconds to load: tfjs and its kernels, the image and chart stack, onnxruntime, the columnar readers. */
const HEAVY_PACKAGES = /node_modules\/(@tensorflow|sharp|vega|vega-lite|onnxruntime-node|@duckdb|apache-arrow|parquet)/;
/** The app's own modules that pull those in: models, training and evaluation, serving, ONNX, data loaders. */
const HEAVY_APP_FOLDERS = /\/apps\/ctr-ranking\/src\/(models\/(?!model-kinds)|experiment\/(?!objective-names)|serve\/(?!serve-defaults)|onnx|data\/(?!fetch\.))/;

/** Runs the CLI from source (with a fixed cache directory, which the fetch help shows) and records every module it resolves. */
function ctr(...args: string[]): Promise<LoadedModules> {
  return loadedModules(...sourceCli(CLI, args), { timeoutMs: 120_000, env: { XDG_CACHE_HOME: '/cache-home' } });
}

/** The heavy packages and app folders among the resolved URLs, each named once (`node_modules/sharp`, `/apps/ctr-ranking/src/models`). */
function heavy(urls: readonly string[]): string[] {
  return [...new Set(urls.flatMap((url) => [HEAVY_PACKAGES.exec(url)?.[0], HEAVY_APP_FOLDERS.exec(url)?.[0]]).filter((name) => name !== undefined))];
}

/** Help text with its line wrapping undone (every run of white space one space). */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

describe('ctr-ranking CLI start-up', () => {
  it.each([
    { args: ['--help'], usage: 'Usage: ctr-ranking [options] [command]' },
    { args: ['compare', '--help'], usage: 'Usage: ctr-ranking compare [options]' },
    { args: ['fetch', '--help'], usage: 'Usage: ctr-ranking fetch [options]' },
    { args: ['export', '--help'], usage: 'Usage: ctr-ranking export [options]' },
    { args: ['serve', '--help'], usage: 'Usage: ctr-ranking serve [options]' },
  ])('$args answers without tfjs, onnxruntime or the charts', async ({ args, usage }) => {
    const { run, urls } = await ctr(...args);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.startsWith(usage)).toBe(true);
    expect(heavy(urls)).toEqual([]);
  });

  it('compare --help lists the losses and model kinds with their defaults', async () => {
    const help = oneLine((await ctr('compare', '--help')).run.stdout);
    expect(help).toContain(
      '--losses <list> comma-separated: logloss, pairwise-logistic, softmax-listwise, welfare, welfare-log, welfare-teacher, combined ' +
        '(default: ["logloss","welfare","welfare-teacher","combined"])',
    );
    expect(help).toContain('--model <kind> model: logistic, fm, dnn (default: "logistic")');
  });

  it('serve --help shows the server defaults', async () => {
    const help = oneLine((await ctr('serve', '--help')).run.stdout);
    expect(help).toContain('--body-limit <bytes> largest accepted request body (default: 1048576)');
    expect(help).toContain('slower ones get 408 and are disconnected (default: 10000)');
    expect(help).toContain('--keep-alive-timeout <ms> how long an idle keep-alive connection stays open (default: 5000)');
  });

  it('fetch --help shows the default data directory', async () => {
    const help = oneLine((await ctr('fetch', '--help')).run.stdout);
    expect(help).toContain('--dir <dir> where downloads go (compare reads from here first) (default: "/cache-home/counterweight/data")');
  });

  it.each([
    { args: ['compare', '--seeds', 'x'], error: `error: option '--seeds <n>' argument 'x' is invalid. expected an integer >= 1, got "x" (see ctr-ranking compare --help)` },
    {
      args: ['compare', '--losses', 'foo'],
      error:
        `error: option '--losses <list>' argument 'foo' is invalid. --losses: unknown loss "foo"; known: ` +
        'logloss, pairwise-logistic, softmax-listwise, welfare, welfare-log, welfare-teacher, combined (see ctr-ranking compare --help)',
    },
    { args: ['compare', '--model', 'x'], error: `error: option '--model <kind>' argument 'x' is invalid. expected one of logistic, fm, dnn, got "x" (see ctr-ranking compare --help)` },
    { args: ['fetch', '--bogus'], error: `error: unknown option '--bogus' (see ctr-ranking fetch --help)` },
    { args: ['export'], error: `error: required option '--run <dir>' not specified (see ctr-ranking export --help)` },
    {
      args: ['serve', '--model', 'm.onnx', '--port', '70000'],
      error: `error: option '--port <n>' argument '70000' is invalid. expected a port number in 0–65535, got "70000" (see ctr-ranking serve --help)`,
    },
  ])('$args is refused without tfjs, onnxruntime or the charts', async ({ args, error }) => {
    const { run, urls } = await ctr(...args);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(error);
    expect(heavy(urls)).toEqual([]);
  });
});
