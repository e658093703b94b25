import type { MethodSummary, SeedStatistics } from '@counterweight/experiment';

import type { DomainSpec } from './domains.js';
import { favours, formatSigned, formatValue, significantlyBetter, significantlyWorse, withUnit } from './format.js';

function intervalText(d: SeedStatistics, spec: DomainSpec): string {
  const metric = spec.metrics[0];
  if (metric === undefined || d.interval95 === null) return 'one seed: no interval';
  const unit = metric.differenceUnit;
  return `95 % interval ${withUnit(formatSigned(d.interval95.lower, metric), '')} to ${withUnit(formatSigned(d.interval95.upper, metric), unit)}, ${d.n} paired seeds`;
}

/**
 * The one sentence of reading of a domain, computed from the numbers of its first metric: which objective (a method
 * other than the baseline and the reference forecasters) does best against the baseline, by how much, whether that
 * difference's 95 % interval (paired by seed) excludes zero, and how many objectives are better or worse than the
 * baseline with intervals excluding zero (naming up to three better ones). Method names are in backticks.
 */
export function domainReading(spec: DomainSpec, summaries: readonly MethodSummary[]): string {
  const metric = spec.metrics[0];
  if (metric === undefined) return 'This domain shows no metric.';
  const base = summaries.find((s) => s.method === spec.baseline)?.metrics[metric.key];
  const objectives = summaries.flatMap((s) => {
    const d = s.againstBaseline?.[metric.key];
    return s.method === spec.baseline || spec.references.includes(s.method) || d === undefined ? [] : [{ method: s.method, d }];
  });
  const [first, ...others] = objectives;
  if (base === undefined || first === undefined) {
    return `No objective has a paired difference in ${metric.label} against \`${spec.baseline}\` (it is absent or the only method).`;
  }
  const sign = metric.higherIsBetter ? 1 : -1;
  const best = others.reduce((a, b) => (sign * b.d.mean > sign * a.d.mean ? b : a), first);
  const diff = withUnit(formatSigned(best.d.mean, metric), metric.differenceUnit);
  const baseValue = `\`${spec.baseline}\`'s ${withUnit(formatValue(base.mean, metric), metric.unit)}`;
  const better = objectives.filter((o) => significantlyBetter(o.d, metric));
  const worse = objectives.filter((o) => significantlyWorse(o.d, metric)).length;
  const named = better.length > 0 && better.length <= 3 ? ` (${better.map((o) => `\`${o.method}\``).join(', ')})` : '';
  const tally = `objectives better than \`${spec.baseline}\` with an interval excluding zero: ${better.length} of ${objectives.length}${named}${worse > 0 ? `, worse: ${worse}` : ''}`;
  if (!favours(best.d, metric)) {
    return `No objective improves on ${baseValue} ${metric.label}: the closest, \`${best.method}\`, is ${diff} (${intervalText(best.d, spec)}); ${tally}.`;
  }
  if (significantlyBetter(best.d, metric)) {
    return `\`${best.method}\` has the best ${metric.label}, ${diff} against ${baseValue} (${intervalText(best.d, spec)}: the interval excludes zero); ${tally}.`;
  }
  return `\`${best.method}\` has the best mean ${metric.label}, ${diff} against ${baseValue} (${intervalText(best.d, spec)}), but the interval includes zero; ${tally}.`;
}
