#!/usr/bin/env node
import { resolve } from 'node:path';

import { createProgram, integerArgument, isQuiet, listArgument, quietOption, runProgram } from '@counterweight/experiment/cli';
import { InvalidArgumentError } from 'commander';

import { buildSummary } from './build-summary.js';
import { DOMAINS, selectDomains } from './domains.js';
import { defaultPlan, runMainJob } from './main-job.js';

interface SummaryFlags {
  readonly runs: string;
  readonly out: string;
  readonly domains: readonly string[];
  readonly summaryOnly?: boolean;
  readonly jobs?: number;
  readonly backend?: string;
  readonly quiet?: boolean;
}

function domainList(value: string): string[] {
  const ids = listArgument(value);
  try {
    selectDomains(ids);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return ids;
}

const program = createProgram(
  'counterweight-summary',
  "The main job (npm start): runs the four apps' comparisons on their embedded data — imbalanced-vision, ctr-ranking, " +
    'air-pollution, llm-reweighting, with the settings of tools/summary/README.md — each writing its own report under ' +
    '--runs (finished runs are reused, so a second run trains nothing), then writes summary.md and a self-contained ' +
    'summary.html to --out: per domain, the plain baseline against the weighted objectives on the metric that domain ' +
    'cares about, with seeds, 95 % intervals and one sentence of reading.',
)
  .option('--runs <dir>', 'runs directory: each comparison goes to <runs>/<app>/<data>', 'runs')
  .option('--out <dir>', 'where summary.md, summary.html and the charts are written', 'reports')
  .option('--domains <list>', `comma-separated subset of ${DOMAINS.map((d) => d.id).join(', ')}`, domainList, DOMAINS.map((d) => d.id))
  .option('--summary-only', 'build the page from the finished comparisons without running them')
  .option('--jobs <n>', "runs each comparison trains at the same time (default: each app's own)", integerArgument(1))
  .option('--backend <name>', 'tfjs backend of every comparison: auto, tensorflow, wasm or cpu (default: $COUNTERWEIGHT_BACKEND or auto)')
  .addOption(quietOption())
  .action(async (flags: SummaryFlags) => {
    const domains = selectDomains(flags.domains);
    const runsDir = resolve(flags.runs);
    const outDir = resolve(flags.out);
    const quiet = isQuiet(flags.quiet);
    const started = performance.now();
    let files;
    if (flags.summaryOnly === true) {
      files = await buildSummary({ runsDir, outDir, domains });
    } else {
      const extraArgs = [
        ...(flags.jobs === undefined ? [] : ['--jobs', String(flags.jobs)]),
        ...(flags.backend === undefined ? [] : ['--backend', flags.backend]),
        ...(quiet ? ['--quiet'] : []),
      ];
      const log = (line: string): void => void process.stdout.write(`counterweight-summary: ${line}\n`);
      ({ summary: files } = await runMainJob({ runsDir, outDir, plan: defaultPlan(domains), extraArgs, log }));
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    process.stdout.write(`summary: ${files.markdown}\nsummary: ${files.html} (${domains.length} domain${domains.length === 1 ? '' : 's'}, ${seconds} s)\n`);
  });

await runProgram(program);
