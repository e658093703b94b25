// The objective names alone, without the objectives' tfjs code: the command line lists and checks them when it
// defines and parses its flags, before any training code loads.

/** Every objective of the app, the baseline `uniform` first. */
export const OBJECTIVE_NAMES = ['uniform', 'linupper', 'quadratic', 'extremes', 'ntl-was', 'ntl-mse', 'z-loss', 'log-partition', 'md4'] as const;
/** One of {@link OBJECTIVE_NAMES}. */
export type ObjectiveName = (typeof OBJECTIVE_NAMES)[number];
