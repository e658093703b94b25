// The names of the training objectives and their check, in a module of their own, free of tfjs: the `compare`
// command lists and parses them (`--losses`) before any training code loads. objectives.ts re-exports them.
import { ConfigError } from '@counterweight/runtime/base';

/**
 * The training objectives `compare` knows:
 *
 * - `logloss` — binary cross-entropy on the clicks of every valid candidate (the baseline);
 * - `pairwise-logistic` — TF-Ranking's RankNet loss on the clicks inside each auction (no bids);
 * - `softmax-listwise` — TF-Ranking's listwise softmax cross-entropy on the clicks inside each auction (no bids);
 * - `welfare` — the welfare-weighted rank loss on clicks (eCPM space, gap weights; core-losses' defaults);
 * - `welfare-log` — the same on log-eCPM differences (the ablation the research note warns about);
 * - `welfare-teacher` — the welfare rank loss with a teacher's CTRs as outcomes (teacher-calibrated form);
 * - `combined` — `λ·logloss + (1 − λ)·welfare` (one run per λ of `--lambdas`).
 */
export const OBJECTIVES = ['logloss', 'pairwise-logistic', 'softmax-listwise', 'welfare', 'welfare-log', 'welfare-teacher', 'combined'] as const;
/** One of {@link OBJECTIVES}. */
export type ObjectiveName = (typeof OBJECTIVES)[number];

/** @throws ConfigError naming `--losses` for an unknown objective. */
export function checkObjective(name: string): ObjectiveName {
  if (!(OBJECTIVES as readonly string[]).includes(name)) {
    throw new ConfigError('--losses', `unknown loss "${name}"; known: ${OBJECTIVES.join(', ')}`);
  }
  return name as ObjectiveName;
}
