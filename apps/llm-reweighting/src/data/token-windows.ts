/** The target id of a position that is not scored (PyTorch's `ignore_index` default). */
export const IGNORED_TARGET = -100;

/**
 * Fixed-length training rows cut from a token stream: row `r` reads `inputs[r·context … (r+1)·context)` and predicts
 * `targets` at the same offsets (the next tokens; `-100` where a position is not scored).
 */
export interface TokenWindows {
  readonly count: number;
  readonly context: number;
  /** `[count · context]` token ids. */
  readonly inputs: Int32Array;
  /** `[count · context]` next-token ids, `-100` for positions that are not scored. */
  readonly targets: Int32Array;
}

/** A corpus turned into token ids and split for training, with what it came from. */
export interface TokenCorpus {
  /** The file it was read from, or `embedded:<name>` for the embedded default. */
  readonly source: string;
  readonly documents: number;
  readonly characters: number;
  readonly bytes: number;
  /** Training stream (documents joined by the end-of-text token when there is more than one). */
  readonly train: Int32Array;
  /** Validation stream. */
  readonly validation: Int32Array;
}
