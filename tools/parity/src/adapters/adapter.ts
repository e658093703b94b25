import type { VectorCase } from '../vectors.js';

/**
 * Maps a vector file's `loss` to the library. `run` computes, for one case, every expected output it can
 * reproduce, keyed like `expected` (e.g. `loss_mean`, `grad`), flattened row-major.
 */
export interface ParityAdapter {
  /** The `loss` name of the vector files this adapter handles. */
  readonly loss: string;
  /** The library function(s) under test, for the report. */
  readonly implementation: string;
  run(testCase: VectorCase): Record<string, number[]>;
}
