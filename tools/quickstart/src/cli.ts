#!/usr/bin/env node
import {
  addComparisonOptions,
  createProgram,
  integerArgument as integer,
  isQuiet,
  positiveNumberArgument as positive,
  runProgram,
  type ComparisonFlags,
} from '@counterweight/experiment/cli';
import { ConfigError } from '@counterweight/runtime/base';
import { InvalidArgumentError } from 'commander';

import { RECIPE_NAMES, parseRecipes } from './recipes.js';

function recipes(value: string): ReturnType<typeof parseRecipes> {
  try {
    return parseRecipes(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message.replace(/^--recipes: /, '') : String(error));
  }
}

interface QuickstartFlags extends ComparisonFlags {
  data?: string;
  recipes: ReturnType<typeof parseRecipes>;
  epochs: number;
  batchSize: number;
  lr: number;
  hidden: number;
  runId?: string;
  resume?: boolean;
}

const program = createProgram(
  'counterweight-quickstart',
  'Trains one small MLP with plain cross-entropy and with imbalance-aware losses on the same splits of UCI Bank ' +
    'Marketing (the embedded 4,119-row sample by default) and writes a side-by-side report to runs/quickstart/<run-id>/.',
)
  .option('--data <file>', 'Bank Marketing CSV(.gz) in the bank-additional layout (default: embedded sample)')
  .option('--recipes <list>', `comma-separated, from ${RECIPE_NAMES.join(', ')}`, recipes, [...RECIPE_NAMES])
  .option('--epochs <n>', 'training epochs', integer(1), 15)
  .option('--batch-size <n>', 'batch size', integer(1), 128)
  .option('--lr <x>', 'Adam learning rate', positive, 3e-3)
  .option('--hidden <n>', 'hidden units', integer(1), 32)
  .option('--run-id <id>', 'name of the run directory (default: timestamp); a new run refuses an existing one')
  .option('--resume', 'continue the run --run-id (same settings) from its checkpoints and finished runs');
addComparisonOptions(program, {
  seeds: 3,
  seedsHelp: 'number of seeds --seed, --seed + 1, … (each: its own split and initialisation)',
  jobs: 1,
  out: 'runs',
  outHelp: 'root directory of run reports (the run goes to <out>/quickstart/<run-id>/)',
}).action(async (opts: QuickstartFlags) => {
  if (opts.resume === true && opts.runId === undefined) throw new ConfigError('--resume', 'needs --run-id of the run to continue');
  // tfjs and the training code load here, not at the top: --help and flag errors answer without them.
  const [{ initBackend, resolveBackendRequest }, { runQuickstart }] = await Promise.all([import('@counterweight/runtime'), import('./run.js')]);
  await initBackend(resolveBackendRequest(opts.backend));
  const { run, results } = await runQuickstart({
    ...(opts.data === undefined ? {} : { data: opts.data }),
    recipes: opts.recipes,
    seed: opts.seed,
    seeds: opts.seeds,
    epochs: opts.epochs,
    batchSize: opts.batchSize,
    learningRate: opts.lr,
    hidden: opts.hidden,
    out: opts.out,
    ...(opts.runId === undefined ? {} : { runId: opts.runId }),
    resume: opts.resume === true,
    jobs: opts.jobs,
    quiet: isQuiet(opts.quiet),
  });
  for (const r of results) {
    process.stdout.write(
      `${r.recipe.padEnd(9)} seed ${r.seed}  logloss ${r.logLoss.toFixed(4)}  AUC ${r.auc.toFixed(4)}  ` +
        `balanced acc ${r.balancedAccuracy.toFixed(4)}  recall ${r.recall.toFixed(4)}\n`,
    );
  }
  process.stdout.write(`report: ${run.path('report.md')}\n`);
});

await runProgram(program);
