#!/usr/bin/env node
import {
  addComparisonOptions,
  addExportCommand,
  createProgram,
  integerArgument as integer,
  isQuiet,
  listArgument as list,
  numberAtLeastArgument,
  quietOption,
  runProgram,
  type ComparisonFlags,
} from '@counterweight/experiment/cli';
import { InvalidArgumentError, Option } from 'commander';

// Only tfjs-free modules at the top: `--help` and flag errors answer without loading tfjs, sharp, onnxruntime or the
// chart renderer (seconds of start-up). The training, data and ONNX code loads inside each action.
import { defaultFetchDir, fetchFashionMnist } from './data/fetch.js';
import { COMPARE_DEFAULTS } from './experiment/compare-defaults.js';
import type { CompareOptions, Task } from './experiment/options.js';
import { RECIPE_NAMES } from './recipes/recipe-names.js';

const ratio = numberAtLeastArgument(1, 'ρ = n_max / n_min');

function classOrder(value: string): 'natural' | 'shuffled' | number[] {
  if (value === 'natural' || value === 'shuffled') return value;
  const ids = list(value).map(Number);
  if (ids.length === 0 || ids.some((id) => !Number.isInteger(id) || id < 0)) {
    throw new InvalidArgumentError(`expected natural, shuffled or a comma-separated list of class ids, got "${value}"`);
  }
  return ids;
}

const recipeHelp = (task: Task): string => RECIPE_NAMES[task].join(', ');

const DEFAULT_SINGLE = ['ce', 'cb-focal', 'ldam-drw', 'la-loss', 'la-posthoc', 'vs', 'wb-two-stage', 'ce-sam'];
const DEFAULT_MULTI = ['bce', 'focal-ml', 'asl'];

const program = createProgram(
  'imbalanced-vision',
  'Long-tailed and multi-label image classification: imbalance-aware recipes against plain cross-entropy on real images.',
);

interface CompareFlags extends ComparisonFlags {
  task: Task;
  dataDir?: string;
  imbalanceRatio: number;
  profile: 'exponential' | 'step';
  recipes?: string[];
  splitSeed: number;
  classOrder?: 'natural' | 'shuffled' | number[];
  epochs: number;
  arch: 'cnn' | 'resnet';
  width?: number;
  nMax?: number;
  testPerClass?: number;
  trainMosaics: number;
  testMosaics: number;
  augmentPadding: number;
  flip: boolean;
  classNames?: string[];
  teacher?: string;
}

const compareCommand = program
  .command('compare')
  .description(
    'Train every recipe with every seed on the same long-tailed split (or multi-label mosaics) and write report.md, ' +
      'metrics.json and charts to --out. Re-running with the same --out resumes: finished runs are kept.',
  )
  .addOption(new Option('--task <task>', 'single-label (long-tailed) or multi-label (2×2 mosaics)').choices(['single-label', 'multi-label']).default(COMPARE_DEFAULTS.task))
  .option('--data-dir <dir>', 'directory of an MNIST-format (IDX) data set (default: the embedded Fashion-MNIST sample)')
  .option('--imbalance-ratio <rho>', 'ρ = n_max / n_min of the long-tail profile (multi-label: of the tile classes)', ratio, COMPARE_DEFAULTS.imbalanceRatio)
  .addOption(new Option('--profile <profile>', 'long-tail profile').choices(['exponential', 'step']).default(COMPARE_DEFAULTS.profile))
  .option('--recipes <list>', `comma-separated; single-label: ${recipeHelp('single-label')}; multi-label: ${recipeHelp('multi-label')}`, list)
  .option('--split-seed <n>', 'seed of the long-tailed split or the mosaics (the same for every run)', integer(0), COMPARE_DEFAULTS.splitSeed)
  .option('--epochs <n>', 'training epochs (schedules, DRW and stage lengths scale with it)', integer(1), COMPARE_DEFAULTS.epochs)
  .addOption(new Option('--arch <arch>', 'backbone').choices(['cnn', 'resnet']).default(COMPARE_DEFAULTS.arch))
  .option('--width <n>', 'backbone base width (default: cnn 32, resnet 16)', integer(1))
  .option('--class-order <order>', 'head-to-tail class order: natural, shuffled (from --split-seed) or a comma-separated list of class ids', classOrder)
  .option('--n-max <n>', 'single-label: images of the head class (default: as many as the data allows)', integer(1))
  .option('--test-per-class <n>', 'single-label: balanced test images per class (default: all the data allows)', integer(1))
  .option('--train-mosaics <n>', 'multi-label: training mosaics', integer(1), COMPARE_DEFAULTS.trainMosaics)
  .option('--test-mosaics <n>', 'multi-label: test mosaics', integer(1), COMPARE_DEFAULTS.testMosaics)
  .option('--augment-padding <n>', 'random-crop padding in pixels (0: no crop)', integer(0), COMPARE_DEFAULTS.augmentPadding)
  .option('--no-flip', 'no random horizontal flips')
  .option('--class-names <list>', 'comma-separated class names (default: Fashion-MNIST’s for its directories, else the ids)', list)
  .option('--teacher <model.onnx>', 'teacher model for distillation recipes');
addComparisonOptions(compareCommand, {
  seed: COMPARE_DEFAULTS.seed,
  seeds: COMPARE_DEFAULTS.seeds,
  seedsHelp: 'repetitions (training seeds --seed, --seed + 1, …)',
})
  .action(async (flags: CompareFlags) => {
    // Loaded here, not at the top: tfjs and the training code are needed only to run the comparison.
    const [{ initBackend, resolveBackendRequest }, { formatNumber }, { compare }, { embeddedSampleDir }] = await Promise.all([
      import('@counterweight/runtime'),
      import('@counterweight/reports'),
      import('./experiment/compare.js'),
      import('./data/sample.js'),
    ]);
    await initBackend(resolveBackendRequest(flags.backend));
    const options: CompareOptions = {
      task: flags.task,
      dataDir: flags.dataDir ?? embeddedSampleDir(),
      ...(flags.classNames === undefined ? {} : { classNames: flags.classNames }),
      imbalanceRatio: flags.imbalanceRatio,
      profile: flags.profile,
      splitSeed: flags.splitSeed,
      ...(flags.classOrder === undefined ? {} : { classOrder: flags.classOrder }),
      ...(flags.nMax === undefined ? {} : { nMax: flags.nMax }),
      ...(flags.testPerClass === undefined ? {} : { testPerClass: flags.testPerClass }),
      trainMosaics: flags.trainMosaics,
      testMosaics: flags.testMosaics,
      arch: flags.arch,
      ...(flags.width === undefined ? {} : { width: flags.width }),
      epochs: flags.epochs,
      augmentPadding: flags.augmentPadding,
      augmentFlip: flags.flip,
      recipes: flags.recipes ?? (flags.task === 'single-label' ? DEFAULT_SINGLE : DEFAULT_MULTI),
      seeds: flags.seeds,
      seed: flags.seed,
      out: flags.out,
      jobs: flags.jobs,
      ...(flags.teacher === undefined ? {} : { teacher: flags.teacher }),
      quiet: isQuiet(flags.quiet),
    };
    const result = await compare(options);
    const key = flags.task === 'single-label' ? 'balancedAccuracy' : 'mAP';
    for (const s of result.summaries) {
      const m = s.metrics[key];
      const groups = Object.entries(s.metrics)
        .filter(([k]) => k.startsWith('group.'))
        .map(([k, v]) => `${k.slice(6)} ${formatNumber(100 * v.mean, 1)}`)
        .join('  ');
      process.stdout.write(`${s.method.padEnd(14)} ${key} ${formatNumber(100 * (m?.mean ?? Number.NaN), 1)} ± ${formatNumber(100 * (m?.std ?? Number.NaN), 1)}  ${groups}\n`);
    }
    process.stdout.write(`report: ${result.dir}/${result.files.markdown} (${result.trained} run(s) trained now, ${result.results.length - result.trained} reused)\n`);
  });

program
  .command('fetch')
  .description('Download Fashion-MNIST from its canonical source (verified by checksum); without a network, use Debian’s copy.')
  .option('--dir <dir>', 'where the files go', defaultFetchDir())
  .option('--timeout <ms>', 'time allowed per file', integer(1), 120_000)
  .addOption(quietOption())
  .action(async (flags: { dir: string; timeout: number; quiet?: boolean }) => {
    const result = await fetchFashionMnist({ dir: flags.dir, timeoutMs: flags.timeout, quiet: isQuiet(flags.quiet) });
    process.stdout.write(`${result.dir} (${result.source})\n`);
  });

addExportCommand(program, {
  description: 'Write the trained model of a compare run (DIR = <out>/runs/<recipe>/seed-<r>) as ONNX; it takes raw 0–255 pixels.',
  exportRun: async (run, out) => {
    // Loaded here, not at the top: the model and the ONNX writer need tfjs.
    const { exportRun } = await import('./experiment/export-run.js');
    const r = await exportRun(run, out);
    return { path: r.path, method: r.recipe, nodes: r.nodes, opset: r.opset, bytes: r.bytes };
  },
});

program
  .command('predict')
  .description('Classify image files (JPEG, PNG, WebP; a folder stands for the images under it) with an exported ONNX model, run by onnxruntime-node.')
  .requiredOption('--model <model.onnx>', 'model written by `imbalanced-vision export`')
  .argument('<images...>', 'image files, or folders (every JPEG, PNG and WebP file under them)')
  .option('--json', 'one JSON object per image with every class probability')
  .option('--skip-unreadable', 'skip (and list) images that cannot be decoded instead of failing')
  .addOption(quietOption())
  .action(async (images: string[], flags: { model: string; json?: boolean; skipUnreadable?: boolean; quiet?: boolean }) => {
    // Loaded here, not at the top: sharp and onnxruntime-node are needed only to classify images.
    const [{ formatNumber }, { predictImages }] = await Promise.all([import('@counterweight/reports'), import('./experiment/predict-images.js')]);
    const result = await predictImages(flags.model, images, { skipUnreadable: flags.skipUnreadable === true, quiet: isQuiet(flags.quiet) });
    for (const p of result.predictions) {
      if (flags.json === true) {
        process.stdout.write(`${JSON.stringify({ path: p.path, labels: p.labels, probabilities: Object.fromEntries(result.classNames.map((c, i) => [c, p.probabilities[i]])) })}\n`);
      } else {
        const shown = result.task === 'single-label' ? `${p.labels[0] ?? ''} (${formatNumber(Math.max(...p.probabilities), 3)})` : p.labels.join(', ') || '(none)';
        process.stdout.write(`${p.path}\t${shown}\n`);
      }
    }
    for (const s of result.skipped) process.stderr.write(`skipped ${s.path}: ${s.reason}\n`);
  });

await runProgram(program);
