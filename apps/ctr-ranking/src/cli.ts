#!/usr/bin/env node
import { join } from 'node:path';

import {
  addComparisonOptions,
  addExportCommand,
  createProgram,
  integerArgument as integer,
  parsedListArgument,
  positiveNumberArgument as positive,
  quietOption,
  runProgram,
  unitIntervalArgument as unit,
  type ComparisonFlags,
} from '@counterweight/experiment/cli';
import { ConfigError } from '@counterweight/runtime/base';
import { InvalidArgumentError, Option } from 'commander';

import { defaultCtrFetchDir, fetchCtrData } from './data/fetch.js';
import type { ObdCampaign } from './data/open-bandit.js';
import { checkObjective, OBJECTIVES, type ObjectiveName } from './experiment/objective-names.js';
import type { DataSource } from './experiment/prepare-data.js';
import type { CtrSettings, OptimizerName } from './experiment/settings.js';
import type { CtrModelKind } from './models/config.js';
import { CTR_MODEL_KINDS } from './models/model-kinds.js';
import { DEFAULT_BODY_LIMIT, DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_KEEP_ALIVE_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './serve/serve-defaults.js';

// Only tfjs-free modules above (and type-only imports, which vanish at run time): --help and flag errors answer
// without tfjs, the wasm kernels, onnxruntime, fastify or the chart renderer. Each action loads what it runs.

const objectives = parsedListArgument(checkObjective);
const lambdas = parsedListArgument(unit);

function modelKind(value: string): CtrModelKind {
  if (!(CTR_MODEL_KINDS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${CTR_MODEL_KINDS.join(', ')}, got "${value}"`);
  return value as CtrModelKind;
}

/** A TCP port: a whole number in 0–65535 (0: any free port). */
function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0 || parsed > 65_535) throw new InvalidArgumentError(`expected a port number in 0–65535, got "${value}"`);
  return parsed;
}

const program = createProgram('ctr-ranking', 'CTR models for ad auctions: the welfare-weighted rank loss against logloss — welfare, calibration, serving.');

interface CompareFlags extends ComparisonFlags {
  data: string;
  columns?: string;
  skipMalformed?: boolean;
  limit?: number;
  generator: 'A' | 'B';
  auctions: number;
  candidates: number;
  campaign: ObdCampaign;
  losses: ObjectiveName[];
  lambdas: number[];
  model: CtrModelKind;
  teacherModel: CtrModelKind;
  teacher?: string;
  teacherMix: number;
  optimizer: OptimizerName;
  lr: number;
  epochs: number;
  batchSize: number;
  temperature: number;
}

/**
 * `--skip-malformed` and `--limit` act on the Criteo reader only (line-oriented, possibly huge files); given with any
 * other `--data` they would be silently ignored, so they are refused, naming the flag and the data kind.
 */
function checkCriteoOnlyFlags(flags: CompareFlags): void {
  if (flags.data.startsWith('criteo:')) return;
  const kind = ['synthetic', 'obd', 'bank'].includes(flags.data) ? flags.data : `table file ${flags.data}`;
  for (const [flag, given] of [
    ['--skip-malformed', flags.skipMalformed === true],
    ['--limit', flags.limit !== undefined],
  ] as const) {
    if (given) throw new ConfigError(flag, `applies only to --data criteo:FILE, not to --data ${kind}; remove it (other loaders stop at the first bad row and read every row)`);
  }
}

function dataSource(flags: CompareFlags): DataSource {
  checkCriteoOnlyFlags(flags);
  switch (flags.data) {
    case 'synthetic':
      return { kind: 'synthetic', generator: flags.generator, auctions: flags.auctions, candidates: flags.candidates };
    case 'obd':
      return { kind: 'obd', campaign: flags.campaign, candidates: flags.candidates };
    case 'bank':
      return { kind: 'bank', candidates: flags.candidates };
    default:
      if (flags.data.startsWith('criteo:')) {
        return {
          kind: 'criteo',
          path: flags.data.slice('criteo:'.length),
          candidates: flags.candidates,
          skipMalformed: flags.skipMalformed === true,
          ...(flags.limit === undefined ? {} : { limit: flags.limit }),
        };
      }
      return { kind: 'file', path: flags.data, columns: flags.columns ?? '', candidates: flags.candidates };
  }
}

function compareSettings(flags: CompareFlags): CtrSettings {
  return {
    data: dataSource(flags),
    dataSeed: flags.seed,
    model: { kind: flags.model },
    optimizer: flags.optimizer,
    learningRate: flags.lr,
    epochs: flags.epochs,
    batchSize: flags.batchSize,
    temperature: flags.temperature,
    teacherMix: flags.teacherMix,
    teacher: flags.teacher === undefined ? { kind: 'model', model: { kind: flags.teacherModel }, epochs: flags.epochs } : { kind: 'onnx', path: flags.teacher },
  };
}

const compare = program
  .command('compare')
  .description('Train CTR models with each loss on the same auctions and compare welfare, revenue and calibration on held-out auctions.')
  .option(
    '--data <source>',
    'synthetic, obd (Open Bandit, random policy), bank (UCI Bank Marketing), criteo:FILE (Criteo Display Advertising format, .txt or .txt.gz) or a table file (.arrow, .parquet, .csv)',
    'synthetic',
  )
  .option('--columns <mapping.json>', 'column mapping of a table file: { label, bid?, auction?, numeric, categorical, trueCtr? }')
  .option('--skip-malformed', 'criteo only (refused with other --data): skip (and count) malformed lines instead of stopping at the first')
  .option('--limit <rows>', 'criteo only (refused with other --data): read at most this many well-formed rows', integer(1))
  .addOption(new Option('--generator <name>', 'synthetic generator (papers-ctr.md, Pilot)').choices(['A', 'B']).default('A'))
  .option('--auctions <n>', 'synthetic: training (and test) auctions', integer(10), 20_000)
  .option('--candidates <n>', 'candidates per auction (synthetic; grouping size of obd, bank and tables without an auction column)', integer(2), 10)
  .addOption(new Option('--campaign <name>', 'obd: campaign').choices(['men', 'women']).default('men'))
  .option('--losses <list>', `comma-separated: ${OBJECTIVES.join(', ')}`, objectives, ['logloss', 'welfare', 'welfare-teacher', 'combined'])
  .option('--lambdas <list>', 'λ values of the combined loss (weight of logloss)', lambdas, [0.5])
  .option('--model <kind>', `model: ${CTR_MODEL_KINDS.join(', ')}`, modelKind, 'logistic')
  .option('--teacher-model <kind>', 'welfare-teacher: model kind of the teacher trained with logloss on the same data', modelKind, 'dnn')
  .option('--teacher <model.onnx>', 'welfare-teacher: an exported model (onnxruntime-node) instead of training a teacher')
  .option('--teacher-mix <a>', 'welfare-teacher: outcome = (1 − a)·click + a·teacher CTR', unit, 1)
  .addOption(new Option('--optimizer <name>', 'optimiser').choices(['adam', 'momo']).default('adam'))
  .option('--lr <rate>', 'learning rate (MoMo: the step-size cap, 1 recommended)', positive, 0.02)
  .option('--epochs <n>', 'training epochs', integer(1), 40)
  .option('--batch-size <n>', 'auctions per batch', integer(1), 512)
  .option('--temperature <tau>', 'τ of the welfare rank loss, in units of the batch mean bid', positive, 0.05);
addComparisonOptions(compare, { seed: 1, seeds: 3, seedsHelp: 'repetitions (training seeds derived from --seed, which also seeds the data and splits)' }).action(
  async (flags: CompareFlags) => {
    // tfjs, the training code and the report renderer load here, not at the top (see the imports).
    const [{ initBackend, resolveBackendRequest }, { compareObjectives }, { formatNumber }] = await Promise.all([
      import('@counterweight/runtime'),
      import('./experiment/compare.js'),
      import('@counterweight/reports'),
    ]);
    await initBackend(resolveBackendRequest(flags.backend));
    const result = await compareObjectives({
      settings: compareSettings(flags),
      objectives: flags.losses,
      lambdas: flags.lambdas,
      seeds: flags.seeds,
      jobs: flags.jobs,
      out: flags.out,
      quiet: flags.quiet === true,
    });
    for (const s of result.summaries) {
      const mean = (metric: string): string => formatNumber(s.metrics[metric]?.mean ?? Number.NaN, 4);
      process.stdout.write(
        `${s.method.padEnd(20)} welfare ${mean('welfareRatio')}  logloss ${mean('logloss')} (recalibrated ${mean('recalibratedLogloss')})  AUC ${mean('auc')}\n`,
      );
    }
    process.stdout.write(`report: ${join(result.out.dir, result.files.markdown)}\n`);
  },
);

program
  .command('fetch')
  .description(
    'Get the full Open Bandit sample and UCI Bank Marketing from their canonical sources (checksums verified) into --dir, ' +
      'where compare finds them; without a network, verify the shared copies and use them in place.',
  )
  .option('--dir <dir>', 'where downloads go (compare reads from here first)', defaultCtrFetchDir())
  .option('--offline', 'do not try the network')
  .option('--json', 'one JSON object per file instead of the table')
  .addOption(quietOption())
  .action(async (flags: { dir: string; offline?: boolean; json?: boolean; quiet?: boolean }) => {
    const files = await fetchCtrData({ dir: flags.dir, offline: flags.offline === true, quiet: flags.quiet === true });
    for (const f of files) {
      if (flags.json === true) process.stdout.write(`${JSON.stringify(f)}\n`);
      else process.stdout.write(`${f.source.padEnd(8)} ${f.name}${f.path === undefined ? `  (${f.failures.at(-1) ?? 'unavailable'})` : `  → ${f.path}`}\n`);
    }
    const missing = files.filter((f) => f.source === 'missing').length;
    if (flags.json !== true) process.stdout.write(`${files.length - missing} of ${files.length} files available and verified${missing > 0 ? `; ${missing} missing` : ''}\n`);
  });

addExportCommand(program, {
  description: 'Write the trained model of a compare run (DIR = <out>/runs/<method>/seed-<r>) as ONNX, with its feature spec in the metadata.',
  exportRun: async (run, out) => {
    // The model and ONNX code (tfjs) loads here, not at the top.
    const { exportRun } = await import('./experiment/export-run.js');
    const result = await exportRun(run, out);
    return { ...result, method: result.objective };
  },
});

program
  .command('serve')
  .description('HTTP service: POST /rank scores candidate ads with onnxruntime-node and returns them ranked by eCPM; GET /health.')
  .requiredOption('--model <model.onnx>', 'model written by `ctr-ranking export`')
  .option('--port <n>', 'TCP port, 0–65535 (0: any free port)', port, 8080)
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('--body-limit <bytes>', 'largest accepted request body', integer(1), DEFAULT_BODY_LIMIT)
  .option('--request-timeout <ms>', 'time a client has to send a whole request (headers and body); slower ones get 408 and are disconnected', integer(1), DEFAULT_REQUEST_TIMEOUT_MS)
  .option('--headers-timeout <ms>', 'time a client has to send the request headers (at most --request-timeout)', integer(1))
  .option('--keep-alive-timeout <ms>', 'how long an idle keep-alive connection stays open', integer(1), DEFAULT_KEEP_ALIVE_TIMEOUT_MS)
  .action(
    async (flags: { model: string; port: number; host: string; bodyLimit: number; requestTimeout: number; headersTimeout?: number; keepAliveTimeout: number }) => {
      // fastify and onnxruntime-node load here, not at the top.
      const { startServer } = await import('./serve/server.js');
      const server = await startServer({
        modelPath: flags.model,
        port: flags.port,
        host: flags.host,
        bodyLimit: flags.bodyLimit,
        requestTimeoutMs: flags.requestTimeout,
        headersTimeoutMs: flags.headersTimeout ?? Math.min(DEFAULT_HEADERS_TIMEOUT_MS, flags.requestTimeout),
        keepAliveTimeoutMs: flags.keepAliveTimeout,
      });
      process.stdout.write(`ctr-ranking serving ${flags.model} at ${server.url}\n`);
    },
  );

await runProgram(program);
