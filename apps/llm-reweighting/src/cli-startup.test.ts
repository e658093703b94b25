import { resolve } from 'node:path';

import { loadedModules, sourceCli, type LoadedModules } from '@counterweight/reliability-kit';
import { describe, expect, it } from 'vitest';

const CLI = resolve(import.meta.dirname, 'cli.ts');

/** Packages that cost seconds to load: tfjs, the image and chart renderers, onnxruntime, DuckDB, Arrow, Parquet. */
const HEAVY_PACKAGE = /node_modules\/(@tensorflow|sharp|vega|vega-lite|onnxruntime-node|@duckdb|apache-arrow|parquet)/;
/** The app's own tfjs-backed code: the model, the objectives' loss code, training, evaluation, ONNX. */
const HEAVY_APP_MODULE = /\/apps\/llm-reweighting\/src\/(models\/gpt\.ts|objectives\/objectives\.ts|onnx\/|evaluation\/|experiment\/(compare|run-one|train-language-model|export-run|generate-command)\.ts)/;

/** Runs the CLI from source with `args` and records every module it resolves. */
function cli(args: readonly string[]): Promise<LoadedModules> {
  const [command, commandArgs] = sourceCli(CLI, args);
  return loadedModules(command, commandArgs, { timeoutMs: 120_000 });
}

/** The heavy packages and app modules among the resolved URLs, each named once, for a readable failure. */
function heavy(urls: readonly string[]): string[] {
  return [...new Set(urls.flatMap((url) => [HEAVY_PACKAGE.exec(url)?.[0], HEAVY_APP_MODULE.exec(url)?.[0]].filter((hit) => hit !== undefined)))];
}

describe('llm-reweighting answers --help and flag errors without loading tfjs', () => {
  it('--help lists every subcommand', async () => {
    const { run, urls } = await cli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['compare', 'arithmetic', 'export', 'generate']) expect(run.stdout).toContain(`  ${command} `);
    expect(urls.length).toBeGreaterThan(0);
    expect(heavy(urls)).toEqual([]);
  }, 180_000);

  it.each([
    ['compare', '--strategies <list>'],
    ['arithmetic', '--ntl <list>'],
    ['export', '--run <dir>'],
    ['generate', '--model <model.onnx>'],
  ])('%s --help', async (command, option) => {
    const { run, urls } = await cli([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: llm-reweighting ${command} [options]`);
    expect(run.stdout).toContain(option);
    expect(heavy(urls)).toEqual([]);
  }, 180_000);

  it.each([
    [['compare', '--seeds', 'x'], `option '--seeds <n>' argument 'x' is invalid. expected an integer >= 1, got "x"`],
    [['compare', '--strategies', 'bogus'], 'expected one of uniform, linupper, quadratic, extremes, ntl-was, ntl-mse, z-loss, log-partition, md4, got "bogus"'],
    [['arithmetic', '--ntl', 'foo'], `option '--ntl <list>' argument 'foo' is invalid. expected one of none, was, mse, got "foo"`],
    [['export', '--out', 'x.onnx'], `required option '--run <dir>' not specified`],
    [['generate', '--model', 'm.onnx', '--prompt', 'hi', '--tokens', '0'], `option '--tokens <n>' argument '0' is invalid. expected an integer >= 1, got "0"`],
  ])('%j is refused with exit code 1', async (args, message) => {
    const { run, urls } = await cli(args);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(heavy(urls)).toEqual([]);
  }, 180_000);
});
