/**
 * Defaults of the settings a caller of `compare` may leave out — in a module of their own, free of tfjs, so the
 * command line can show them in its help without loading the training code.
 */
export const COMPARE_DEFAULTS = {
  task: 'single-label',
  imbalanceRatio: 100,
  profile: 'exponential',
  splitSeed: 0,
  trainMosaics: 12_000,
  testMosaics: 2_000,
  arch: 'cnn',
  epochs: 30,
  augmentPadding: 2,
  augmentFlip: true,
  seeds: 3,
  seed: 0,
} as const;
