import {
  collectProvenance,
  readingAgainstBaseline,
  renderReport,
  runComparison,
  summarizeRuns,
  summaryTable,
  workerModuleBeside,
  type Comparison,
  type ComparisonOptions,
  type MethodSummary,
  type RunDirectory,
  type RunRecord,
} from '@counterweight/experiment';
import { lineChart, markdownTable } from '@counterweight/reports';

import { arithmeticRunner, type ArithmeticData, type ArithmeticRunResult } from './arithmetic-run.js';
import { ARITHMETIC_BASELINE, arithmeticMethods, checkArithmeticSettings, type ArithmeticMethodOptions, type ArithmeticSettings } from './arithmetic-settings.js';
import type { ReportFiles } from './report.js';

/** What {@link compareNumberTokenLoss} compares: the harness's options and the `--ntl` choices. */
export type ArithmeticComparisonOptions = Pick<ComparisonOptions<ArithmeticSettings, ArithmeticMethodOptions, ArithmeticData, ArithmeticRunResult>, 'settings' | 'seed' | 'seeds' | 'out' | 'jobs' | 'quiet' | 'data'> & {
  readonly methods: readonly string[];
};

/** A finished arithmetic comparison, its summaries and where its report went. */
export interface ArithmeticComparison extends Comparison<ArithmeticMethodOptions, ArithmeticData, ArithmeticRunResult> {
  readonly summaries: readonly MethodSummary[];
  readonly files: ReportFiles;
}

type Runs = readonly RunRecord<ArithmeticMethodOptions, ArithmeticRunResult>[];

/** One arithmetic run's metrics by key (MAE and median AE only when some answer held a number). */
export function arithmeticRunMetrics(result: ArithmeticRunResult): Record<string, number> {
  const { meanAbsoluteError: mae, medianAbsoluteError: medianAe } = result.test;
  return {
    exactMatch: result.test.exactMatch,
    ...(mae === null ? {} : { mae }),
    ...(medianAe === null ? {} : { medianAbsoluteError: medianAe }),
    digitAccuracy: result.test.digitAccuracy,
    noNumber: result.test.noNumber,
    validationLoss: result.curve.at(-1)?.validationLoss ?? Number.NaN,
    trainSeconds: result.trainSeconds,
  };
}

/**
 * Summaries over seeds with paired differences against `none`. A metric a method lacks in some seed (MAE when no answer
 * of that seed held a number) is left out of that method's summary rather than averaged over the other seeds.
 */
export function summarizeArithmeticRuns(runs: Runs, methods: readonly string[]): MethodSummary[] {
  const common = new Map<string, Set<string>>();
  for (const run of runs) {
    const keys = Object.keys(arithmeticRunMetrics(run.result));
    const known = common.get(run.method);
    common.set(run.method, known === undefined ? new Set(keys) : new Set(keys.filter((k) => known.has(k))));
  }
  const rows = runs.map((run) => {
    const keep = common.get(run.method) ?? new Set<string>();
    return { ...run, result: Object.fromEntries(Object.entries(arithmeticRunMetrics(run.result)).filter(([k]) => keep.has(k))) };
  });
  return summarizeRuns(rows, { metrics: (m: Record<string, number>) => m, methods: methods.filter((m) => runs.some((r) => r.method === m)), baseline: ARITHMETIC_BASELINE });
}

const COLUMNS = [
  { metric: 'exactMatch', title: 'exact match', digits: 3 },
  { metric: 'mae', title: 'MAE of the answer', digits: 2 },
  { metric: 'medianAbsoluteError', title: 'median AE', digits: 2 },
  { metric: 'digitAccuracy', title: 'digit accuracy', digits: 3 },
  { metric: 'noNumber', title: 'no number', digits: 1 },
  { metric: 'validationLoss', title: 'validation CE (answer tokens)', digits: 4 },
  { metric: 'trainSeconds', title: 'train s', digits: 1 },
];

async function writeArithmeticReport(out: RunDirectory, settings: ArithmeticSettings, seed: number, seeds: readonly number[], data: ArithmeticData, runs: Runs, summaries: readonly MethodSummary[]): Promise<ReportFiles> {
  const provenance = collectProvenance();
  const metrics = await out.writeMetrics({ settings, seed, seeds, data: { problems: { train: data.problems.train.length, validation: data.problems.validation.length, test: data.problems.test.length }, vocabularySize: data.tokenizer.vocabularySize }, provenance, summaries, runs });
  const sums = new Map<string, { method: string; step: number; sum: number; n: number }>();
  for (const run of runs) {
    for (const p of run.result.curve) {
      const key = `${run.method}\u0000${p.step}`;
      const e = sums.get(key) ?? { method: run.method, step: p.step, sum: 0, n: 0 };
      e.sum += p.validationLoss;
      e.n += 1;
      sums.set(key, e);
    }
  }
  const curve = [...sums.values()].map((e) => ({ method: e.method, step: e.step, loss: e.sum / e.n }));
  const title = 'Validation cross-entropy of the answer tokens against steps';
  const subtitle = 'held-out problems, mean over seeds';
  const file = await out.writeChart('arithmetic-loss-by-step', lineChart({ title, subtitle, data: curve, x: 'step', y: 'loss', series: 'method', xTitle: 'step', yTitle: 'cross-entropy (nats/token)', points: false, width: 640 }));
  const charts = [{ caption: `${title} (${subtitle})`, file }];
  const examples = runs.filter((r) => r.repetition === 0);
  const exampleRows = (examples[0]?.result.examples ?? []).map((e, i) => [e.question, e.answer, ...examples.map((r) => r.result.examples[i]?.generated ?? '')]);
  const { problems, model, training } = settings;
  const markdown = renderReport({
    title: 'Arithmetic: cross-entropy with and without the number-token loss',
    settings: [
      `- Problems: ${problems.operation}, ${problems.digits[0]}–${problems.digits[1]}-digit operands; ${data.problems.train.length} training, ${data.problems.validation.length} validation and ${data.problems.test.length} test problems (disjoint, seeded); character tokenizer, every digit a token; loss on the answer tokens only.`,
      `- Model: GPT, ${model.layers} layers, ${model.heads} heads, width ${model.width}, context ${model.context}; ${training.steps} AdamW steps of ${training.batchSize} problems (lr ${training.learningRate} → ${training.minLearningRate}, warm-up ${training.warmupSteps}); NTL λ ${settings.ntlLambda}.`,
      `- Test: greedy answers; the last number of the answer is compared with the true one (exact match; MAE and median absolute error over the answers that hold a number; “no number” counts those that do not). Seeds ${seeds.join(', ')} (from --seed ${seed}).`,
    ],
    results: { caption: `(test problems; mean ± std over ${seeds.length} seed${seeds.length === 1 ? '' : 's'})`, table: summaryTable(summaries, COLUMNS) },
    reading: [
      ...readingAgainstBaseline(summaries, ARITHMETIC_BASELINE, { metric: 'exactMatch', label: 'exact-match accuracy', digits: 3 }),
      '',
      ...readingAgainstBaseline(summaries, ARITHMETIC_BASELINE, { metric: 'mae', label: 'MAE of the parsed answer', digits: 2, higherIsBetter: false }),
    ],
    sections: [
      {
        heading: 'Examples (first seed)',
        lines: [markdownTable(['question', 'answer', ...examples.map((r) => `\`${r.method}\``)], exampleRows)],
      },
    ],
    charts,
    provenance,
  });
  return { markdown: await out.writeMarkdown(markdown), metrics, charts: [file] };
}

/**
 * Trains a GPT on arithmetic problems with plain cross-entropy and with `CE + λ·NTL` (each `--ntl` choice) over the
 * seeds, answers the held-out problems greedily and writes the report (exact match, MAE of the parsed answer).
 * @throws ConfigError for bad settings or choices; RunFailedError.
 */
export async function compareNumberTokenLoss(options: ArithmeticComparisonOptions): Promise<ArithmeticComparison> {
  const methods = arithmeticMethods(options.methods);
  checkArithmeticSettings(options.settings);
  const comparison = await runComparison({
    app: 'llm-reweighting',
    out: options.out,
    settings: options.settings,
    methods,
    seed: options.seed,
    seeds: options.seeds,
    runner: arithmeticRunner,
    workerModule: workerModuleBeside(import.meta.url, 'arithmetic-worker'),
    jobs: options.jobs ?? 1,
    epochsOf: (task) => task.settings.training.steps / task.settings.training.evalEvery,
    ...(options.data === undefined ? {} : { data: options.data }),
    ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
  });
  const summaries = summarizeArithmeticRuns(comparison.runs, methods.map((m) => m.name));
  const files = await writeArithmeticReport(comparison.out, options.settings, options.seed, comparison.seeds, comparison.data, comparison.runs, summaries);
  return { ...comparison, summaries, files };
}
