#!/usr/bin/env node
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { formatNumber } from '@counterweight/reports';
import { initBackend, resolveBackendRequest } from '@counterweight/runtime';
import { integerArgument as integer, parsedListArgument, positiveNumberArgument as positive, unitIntervalArgument as unit } from '@counterweight/runtime/cli';
import { Command, InvalidArgumentError, Option } from 'commander';

import { defaultCtrFetchDir, fetchCtrData } from './data/fetch.js';
import type { ObdCampaign } from './data/open-bandit.js';
import { compareObjectives, type TeacherSource } from './experiment/compare.js';
import { exportRun } from './experiment/export-run.js';
import { checkObjective, OBJECTIVES, type ObjectiveName } from './experiment/objectives.js';
import { prepareData, type DataSource } from './experiment/prepare-data.js';
import type { OptimizerName } from './experiment/run-one.js';
import { CTR_MODEL_KINDS, type CtrModelConfig, type CtrModelKind } from './models/index.js';
import { loadCtrOnnx } from './onnx/index.js';
import { DEFAULT_BODY_LIMIT, startServer } from './serve/index.js';

const objectives = parsedListArgument(checkObjective);
const lambdas = parsedListArgument(unit);

function modelKind(value: string): CtrModelKind {
  if (!(CTR_MODEL_KINDS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${CTR_MODEL_KINDS.join(', ')}, got "${value}"`);
  return value as CtrModelKind;
}

const backendOption = new Option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (default: $COUNTERWEIGHT_BACKEND or auto)');
const quietOption = new Option('--quiet', 'no progress bars').env('COUNTERWEIGHT_QUIET');

const program = new Command()
  .name('ctr-ranking')
  .description('CTR models for ad auctions: the welfare-weighted rank loss against logloss — welfare, calibration, serving.')
  .showHelpAfterError();

interface CompareFlags {
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
  seed: number;
  seeds: number;
  jobs: number;
  out: string;
  backend?: string;
  quiet?: boolean;
}

function dataSource(flags: CompareFlags): DataSource {
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

async function teacherSource(flags: CompareFlags): Promise<TeacherSource> {
  if (flags.teacher === undefined) return { kind: 'model', model: { kind: flags.teacherModel }, epochs: flags.epochs };
  const onnx = await loadCtrOnnx(flags.teacher);
  return {
    kind: 'scores',
    describe: `ONNX ${flags.teacher}`,
    score: async (set) => {
      const scores = await onnx.score(set.numeric, set.categorical, set.auctions * set.slots);
      return Float32Array.from(scores.probability, (p, k) => ((set.mask[k] ?? 0) > 0 ? p : 0));
    },
  };
}

program
  .command('compare')
  .description('Train CTR models with each loss on the same auctions and compare welfare, revenue and calibration on held-out auctions.')
  .option(
    '--data <source>',
    'synthetic, obd (Open Bandit, random policy), bank (UCI Bank Marketing), criteo:FILE (Criteo Display Advertising format, .txt or .txt.gz) or a table file (.arrow, .parquet, .csv)',
    'synthetic',
  )
  .option('--columns <mapping.json>', 'column mapping of a table file: { label, bid?, auction?, numeric, categorical, trueCtr? }')
  .option('--skip-malformed', 'criteo: skip (and count) malformed lines instead of stopping at the first')
  .option('--limit <rows>', 'criteo: read at most this many well-formed rows', integer(1))
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
  .option('--temperature <tau>', 'τ of the welfare rank loss, in units of the batch mean bid', positive, 0.05)
  .option('--seed <n>', 'base seed of data generation, splits and training', integer(0), 1)
  .option('--seeds <n>', 'repetitions (training seeds derived from --seed)', integer(1), 3)
  .option('--jobs <n>', 'runs trained at the same time, one worker thread each (results do not depend on it)', integer(1), availableParallelism())
  .requiredOption('--out <dir>', 'output directory (an existing one with the same settings is resumed)')
  .addOption(backendOption)
  .addOption(quietOption)
  .action(async (flags: CompareFlags) => {
    await initBackend(resolveBackendRequest(flags.backend));
    const source = dataSource(flags);
    const data = await prepareData(source, flags.seed);
    const model: CtrModelConfig = { kind: flags.model };
    const result = await compareObjectives({
      data,
      dataConfig: data.config,
      objectives: flags.losses,
      lambdas: flags.lambdas,
      model,
      optimizer: flags.optimizer,
      learningRate: flags.lr,
      epochs: flags.epochs,
      batchSize: flags.batchSize,
      temperature: flags.temperature,
      teacherMix: flags.teacherMix,
      teacher: await teacherSource(flags),
      seed: flags.seed,
      seeds: flags.seeds,
      jobs: flags.jobs,
      source,
      out: flags.out,
      quiet: flags.quiet === true,
    });
    const summaries = new Map<string, number[][]>();
    for (const run of result.runs) {
      const name = run.spec.objective === 'combined' ? `combined λ=${run.spec.settings.lambda}` : run.spec.objective;
      summaries.set(name, [...(summaries.get(name) ?? []), [run.test.welfareRatio, run.test.logloss, run.test.recalibrated.logloss, run.test.auc]]);
    }
    for (const [name, rows] of summaries) {
      const mean = (i: number): number => rows.reduce((s, r) => s + (r[i] ?? 0), 0) / rows.length;
      process.stdout.write(
        `${name.padEnd(20)} welfare ${formatNumber(mean(0), 4)}  logloss ${formatNumber(mean(1), 4)} (recalibrated ${formatNumber(mean(2), 4)})  AUC ${formatNumber(mean(3), 4)}\n`,
      );
    }
    process.stdout.write(`report: ${join(result.dir, result.files.markdown)}\n`);
  });

program
  .command('fetch')
  .description(
    'Get the full Open Bandit sample and UCI Bank Marketing from their canonical sources (checksums verified) into --dir, ' +
      'where compare finds them; without a network, verify the shared copies and use them in place.',
  )
  .option('--dir <dir>', 'where downloads go (compare reads from here first)', defaultCtrFetchDir())
  .option('--offline', 'do not try the network')
  .option('--json', 'one JSON object per file instead of the table')
  .addOption(quietOption)
  .action(async (flags: { dir: string; offline?: boolean; json?: boolean; quiet?: boolean }) => {
    const files = await fetchCtrData({ dir: flags.dir, offline: flags.offline === true, quiet: flags.quiet === true });
    for (const f of files) {
      if (flags.json === true) process.stdout.write(`${JSON.stringify(f)}\n`);
      else process.stdout.write(`${f.source.padEnd(8)} ${f.name}${f.path === undefined ? `  (${f.failures.at(-1) ?? 'unavailable'})` : `  → ${f.path}`}\n`);
    }
    const missing = files.filter((f) => f.source === 'missing').length;
    if (flags.json !== true) process.stdout.write(`${files.length - missing} of ${files.length} files available and verified${missing > 0 ? `; ${missing} missing` : ''}\n`);
  });

program
  .command('export')
  .description('Write the trained model of a compare run (DIR = <out>/runs/seed-<r>/<loss>) as ONNX, with its feature spec in the metadata.')
  .requiredOption('--run <dir>', 'run directory')
  .requiredOption('--out <model.onnx>', 'ONNX file to write')
  .addOption(backendOption)
  .action(async (flags: { run: string; out: string; backend?: string }) => {
    await initBackend(resolveBackendRequest(flags.backend), { log: null });
    const result = await exportRun(flags.run, flags.out);
    process.stdout.write(`${result.path}: ${result.objective}, ${result.nodes} nodes, opset ${result.opset}, ${result.bytes} bytes\n`);
  });

program
  .command('serve')
  .description('HTTP service: POST /rank scores candidate ads with onnxruntime-node and returns them ranked by eCPM; GET /health.')
  .requiredOption('--model <model.onnx>', 'model written by `ctr-ranking export`')
  .option('--port <n>', 'TCP port (0: any free port)', integer(0), 8080)
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('--body-limit <bytes>', 'largest accepted request body', integer(1), DEFAULT_BODY_LIMIT)
  .action(async (flags: { model: string; port: number; host: string; bodyLimit: number }) => {
    const server = await startServer({ modelPath: flags.model, port: flags.port, host: flags.host, bodyLimit: flags.bodyLimit });
    process.stdout.write(`ctr-ranking serving ${flags.model} at ${server.url}\n`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`ctr-ranking: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
