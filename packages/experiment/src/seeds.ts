import { ConfigError, deriveSeed } from '@counterweight/runtime';

/**
 * The seed rule of a comparison: the training seed of repetition `repetition` (0, 1, …, `--seeds` − 1) from the
 * base seed `--seed`. Every method of a repetition trains with the same seed, so differences between methods are
 * paired by repetition.
 */
export type SeedRule = (base: number, repetition: number) => number;

/**
 * The harness's default rule: `deriveSeed(base, 'run', repetition)` (runtime's FNV-1a + murmur3 hash), so the seeds of
 * different repetitions are unrelated 32-bit numbers and `--seed 1` shares no repetition with `--seed 0`.
 * ctr-ranking's results are made with it.
 */
export const derivedSeeds: SeedRule = (base, repetition) => deriveSeed(base, 'run', repetition);

/**
 * `base + repetition`: the rule imbalanced-vision and the quickstart were built with (their published numbers use
 * it). Apps that already printed results keep it, so those results reproduce to the digit; new apps take
 * {@link derivedSeeds}.
 */
export const consecutiveSeeds: SeedRule = (base, repetition) => base + repetition;

/**
 * The training seeds of repetitions `0 … count − 1` under `rule`.
 * @throws ConfigError naming `--seed` or `--seeds` when the base is not a safe integer ≥ 0 or the count not ≥ 1.
 */
export function trainingSeeds(base: number, count: number, rule: SeedRule = derivedSeeds): number[] {
  if (!Number.isSafeInteger(base) || base < 0) throw new ConfigError('--seed', `must be an integer >= 0, got ${String(base)}`);
  if (!Number.isSafeInteger(count) || count < 1) throw new ConfigError('--seeds', `must be an integer >= 1, got ${String(count)}`);
  return Array.from({ length: count }, (_, repetition) => rule(base, repetition));
}
