import { join, resolve } from 'node:path';

import { loadedModules, sourceCli } from '@counterweight/reliability-kit';
import { describe, expect, it } from 'vitest';

const CLI = resolve(import.meta.dirname, 'cli.ts');

/** Packages that cost the start-up time: tfjs and its kernels, image decoding, charts, ONNX, columnar data. */
const HEAVY_PACKAGES = /node_modules\/(@tensorflow|sharp|vega|vega-lite|onnxruntime-node|@duckdb|apache-arrow|parquet)/;
/** The app's own modules: only the CLI and these small tfjs-free ones may load before an action runs. */
const APP_SOURCE = '/apps/imbalanced-vision/src/';
const LIGHT_APP_MODULES = ['cli.ts', 'data/fetch.ts', 'experiment/compare-defaults.ts', 'recipes/recipe-names.ts'];

/** `XDG_CACHE_HOME` of every run, so the `fetch --dir` default in the help is known. */
const CACHE = '/tmp/cw-startup-cache';

interface StartupCase {
  readonly args: readonly string[];
  readonly code: number;
  readonly stdout: RegExp;
  readonly stderr: RegExp;
}

const NOTHING = /^$/;

/** `--help` of the program and of every subcommand, and a flag error per subcommand — answered from commander alone. */
const CASES: readonly StartupCase[] = [
  { args: ['--help'], code: 0, stdout: /^Usage: imbalanced-vision \[options\] \[command\]\n[\s\S]*\n {2}compare \[options\][\s\S]*\n {2}fetch \[options\][\s\S]*\n {2}export \[options\][\s\S]*\n {2}predict \[options\] <images\.\.\.>/, stderr: NOTHING },
  {
    args: ['compare', '--help'],
    code: 0,
    // The recipe lists and the defaults come from tfjs-free modules; they must still be the ones of the recipes.
    stdout: /^Usage: imbalanced-vision compare \[options\]\n[\s\S]*--recipes <list>\s+comma-separated; single-label: ce, cb-ce, cb-focal,\s+focal, ldam-drw, la-loss, la-posthoc, vs,\s+wb-two-stage, wb-one-stage, ce-sam, ldam-drw-sam,\s+dhkd; multi-label: bce, focal-ml, asl\n[\s\S]*\(default: 30\)[\s\S]*--train-mosaics <n>\s+multi-label: training mosaics \(default: 12000\)/,
    stderr: NOTHING,
  },
  { args: ['fetch', '--help'], code: 0, stdout: new RegExp(`^Usage: imbalanced-vision fetch \\[options\\]\\n[\\s\\S]*--dir <dir>\\s+where the files go \\(default:\\s+"${join(CACHE, 'counterweight/data/fashion-mnist')}"\\)`), stderr: NOTHING },
  { args: ['export', '--help'], code: 0, stdout: /^Usage: imbalanced-vision export \[options\]\n[\s\S]*--run <dir>/, stderr: NOTHING },
  { args: ['predict', '--help'], code: 0, stdout: /^Usage: imbalanced-vision predict \[options\] <images\.\.\.>\n[\s\S]*--model <model\.onnx>/, stderr: NOTHING },
  {
    args: ['compare', '--seeds', 'x'],
    code: 1,
    stdout: NOTHING,
    stderr: /^error: option '--seeds <n>' argument 'x' is invalid\. expected an integer >= 1, got "x" \(see imbalanced-vision compare --help\)\n$/,
  },
  {
    args: ['compare', '--class-order', 'a,b'],
    code: 1,
    stdout: NOTHING,
    stderr: /^error: option '--class-order <order>' argument 'a,b' is invalid\. expected natural, shuffled or a comma-separated list of class ids, got "a,b" \(see imbalanced-vision compare --help\)\n$/,
  },
  {
    args: ['fetch', '--timeout', '0'],
    code: 1,
    stdout: NOTHING,
    stderr: /^error: option '--timeout <ms>' argument '0' is invalid\. expected an integer >= 1, got "0" \(see imbalanced-vision fetch --help\)\n$/,
  },
  { args: ['export', '--out', 'm.onnx'], code: 1, stdout: NOTHING, stderr: /^error: required option '--run <dir>' not specified \(see imbalanced-vision export --help\)\n$/ },
  { args: ['predict', 'a.png'], code: 1, stdout: NOTHING, stderr: /^error: required option '--model <model\.onnx>' not specified \(see imbalanced-vision predict --help\)\n$/ },
];

describe('imbalanced-vision CLI start-up', () => {
  it.each(CASES.map((c) => [c.args.join(' '), c] as const))('%s answers without loading tfjs, sharp, onnxruntime or the training code', async (_name, c) => {
    const { run, urls } = await loadedModules(...sourceCli(CLI, c.args), { env: { XDG_CACHE_HOME: CACHE } });
    expect(run.stderr).toMatch(c.stderr);
    expect(run.stdout).toMatch(c.stdout);
    expect(run.code).toBe(c.code);
    expect(new Set(urls.flatMap((url) => HEAVY_PACKAGES.exec(url)?.[1] ?? []))).toEqual(new Set());
    const appModules = urls.filter((url) => url.includes(APP_SOURCE)).map((url) => url.slice(url.indexOf(APP_SOURCE) + APP_SOURCE.length));
    expect(new Set(appModules.filter((module) => !LIGHT_APP_MODULES.includes(module)))).toEqual(new Set());
  }, 60_000);
});
