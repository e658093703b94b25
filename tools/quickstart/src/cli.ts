#!/usr/bin/env node
import { ConfigError, initBackend, resolveBackendRequest } from '@counterweight/runtime';
import { integerArgument as integer, positiveNumberArgument as positive } from '@counterweight/experiment/cli';
import { Command, InvalidArgumentError, Option } from 'commander';

import { RECIPE_NAMES, parseRecipes } from './recipes.js';
import { runQuickstart } from './run.js';

function recipes(value: string): ReturnType<typeof parseRecipes> {
  try {
    return parseRecipes(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message.replace(/^--recipes: /, '') : String(error));
  }
}

const program = new Command()
  .name('counterweight-quickstart')
  .description(
    'Trains one small MLP with plain cross-entropy and with imbalance-aware losses on the same splits of UCI Bank ' +
      'Marketing (the embedded 4,119-row sample by default) and writes a side-by-side report to runs/quickstart/<run-id>/.',
  )
  .option('--data <file>', 'Bank Marketing CSV(.gz) in the bank-additional layout (default: embedded sample)')
  .option('--recipes <list>', `comma-separated, from ${RECIPE_NAMES.join(', ')}`, recipes, [...RECIPE_NAMES])
  .option('--seeds <n>', 'number of seeds (splits and initialisations)', integer(1), 3)
  .option('--epochs <n>', 'training epochs', integer(1), 15)
  .option('--batch-size <n>', 'batch size', integer(1), 128)
  .option('--lr <x>', 'Adam learning rate', positive, 3e-3)
  .option('--hidden <n>', 'hidden units', integer(1), 32)
  .option('--out <dir>', 'root directory of run reports', 'runs')
  .option('--run-id <id>', 'name of the run directory (default: timestamp)')
  .option('--resume', 'continue the run --run-id from its checkpoints')
  .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (default: $COUNTERWEIGHT_BACKEND or auto)')
  .addOption(new Option('--quiet', 'no progress bars').env('COUNTERWEIGHT_QUIET'))
  .action(async (opts: {
    data?: string;
    recipes: ReturnType<typeof parseRecipes>;
    seeds: number;
    epochs: number;
    batchSize: number;
    lr: number;
    hidden: number;
    out: string;
    runId?: string;
    resume?: boolean;
    backend?: string;
    quiet?: boolean;
  }) => {
    if (opts.resume === true && opts.runId === undefined) throw new ConfigError('--resume', 'needs --run-id of the run to continue');
    await initBackend(resolveBackendRequest(opts.backend));
    const { run, results } = await runQuickstart({
      ...(opts.data === undefined ? {} : { data: opts.data }),
      recipes: opts.recipes,
      seeds: opts.seeds,
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      learningRate: opts.lr,
      hidden: opts.hidden,
      out: opts.out,
      ...(opts.runId === undefined ? {} : { runId: opts.runId }),
      resume: opts.resume === true,
      quiet: opts.quiet === true,
    });
    for (const r of results) {
      process.stdout.write(
        `${r.recipe.padEnd(9)} seed ${r.seed}  logloss ${r.logLoss.toFixed(4)}  AUC ${r.auc.toFixed(4)}  ` +
          `balanced acc ${r.balancedAccuracy.toFixed(4)}  recall ${r.recall.toFixed(4)}\n`,
      );
    }
    process.stdout.write(`report: ${run.path('report.md')}\n`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`counterweight-quickstart: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
