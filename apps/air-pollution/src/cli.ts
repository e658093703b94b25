#!/usr/bin/env node
import { join } from 'node:path';

import {
  addComparisonOptions,
  addExportCommand,
  createProgram,
  integerArgument as integer,
  listArgument,
  parsedListArgument,
  positiveNumberArgument as positive,
  quietOption,
  runProgram,
  type ComparisonFlags,
} from '@counterweight/experiment/cli';
import { InvalidArgumentError, Option, type Command } from 'commander';

import { defaultAirPollutionFetchDir, fetchBeijingData } from './data/fetch.js';
import { METHOD_NAMES, type AirSettings } from './experiment/settings.js';
import { DEFAULT_FORECAST_MODEL } from './models/default-forecast-model.js';
import { FORECAST_MODEL_KINDS, type ForecastModelKind } from './models/forecast-model-config.js';
import type { ShiftSettings } from './shift/shift-settings.js';
import { WEIGHTING_NAMES } from './shift/weighting-names.js';
import { parseYearRange } from './shift/year-range.js';

// Only tfjs-free modules above: --help, every subcommand's --help and flag errors answer without tfjs, the wasm
// kernels, the chart renderer, Arrow, DuckDB or onnxruntime (about 2 s of start-up). Each action loads what it runs.

const program = createProgram('air-pollution', 'Pollutant forecasts that get the smog spikes right: weighted, multi-task and quantile objectives against MAE and persistence.');

function method(value: string): string {
  if (!METHOD_NAMES.includes(value)) throw new InvalidArgumentError(`expected one of ${METHOD_NAMES.join(', ')}, got "${value}"`);
  return value;
}

function finite(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new InvalidArgumentError(`expected a number, got "${value}"`);
  return parsed;
}

function isoDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new InvalidArgumentError(`expected a date YYYY-MM-DD, got "${value}"`);
  return value;
}

interface CompareFlags extends ComparisonFlags {
  data: string;
  mapping?: string;
  frequency: 'hourly' | 'daily';
  interpolate: number;
  history?: number;
  horizons?: number[];
  stride: number;
  trainStart?: string;
  trainEnd?: string;
  validationStart?: string;
  validationEnd?: string;
  testStart?: string;
  testEnd?: string;
  methods: string[];
  objectives?: string[];
  model: ForecastModelKind;
  hidden: number;
  layers: number;
  headHidden: number;
  kernelSize: number;
  epochs: number;
  batchSize: number;
  lr: number;
  patience: number;
  variable: string;
  thresholds: number[];
}

/** The split periods the flags give (a bound left out takes the data's default). */
function periodsOf(flags: CompareFlags): Pick<AirSettings['windows'], 'periods'> {
  const periods: Partial<Record<'train' | 'validation' | 'test', { start?: string; end?: string }>> = {};
  const bounds = [
    ['train', flags.trainStart, flags.trainEnd],
    ['validation', flags.validationStart, flags.validationEnd],
    ['test', flags.testStart, flags.testEnd],
  ] as const;
  for (const [split, start, end] of bounds) {
    if (start !== undefined || end !== undefined) periods[split] = { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) };
  }
  return Object.keys(periods).length === 0 ? {} : { periods };
}

/** The comparison's settings from its flags; the window defaults depend on the frequency (24 h → 1, 6, 24 h ahead; 14 days → 1 day). */
export function compareSettings(flags: CompareFlags): AirSettings {
  const hourly = flags.frequency === 'hourly';
  return {
    data: { source: flags.data, ...(flags.mapping === undefined ? {} : { mapping: flags.mapping }), frequency: flags.frequency, interpolateMaxGap: flags.interpolate },
    windows: {
      history: flags.history ?? (hourly ? 24 : 14),
      horizons: flags.horizons ?? (hourly ? [1, 6, 24] : [1]),
      stride: flags.stride,
      ...periodsOf(flags),
    },
    model: { kind: flags.model, hidden: flags.hidden, layers: flags.layers, headHidden: flags.headHidden, kernelSize: flags.kernelSize },
    training: { epochs: flags.epochs, batchSize: flags.batchSize, learningRate: flags.lr, patience: flags.patience },
    extremes: { variable: flags.variable, thresholds: flags.thresholds },
  };
}

/** The data and window options `compare` and `shift` share: source, mapping, grid, gap filling, window shape. */
function addWindowOptions(command: Command): Command {
  return command
    .option('--data <source>', 'sample (embedded Beijing sample), beijing (all 12 stations) or a station table (.csv, .csv.gz, .arrow, .parquet)', 'sample')
    .option('--mapping <mapping.json>', 'column mapping of a table file (see data/README.md)')
    .addOption(new Option('--frequency <grid>', 'hourly, or daily means').choices(['hourly', 'daily']).default('hourly'))
    .option('--interpolate <steps>', 'fill gaps up to this many steps by linear interpolation (0: none)', integer(0), 0)
    .option('--history <steps>', 'input steps per window (default 24 hourly, 14 daily)', integer(1))
    .option('--horizons <list>', 'steps ahead, ascending (default 1,6,24 hourly, 1 daily)', parsedListArgument(integer(1)))
    .option('--stride <steps>', 'use every k-th window end', integer(1), 1);
}

/**
 * The forecaster and training options `compare` and `shift` share (model, training, scored variable); `validation`
 * and `scored` finish the help of --patience and --variable.
 */
function addForecasterOptions(command: Command, help: { readonly validation: string; readonly scored: string }): Command {
  return command
    .option('--model <kind>', `forecaster: ${FORECAST_MODEL_KINDS.join(', ')}`, (v: string) => {
      if (!(FORECAST_MODEL_KINDS as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${FORECAST_MODEL_KINDS.join(', ')}, got "${v}"`);
      return v as ForecastModelKind;
    }, DEFAULT_FORECAST_MODEL.kind)
    .option('--hidden <units>', 'trunk width (MLP units or TCN channels)', integer(1), DEFAULT_FORECAST_MODEL.hidden)
    .option('--layers <n>', 'trunk layers (MLP) or convolution blocks (TCN)', integer(1), DEFAULT_FORECAST_MODEL.layers)
    .option('--head-hidden <units>', 'hidden units of each head (weather, pollutants)', integer(1), DEFAULT_FORECAST_MODEL.headHidden)
    .option('--kernel-size <steps>', 'TCN kernel width', integer(1), DEFAULT_FORECAST_MODEL.kernelSize)
    .option('--epochs <n>', 'training epochs (at most; see --patience)', integer(1), 12)
    .option('--batch-size <n>', 'windows per batch', integer(1), 256)
    .option('--lr <rate>', 'Adam learning rate', positive, 0.001)
    .option('--patience <epochs>', `stop after this many epochs without a better ${help.validation}, keeping the best (0: never)`, integer(0), 3)
    .option('--variable <name>', `the pollutant whose ${help.scored}`, 'PM2.5')
    .option('--thresholds <list>', 'extreme-event thresholds of --variable (its units)', parsedListArgument(finite), [75, 150]);
}

const compare = addWindowOptions(
  program
    .command('compare')
    .description('Train forecasters with each objective on the same windows and compare overall and extreme-event errors with the baselines.'),
)
  .option('--train-start <date>', 'first day of the training period (YYYY-MM-DD; Beijing default 2013-03-01)', isoDate)
  .option('--train-end <date>', 'day after the training period (default 2016-01-01)', isoDate)
  .option('--validation-start <date>', 'first day of the validation period (default 2016-01-01)', isoDate)
  .option('--validation-end <date>', 'day after the validation period (default 2016-07-01)', isoDate)
  .option('--test-start <date>', 'first day of the test period (default 2016-07-01)', isoDate)
  .option('--test-end <date>', 'day after the test period (default 2017-03-01)', isoDate)
  .option('--objectives <list>', 'the same as --methods (the name issue 16 uses)', parsedListArgument(method))
  .option('--methods <list>', `comma-separated: ${METHOD_NAMES.join(', ')} (mae is always run: the baseline)`, parsedListArgument(method), [
    'persistence',
    'seasonal-naive',
    'mae',
    'fmae',
    'uncertainty',
    'igb',
    'lds',
    'balanced-mse',
    'car',
    'quantile',
    'ordinal-aqi',
  ]);
addForecasterOptions(compare, { validation: 'validation loss', scored: 'extremes are scored' });
addComparisonOptions(compare, { seed: 1, seeds: 3 }).action(async (flags: CompareFlags) => {
  // Loaded here, not at the top: tfjs and the training code are needed only to run (see the imports).
  const [{ formatNumber }, { initBackend, resolveBackendRequest }, { compareObjectives }, { headlineColumns }] = await Promise.all([
    import('@counterweight/reports'),
    import('@counterweight/runtime'),
    import('./experiment/compare.js'),
    import('./experiment/report.js'),
  ]);
  await initBackend(resolveBackendRequest(flags.backend));
  const settings = compareSettings(flags);
  const result = await compareObjectives({
    settings,
    methods: flags.objectives ?? flags.methods,
    seed: flags.seed,
    seeds: flags.seeds,
    jobs: flags.jobs,
    out: flags.out,
    quiet: flags.quiet === true,
  });
  for (const s of result.summaries) {
    const cells = headlineColumns(settings).slice(0, 3).map((c) => `${c.title} ${formatNumber(s.metrics[c.metric]?.mean ?? Number.NaN, c.digits)}`);
    process.stdout.write(`${s.method.padEnd(16)} ${cells.join('  ')}\n`);
  }
  process.stdout.write(`report: ${join(result.out.dir, result.files.markdown)}\n`);
});

interface ShiftFlags extends ComparisonFlags {
  data: string;
  mapping?: string;
  frequency: 'hourly' | 'daily';
  interpolate: number;
  history?: number;
  horizons?: number[];
  stride: number;
  trainStations?: string[];
  testStations?: string[];
  trainYears?: readonly [number, number];
  testYears?: readonly [number, number];
  weights: string[];
  kernelRows: number;
  dwD: number;
  dwRank: number;
  model: ForecastModelKind;
  hidden: number;
  layers: number;
  headHidden: number;
  kernelSize: number;
  epochs: number;
  batchSize: number;
  lr: number;
  patience: number;
  variable: string;
  thresholds: number[];
}

/** The shift experiment's settings from its flags (window defaults as `compare`). */
export function shiftSettings(flags: ShiftFlags): ShiftSettings {
  const hourly = flags.frequency === 'hourly';
  return {
    data: { source: flags.data, ...(flags.mapping === undefined ? {} : { mapping: flags.mapping }), frequency: flags.frequency, interpolateMaxGap: flags.interpolate },
    windows: { history: flags.history ?? (hourly ? 24 : 14), horizons: flags.horizons ?? (hourly ? [1, 6, 24] : [1]), stride: flags.stride },
    domains: {
      ...(flags.trainStations === undefined ? {} : { trainStations: flags.trainStations }),
      ...(flags.testStations === undefined ? {} : { testStations: flags.testStations }),
      ...(flags.trainYears === undefined ? {} : { trainYears: flags.trainYears }),
      ...(flags.testYears === undefined ? {} : { testYears: flags.testYears }),
    },
    model: { kind: flags.model, hidden: flags.hidden, layers: flags.layers, headHidden: flags.headHidden, kernelSize: flags.kernelSize },
    training: { epochs: flags.epochs, batchSize: flags.batchSize, learningRate: flags.lr, patience: flags.patience },
    extremes: { variable: flags.variable, thresholds: flags.thresholds },
    weights: { kernelRows: flags.kernelRows, dwD: flags.dwD, dwRank: flags.dwRank, seed: flags.seed },
  };
}

const shift = addWindowOptions(
  program
    .command('shift')
    .description('Train the forecaster on one domain (stations or years) and test on another, with importance weights for the shift, and attribute the error change to P(weather) and P(PM2.5 | weather).'),
)
  .option('--train-stations <list>', 'source-domain stations (default Dongsi; with years: every station)', listArgument)
  .option('--test-stations <list>', 'target-domain stations (default Dingling; with years: the train stations)', listArgument)
  .option('--train-years <years>', 'source-domain years, e.g. 2013-2015 (with --test-years: a shift in time)', (v: string) => parseYearRange(v, '--train-years'))
  .option('--test-years <years>', 'target-domain years, e.g. 2016', (v: string) => parseYearRange(v, '--test-years'))
  .option('--weights <list>', `importance weightings of the training windows: ${WEIGHTING_NAMES.join(', ')} (none is always run)`, listArgument, ['none', 'classifier', 'dw'])
  .option('--kernel-rows <n>', 'rows per kernel problem: KLIEP subsample of each domain; double-weighting chunk and target subsample', integer(10), 1000)
  .option('--dw-d <D>', 'double weighting D ≥ 1 (1: kernel mean matching)', positive, 4)
  .option('--dw-rank <r>', 'rank cap of the double-weighting kernel factor', integer(1), 200);
addForecasterOptions(shift, { validation: 'source validation loss', scored: 'errors are scored and attributed' });
addComparisonOptions(shift, { seed: 1, seeds: 3 }).action(async (flags: ShiftFlags) => {
  // Loaded here, not at the top: tfjs and the training code are needed only to run (see the imports).
  const [{ formatNumber }, { initBackend, resolveBackendRequest }, { compareWeightings }] = await Promise.all([
    import('@counterweight/reports'),
    import('@counterweight/runtime'),
    import('./shift/shift-experiment.js'),
  ]);
  await initBackend(resolveBackendRequest(flags.backend));
  const settings = shiftSettings(flags);
  const result = await compareWeightings({ settings, weightings: flags.weights, seed: flags.seed, seeds: flags.seeds, jobs: flags.jobs, out: flags.out, quiet: flags.quiet === true });
  const x = settings.extremes.variable;
  const cell = (s: (typeof result.summaries)[number], key: string, digits: number): string => formatNumber(s.metrics[key]?.mean ?? Number.NaN, digits);
  for (const s of result.summaries) {
    process.stdout.write(`${s.method.padEnd(12)} MAE ${x} ${cell(s, `mae.${x}`, 2)}  RMSE ${x} ${cell(s, `rmse.${x}`, 2)}  ESS ${cell(s, 'effectiveSampleSize', 0)}\n`);
  }
  const none = result.summaries.find((s) => s.method === 'none');
  if (none !== undefined) {
    process.stdout.write(
      `attribution  φ(P(weather)) ${cell(none, 'attribution.weather', 2)}  φ(P(${x} | weather)) ${cell(none, 'attribution.pm25GivenWeather', 2)}  v(all) ${cell(none, 'attribution.attributed', 2)}  observed ${cell(none, 'attribution.observed', 2)}\n`,
    );
  }
  process.stdout.write(`report: ${join(result.out.dir, result.files.markdown)}\n`);
});

program
  .command('fetch')
  .description('Get the full Beijing Multi-Site Air-Quality data (12 stations, checksums verified) into --dir; offline, verify the shared copy and use it in place.')
  .option('--dir <dir>', 'where downloads go (compare --data beijing reads from here first)', defaultAirPollutionFetchDir())
  .option('--offline', 'do not try the network')
  .addOption(quietOption())
  .action(async (flags: { dir: string; offline?: boolean; quiet?: boolean }) => {
    const files = await fetchBeijingData({ dir: flags.dir, offline: flags.offline === true, quiet: flags.quiet === true });
    for (const f of files) process.stdout.write(`${f.source.padEnd(8)} ${f.station}${f.path === undefined ? `  (${f.failures.at(-1) ?? 'unavailable'})` : `  → ${f.path}`}\n`);
    const missing = files.filter((f) => f.source === 'missing').length;
    process.stdout.write(`${files.length - missing} of ${files.length} files available and verified${missing > 0 ? `; ${missing} missing` : ''}\n`);
  });

addExportCommand(program, {
  description: 'Write the trained forecaster of a compare run (DIR = <out>/runs/<method>/seed-<r>) as ONNX: input "window" [N, history·features] (normalised), output "forecast"; scaling and names in its metadata.',
  exportRun: async (run, out) => {
    // Loaded here, not at the top: the exporter needs tfjs and the forecaster (see the imports).
    const { exportRun } = await import('./experiment/export-run.js');
    const result = await exportRun(run, out);
    return { ...result, method: result.objective };
  },
});

program
  .command('predict')
  .description('Forecast every window of a station table with an exported model (onnxruntime-node); writes CSV rows station,time,horizon,target_time,variable,forecast.')
  .requiredOption('--model <model.onnx>', 'model written by `air-pollution export`')
  .option('--data <source>', 'sample, beijing or a station table', 'sample')
  .option('--mapping <mapping.json>', 'column mapping of a table file')
  .option('--last <n>', 'only the last n window ends of each station', integer(1))
  .option('--variables <list>', 'only these variables (default: all the model forecasts)', listArgument)
  .requiredOption('--out <forecasts.csv>', 'output CSV (written atomically)')
  .action(async (flags: { model: string; data: string; mapping?: string; last?: number; variables?: string[]; out: string }) => {
    // Loaded here, not at the top: onnxruntime-node and the table readers are needed only to run (see the imports).
    const { predictTable } = await import('./experiment/predict-table.js');
    const written = await predictTable({
      model: flags.model,
      source: flags.data,
      ...(flags.mapping === undefined ? {} : { mapping: flags.mapping }),
      ...(flags.last === undefined ? {} : { last: flags.last }),
      ...(flags.variables === undefined ? {} : { variables: flags.variables }),
      out: flags.out,
    });
    process.stdout.write(`${flags.out}: ${written.rows} forecasts of ${written.windows} windows (${written.stations} stations)\n`);
  });

await runProgram(program);
