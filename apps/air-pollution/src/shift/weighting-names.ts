// Its own module, free of tfjs: the command line lists the weightings in its help before any reweighting code loads.

/** The importance weightings of `shift` (`--weights`). */
export const WEIGHTING_NAMES = ['none', 'classifier', 'kliep', 'dw'] as const;
/** One of {@link WEIGHTING_NAMES}. */
export type WeightingName = (typeof WEIGHTING_NAMES)[number];
