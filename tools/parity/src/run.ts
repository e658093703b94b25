import type { ParityAdapter } from './adapters/adapter.js';
import { ADAPTERS } from './adapters/registry.js';
import { compareValues, type Comparison, type Tolerance } from './compare.js';
import { flatten, readVectorDirectory, type VectorCase, type VectorFile } from './vectors.js';

/**
 * Tolerance policy: `rtol` normally, `rtolExtreme` for cases whose model outputs (inputs named logits, y_pred,
 * pred, predictions or scores) reach |x| ≥ `extremeInput`.
 */
export interface TolerancePolicy {
  readonly rtol: number;
  readonly rtolExtreme: number;
  readonly extremeInput: number;
  /** Absolute floor, scaled by max(1, max |expected|) of each output. */
  readonly atolScale: number;
}

/** 1e-5 relative, 1e-4 for inputs at ±30 (float32 against float64 references). */
export const DEFAULT_POLICY: TolerancePolicy = { rtol: 1e-5, rtolExtreme: 1e-4, extremeInput: 29.5, atolScale: 1e-7 };

export type CaseStatus = 'passed' | 'failed' | 'skipped';

export interface CaseResult {
  readonly file: string;
  readonly loss: string;
  readonly id: string;
  readonly status: CaseStatus;
  readonly comparisons: readonly Comparison[];
  /** Expected keys this adapter does not reproduce (reported, not compared). */
  readonly unchecked: readonly string[];
  /** Why the case was skipped or could not run. */
  readonly reason: string | undefined;
}

export interface ParityReport {
  readonly dir: string;
  readonly cases: readonly CaseResult[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/** Input names that hold model outputs (logits or predictions), whose magnitude decides the tolerance. */
const MODEL_OUTPUT_INPUTS = ['logits', 'y_pred', 'pred', 'predictions', 'scores'];

function maxAbsModelOutput(testCase: VectorCase): number {
  let max = 0;
  for (const name of MODEL_OUTPUT_INPUTS) {
    const value = testCase.inputs[name];
    if (value !== undefined) for (const v of flatten(value, `inputs.${name}`)) max = Math.max(max, Math.abs(v));
  }
  return max;
}

function runCase(file: VectorFile, testCase: VectorCase, adapter: ParityAdapter, policy: TolerancePolicy): CaseResult {
  const base = { file: file.path, loss: file.loss, id: testCase.id };
  let actual: Record<string, number[]>;
  try {
    actual = adapter.run(testCase);
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ...base, status: 'failed', comparisons: [], unchecked: [], reason };
  }
  const rtol = maxAbsModelOutput(testCase) >= policy.extremeInput ? policy.rtolExtreme : policy.rtol;
  const comparisons: Comparison[] = [];
  const unchecked: string[] = [];
  for (const key of Object.keys(testCase.expected)) {
    const produced = actual[key];
    if (produced === undefined) {
      unchecked.push(key);
      continue;
    }
    const expected = flatten(testCase.expected[key] ?? null, `expected.${key}`);
    const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
    const tolerance: Tolerance = { rtol, atol: policy.atolScale * scale };
    comparisons.push(compareValues(key, produced, expected, tolerance));
  }
  if (comparisons.length === 0) {
    return { ...base, status: 'failed', comparisons, unchecked, reason: 'no expected output could be compared' };
  }
  return { ...base, status: comparisons.every((c) => c.passed) ? 'passed' : 'failed', comparisons, unchecked, reason: undefined };
}

/**
 * Runs every vector file in `dir` against the library. Files whose `loss` has no adapter are skipped case by case
 * (never passed); a case whose adapter throws counts as failed with the error as reason.
 */
export async function runParity(
  dir: string,
  options: { readonly policy?: TolerancePolicy; readonly adapters?: ReadonlyMap<string, ParityAdapter> } = {},
): Promise<ParityReport> {
  const policy = options.policy ?? DEFAULT_POLICY;
  const adapters = options.adapters ?? ADAPTERS;
  const files = await readVectorDirectory(dir);
  const cases: CaseResult[] = [];
  for (const file of files) {
    const adapter = adapters.get(file.loss);
    for (const testCase of file.cases) {
      if (adapter === undefined) {
        cases.push({
          file: file.path,
          loss: file.loss,
          id: testCase.id,
          status: 'skipped',
          comparisons: [],
          unchecked: [],
          reason: `no implementation of "${file.loss}" yet`,
        });
      } else {
        cases.push(runCase(file, testCase, adapter, policy));
      }
    }
  }
  const count = (status: CaseStatus): number => cases.filter((c) => c.status === status).length;
  return { dir, cases, passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}

function formatError(value: number): string {
  return value === 0 ? '0' : value.toExponential(1);
}

/** Human-readable lines: one per case (with per-output errors), a line per skipped loss, then the closing line. */
export function formatReport(report: ParityReport): string[] {
  const lines: string[] = [];
  const skippedLosses = new Map<string, number>();
  for (const c of report.cases) {
    if (c.status === 'skipped') {
      skippedLosses.set(c.loss, (skippedLosses.get(c.loss) ?? 0) + 1);
      continue;
    }
    const outputs = c.comparisons
      .map((cmp) => `${cmp.passed ? '' : '✗'}${cmp.key} abs ${formatError(cmp.maxAbsError)} rel ${formatError(cmp.maxRelError)}${cmp.message === undefined ? '' : ` (${cmp.message})`}`)
      .join(' | ');
    const rtol = c.comparisons[0]?.tolerance.rtol;
    const extras = [
      ...(c.reason === undefined ? [] : [c.reason]),
      ...(c.unchecked.length === 0 ? [] : [`not compared: ${c.unchecked.join(', ')}`]),
    ];
    lines.push(
      `${c.status === 'passed' ? 'PASS' : 'FAIL'} ${c.loss}/${c.id}${rtol === undefined ? '' : ` [rtol ${rtol}]`}  ${outputs}${extras.length > 0 ? `  — ${extras.join('; ')}` : ''}`,
    );
  }
  for (const [loss, n] of skippedLosses) lines.push(`SKIP ${loss}: ${n} case(s), not implemented yet`);
  lines.push(`${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`);
  return lines;
}
