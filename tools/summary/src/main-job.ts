import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { appBinPath } from './app-bin.js';
import { buildSummary, type SummaryFiles } from './build-summary.js';
import { DOMAINS, type DomainSpec } from './domains.js';
import { MainJobError } from './main-job-error.js';

/** One comparison of the main job: a domain and the flags of its app's `compare` (without `--out`). */
export interface MainJobStep {
  readonly domain: DomainSpec;
  readonly args: readonly string[];
}

/** The main job of `npm start`: every domain with its {@link DomainSpec.compareArgs}. */
export function defaultPlan(domains: readonly DomainSpec[] = DOMAINS): MainJobStep[] {
  return domains.map((domain) => ({ domain, args: domain.compareArgs }));
}

/** Options of {@link runMainJob}. */
export interface MainJobOptions {
  /** The runs directory; each comparison goes to `<runsDir>/<domain.out>`. */
  readonly runsDir: string;
  /** Where the summary is written (see buildSummary). */
  readonly outDir: string;
  /** The comparisons, in order. Default: {@link defaultPlan} (the four domains with the settings of `npm start`). */
  readonly plan?: readonly MainJobStep[];
  /** Flags added to every compare, e.g. `['--jobs', '1']` or `['--backend', 'wasm']`. Default none. */
  readonly extraArgs?: readonly string[];
  /**
   * `inherit`: the apps print their progress and reports to this process's stdout/stderr (the command line).
   * `capture`: their output is kept and only the last error line is reported on a failure (tests). Default `inherit`.
   */
  readonly output?: 'inherit' | 'capture';
  /** Environment added to every app's (e.g. `COUNTERWEIGHT_QUIET=1`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Receives a line before and after each comparison. Default: none. */
  readonly log?: (line: string) => void;
}

/** What {@link runMainJob} did: per domain its comparison folder and wall seconds, and the summary's files. */
export interface MainJobResult {
  readonly comparisons: ReadonlyArray<{ readonly domain: string; readonly dir: string; readonly seconds: number }>;
  readonly summary: SummaryFiles;
}

/** The last non-empty line of a process's output (its one-line error, by the CLIs' convention). */
function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.trim() ?? '';
}

function runCompare(step: MainJobStep, out: string, options: MainJobOptions): Promise<void> {
  const { domain } = step;
  const bin = appBinPath(domain.app.packageName, domain.app.bin);
  const args = ['compare', ...step.args, ...(options.extraArgs ?? []), '--out', out];
  const capture = options.output === 'capture';
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: { ...process.env, ...options.env },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.stdout?.resume();
    child.on('error', (error) => reject(new MainJobError(domain.id, `${domain.app.bin} compare`, null, null, error.message)));
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new MainJobError(domain.id, `${domain.app.bin} ${args.join(' ')}`, code, signal, capture ? lastLine(stderr) : 'its message is above'));
    });
  });
}

/**
 * The main job: runs each app's `compare` one after the other in its own process (the app's bin, as `npm run <app>`
 * would), each writing its own report folder `<runsDir>/<domain.out>` — a folder that already holds finished runs
 * with the same settings is reused by the app, so a second main job trains nothing — then builds the summary page
 * from them (buildSummary).
 *
 * @throws MainJobError naming the domain, the command and its exit code when a comparison fails (the next ones do
 *   not start, and no summary is written).
 */
export async function runMainJob(options: MainJobOptions): Promise<MainJobResult> {
  const plan = options.plan ?? defaultPlan();
  const comparisons: Array<{ domain: string; dir: string; seconds: number }> = [];
  for (const step of plan) {
    const dir = join(options.runsDir, step.domain.out);
    options.log?.(`${step.domain.id}: ${step.domain.app.bin} compare → ${dir}`);
    const started = performance.now();
    await runCompare(step, dir, options);
    const seconds = (performance.now() - started) / 1000;
    options.log?.(`${step.domain.id}: done in ${seconds.toFixed(1)} s`);
    comparisons.push({ domain: step.domain.id, dir, seconds });
  }
  const summary = await buildSummary({ runsDir: options.runsDir, outDir: options.outDir, domains: plan.map((s) => s.domain) });
  return { comparisons, summary };
}
