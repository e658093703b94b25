import { collectProvenance, readingAgainstBaseline, renderReport, summaryTable, type MethodSummary, type RunDirectory, type RunRecord } from '@counterweight/experiment';
import { formatNumber, markdownTable } from '@counterweight/reports';

import { BASELINE_METHOD, type LmMethodOptions } from './methods.js';
import type { LmData } from './prepare-data.js';
import { writeLmCharts } from './report-charts.js';
import { headlineColumns, stepsToBaseline } from './report-metrics.js';
import type { LmRunResult } from './run-one.js';
import { warmupInSteps, type LmSettings } from './settings.js';

export { headlineColumns, lmRunMetrics, stepsToBaseline, summarizeLmRuns, type HeadlineColumn, type StepsToBaseline } from './report-metrics.js';

/** Files a comparison report consists of, relative to the output directory. */
export interface ReportFiles {
  readonly markdown: string;
  readonly metrics: string;
  readonly charts: readonly string[];
}

/** What {@link writeLmReport} needs. */
export interface LmReportInput {
  readonly settings: LmSettings;
  readonly seed: number;
  readonly data: LmData;
  readonly runs: readonly RunRecord<LmMethodOptions, LmRunResult>[];
  readonly summaries: readonly MethodSummary[];
  readonly seeds: readonly number[];
}

type Section = { heading: string; lines: string[] };

/** Steps each method needed to reach `uniform`'s final estimate, per seed. */
function stepsSection(input: LmReportInput): Section | undefined {
  const steps = stepsToBaseline(input.runs.filter((r) => r.result.objective !== 'md4'));
  if (steps.length === 0) return undefined;
  const methods = [...new Set(steps.map((s) => s.method))];
  const reps = [...new Set(steps.map((s) => s.repetition))].sort((a, b) => a - b);
  const total = input.settings.training.steps;
  const rows = methods.map((method) => {
    const own = reps.map((r) => steps.find((s) => s.method === method && s.repetition === r));
    const reached = own.flatMap((s) => (s?.steps === null || s === undefined ? [] : [s.steps]));
    const mean = reached.length === 0 ? '—' : formatNumber(reached.reduce((a, b) => a + b, 0) / reached.length, 0);
    return [`\`${method}\``, ...own.map((s) => (s === undefined ? '' : s.steps === null ? `not in ${total}` : String(s.steps))), `${reached.length}/${reps.length}`, mean];
  });
  return {
    heading: 'Steps to the plain baseline’s final loss',
    lines: [
      `First validation estimate (every ${input.settings.training.evalEvery} steps) at or below \`${BASELINE_METHOD}\`’s last estimate with the same seed; “not in ${total}” = never within the run.`,
      '',
      markdownTable(['method', ...reps.map((r) => `seed ${r + 1}`), 'reached', 'mean steps (reached)'], rows, { align: ['left', ...reps.map(() => 'right' as const), 'right', 'right'] }),
    ],
  };
}

/** Greedy and sampled text of the first seed's model of every method (md4: ancestral sampling after the prompt). */
function samplesSection(input: LmReportInput): Section | undefined {
  const runs = input.runs.filter((r) => r.repetition === 0 && r.result.samples !== null);
  if (runs.length === 0) return undefined;
  const fence = (text: string): string[] => ['```text', ...text.replaceAll('```', "'''").split('\n'), '```'];
  return {
    heading: 'Samples',
    lines: runs.flatMap((r) => {
      const s = r.result.samples;
      if (s === null) return [];
      const how = s.md4Steps === undefined ? '' : `, masked diffusion: the positions after the prompt unmasked over ${s.md4Steps} reverse steps`;
      const greedy = s.md4Steps === undefined ? 'greedy' : 'most likely token at each unmasking';
      return [`**\`${r.method}\`** (first seed${how}), ${greedy}:`, '', ...fence(s.prompt + s.greedy), '', `temperature ${s.temperature}:`, '', ...fence(s.prompt + s.sampled), ''];
    }),
  };
}

/**
 * Writes `metrics.json` (settings, summaries, every run with its curve), the charts and `report.md`: settings, the
 * summary table, paired differences against `uniform`, the steps to uniform's final loss, samples, charts, provenance.
 */
export async function writeLmReport(out: RunDirectory, input: LmReportInput): Promise<ReportFiles> {
  const { settings, data, summaries } = input;
  const provenance = collectProvenance();
  const unit = data.unit;
  const corpus = data.loaded;
  const metrics = await out.writeMetrics({
    settings,
    seed: input.seed,
    seeds: input.seeds,
    data: { source: data.corpus.source, documents: data.corpus.documents, characters: data.corpus.characters, tokenizer: data.tokenizer.kind, vocabularySize: data.tokenizer.vocabularySize, trainTokens: data.corpus.train.length, validationTokens: data.corpus.validation.length },
    provenance,
    summaries,
    runs: input.runs,
  });
  const charts = await writeLmCharts(out, input.runs);
  const columns = headlineColumns(unit).filter((c) => summaries.some((s) => s.metrics[c.metric] !== undefined));
  const { model, training } = settings;
  const warmup = warmupInSteps(settings);
  const reading = [
    ...readingAgainstBaseline(summaries, BASELINE_METHOD, { metric: 'validationLoss', label: 'validation loss on the full split (nats/token)', digits: 4, higherIsBetter: false }),
    '',
    ...readingAgainstBaseline(summaries, BASELINE_METHOD, { metric: 'bestEstimateLoss', label: 'best validation estimate (nats/token)', digits: 4, higherIsBetter: false }),
  ];
  const sections = [stepsSection(input), samplesSection(input)].filter((s): s is Section => s !== undefined);
  const markdown = renderReport({
    title: 'Language models: loss-based sample reweighting and auxiliary losses against plain cross-entropy',
    settings: [
      `- Corpus: ${data.corpus.source}; ${data.corpus.documents} document${data.corpus.documents === 1 ? '' : 's'}, ${data.corpus.characters} characters; ${data.tokenizer.kind === 'char' ? 'character' : 'byte-level BPE'} tokenizer, vocabulary ${data.tokenizer.vocabularySize}; train ${data.corpus.train.length} tokens (first ${formatNumber(100 * settings.corpus.trainFraction, 0)} %), validation ${data.corpus.validation.length} tokens.`,
      `- Model: GPT, ${model.layers} layers, ${model.heads} heads, width ${model.width}, context ${model.context}, tied output embedding (masked diffusion: the same model without the causal mask).`,
      `- Training: ${training.steps} AdamW steps of ${training.batchSize} random windows (lr ${training.learningRate} → ${training.minLearningRate}, ${training.warmupSteps} warm-up steps then cosine; β ${training.beta1}/${training.beta2}; weight decay ${training.weightDecay} on matrices; clip ${training.clip}); validation estimate every ${training.evalEvery} steps on ${training.evalWindows} fixed windows.`,
      `- Reweighting: plain averaging for the first ${warmup} steps, then softmax(f(h(l))/r) over the batch's per-sequence losses (r ${settings.objectives.temperature === null ? 'per strategy: 1 for quadratic, 0.4 for linupper and extremes' : String(settings.objectives.temperature)}); NTL λ ${settings.objectives.ntlLambda}.`,
      `- Seeds: ${input.seeds.length} repetitions (seeds ${input.seeds.join(', ')}, derived from --seed ${input.seed}): initialisation and training windows; the validation windows are fixed. Bits per ${unit} = bits per token × tokens per ${unit} of the validation text (${formatNumber(1 / data.unitsPerToken, 4)} tokens per ${unit}).`,
      ...(corpus.note === undefined ? [] : [`- ${corpus.note}`]),
    ],
    results: { caption: `(validation; mean ± std over ${input.seeds.length} seed${input.seeds.length === 1 ? '' : 's'}; masked diffusion's loss is its ELBO bound)`, table: summaryTable(summaries, columns) },
    reading,
    sections,
    charts,
    provenance,
  });
  return { markdown: await out.writeMarkdown(markdown), metrics, charts: charts.map((c) => c.file) };
}
