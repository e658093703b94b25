/** The domains on the summary page, one per app, in page order. */
export type DomainId = 'vision' | 'ctr' | 'air' | 'llm';

/** A metric of an app's summaries as the summary page shows it. */
export interface SummaryMetric {
  /** The key in the app's `metrics.json` summaries (`summaries[i].metrics[key]`). */
  readonly key: string;
  /** How the metric is called in the table and in prose, e.g. `tail-class accuracy`. */
  readonly label: string;
  /** A short name under the chart's bars, e.g. `tail classes`. */
  readonly chartLabel: string;
  /** Multiply values by this before printing (100 for accuracies shown in %). */
  readonly scale: number;
  /** Decimals printed. */
  readonly digits: number;
  /** Unit of a printed value, e.g. `%`, `µg/m³`; empty for a ratio. */
  readonly unit: string;
  /** Unit of a printed difference, e.g. `pp` for percentages. */
  readonly differenceUnit: string;
  readonly higherIsBetter: boolean;
}

/** One domain: which app's comparison it reads, how the main job runs it, and what the page shows of it. */
export interface DomainSpec {
  readonly id: DomainId;
  /** Section heading. */
  readonly title: string;
  /** One line: what is trained and what is compared (no settings that a smaller run would change). */
  readonly description: string;
  /** The app's npm package and the bin that runs its comparison (`<bin> compare …`). */
  readonly app: { readonly packageName: string; readonly bin: string };
  /** The comparison's folder, relative to the runs directory (the `--out` of the app's compare). */
  readonly out: string;
  /** The main job's flags of `<bin> compare` (without `--out`): the settings `npm start` runs. */
  readonly compareArgs: readonly string[];
  /** The plain baseline every paired difference in the app's summaries is against. */
  readonly baseline: string;
  /** Methods that are baselines of another kind (no training objective), shown but not read as objectives. */
  readonly references: readonly string[];
  /** The metrics of the table; the first is the one the reading sentence is about. */
  readonly metrics: readonly SummaryMetric[];
  /**
   * The chart: `differences` draws every method's paired difference from the baseline with its 95 % interval for the
   * metrics sharing the first metric's unit; `curves` draws the validation loss against steps (runs with a `curve`).
   */
  readonly chart: 'differences' | 'curves';
}

/**
 * The four domains of the main job, with exactly the settings `npm start` ran before this page existed (about ten
 * minutes on 2 cores in all): imbalanced vision (tail-class accuracy), CTR ranking (exact auction welfare ratio),
 * air pollution (extreme-event error) and LLM reweighting (validation loss at equal steps).
 */
export const DOMAINS: readonly DomainSpec[] = [
  {
    id: 'vision',
    title: 'Imbalanced vision: tail-class accuracy',
    description:
      'A small CNN trained on a long-tailed split of the embedded Fashion-MNIST sample with plain cross-entropy and with imbalance recipes (re-weighted, margin and logit-adjusted losses); accuracy on a balanced test set.',
    app: { packageName: '@counterweight/imbalanced-vision', bin: 'imbalanced-vision' },
    out: 'imbalanced-vision/embedded-sample',
    compareArgs: ['--imbalance-ratio', '10', '--epochs', '15', '--seeds', '2', '--recipes', 'ce,cb-focal,ldam-drw,la-loss,la-posthoc,vs,wb-two-stage'],
    baseline: 'ce',
    references: [],
    metrics: [
      { key: 'group.tail', chartLabel: 'tail classes', label: 'tail-class accuracy', scale: 100, digits: 1, unit: '%', differenceUnit: 'pp', higherIsBetter: true },
      { key: 'balancedAccuracy', chartLabel: 'all classes (balanced)', label: 'balanced accuracy', scale: 100, digits: 1, unit: '%', differenceUnit: 'pp', higherIsBetter: true },
    ],
    chart: 'differences',
  },
  {
    id: 'ctr',
    title: 'CTR ranking: auction welfare',
    description:
      'A linear CTR model trained on synthetic auctions with known click probabilities with logloss and with welfare-weighted objectives (the welfare rank loss, its teacher-calibrated form, the combined loss); exact welfare ratio of the auctions it ranks.',
    app: { packageName: '@counterweight/ctr-ranking', bin: 'ctr-ranking' },
    out: 'ctr-ranking/synthetic',
    compareArgs: ['--auctions', '10000', '--epochs', '20', '--batch-size', '256', '--seeds', '2', '--losses', 'logloss,welfare,welfare-teacher,combined', '--lambdas', '0.1,0.5'],
    baseline: 'logloss',
    references: [],
    metrics: [
      { key: 'welfareRatio', chartLabel: 'welfare ratio', label: 'welfare ratio', scale: 1, digits: 4, unit: '', differenceUnit: '', higherIsBetter: true },
      { key: 'logloss', chartLabel: 'logloss', label: 'logloss', scale: 1, digits: 4, unit: 'nats', differenceUnit: 'nats', higherIsBetter: false },
    ],
    chart: 'differences',
  },
  {
    id: 'air',
    title: 'Air pollution: error on the extremes',
    description:
      'An MLP forecaster of the embedded three-station Beijing sample (24 h of history → 1, 6 and 24 h ahead) trained with plain MAE and with frequency-weighted, multi-task-weighted, imbalanced-regression, classification-aided and quantile objectives, against persistence and seasonal-naive; PM2.5 error on the test targets above the smog thresholds.',
    app: { packageName: '@counterweight/air-pollution', bin: 'air-pollution' },
    out: 'air-pollution/embedded-sample',
    compareArgs: ['--stride', '6', '--epochs', '6', '--seeds', '2'],
    baseline: 'mae',
    references: ['persistence', 'seasonal-naive'],
    metrics: [
      { key: 'extremeMae150.PM2.5', chartLabel: 'targets ≥ 150', label: 'MAE on targets ≥ 150 µg/m³', scale: 1, digits: 2, unit: 'µg/m³', differenceUnit: 'µg/m³', higherIsBetter: false },
      { key: 'extremeMae75.PM2.5', chartLabel: 'targets ≥ 75', label: 'MAE on targets ≥ 75 µg/m³', scale: 1, digits: 2, unit: 'µg/m³', differenceUnit: 'µg/m³', higherIsBetter: false },
    ],
    chart: 'differences',
  },
  {
    id: 'llm',
    title: 'LLM reweighting: validation loss at equal steps',
    description:
      'A small GPT pretrained on the embedded TinyShakespeare characters with plain cross-entropy (uniform) and with loss-based sample reweighting, every method for the same number of steps; loss on the full validation split.',
    app: { packageName: '@counterweight/llm-reweighting', bin: 'llm-reweighting' },
    out: 'llm-reweighting/embedded-sample',
    compareArgs: ['--layers', '2', '--width', '64', '--steps', '300', '--eval-every', '50', '--reweighting-warmup', '100', '--seeds', '2', '--strategies', 'uniform,linupper'],
    baseline: 'uniform',
    references: [],
    metrics: [{ key: 'validationLoss', chartLabel: 'validation loss', label: 'validation loss', scale: 1, digits: 4, unit: 'nats/char', differenceUnit: 'nats/char', higherIsBetter: false }],
    chart: 'curves',
  },
];

/**
 * The domains named in `ids` (e.g. `['ctr', 'llm']`), in page order.
 * @throws RangeError naming an unknown id and the known ones.
 */
export function selectDomains(ids: readonly string[], domains: readonly DomainSpec[] = DOMAINS): DomainSpec[] {
  const unknown = ids.filter((id) => !domains.some((d) => d.id === id));
  if (unknown.length > 0) throw new RangeError(`unknown domain ${unknown.join(', ')} (known: ${domains.map((d) => d.id).join(', ')})`);
  return domains.filter((d) => ids.includes(d.id));
}
