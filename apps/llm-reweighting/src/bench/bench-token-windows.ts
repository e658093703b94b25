import { ConfigError, SeededRandom } from '@counterweight/runtime';

import type { TokenWindows } from '../data/token-windows.js';

/** Options of {@link benchTokenWindows}. */
export interface BenchTokenWindowsOptions {
  readonly vocabularySize: number;
  readonly context: number;
  /** Training rows (sequences). */
  readonly rows: number;
  readonly seed: number;
}

/**
 * Training rows for the benches: `rows` sequences of `context + 1` token ids drawn uniformly from
 * `[0, vocabularySize)` with `SeededRandom.fromSeed(seed, 'bench-tokens')`; row `r` reads the first `context` ids and
 * predicts the next ones (every position scored). A step's time does not depend on the token values, so the benches
 * need no corpus; the same seed gives the same ids.
 * @throws ConfigError naming `vocabularySize`, `context` or `rows` when one is not a positive integer.
 */
export function benchTokenWindows(options: BenchTokenWindowsOptions): TokenWindows {
  const { vocabularySize, context, rows } = options;
  for (const [name, value] of [['vocabularySize', vocabularySize], ['context', context], ['rows', rows]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(name, `must be an integer >= 1, got ${String(value)}`);
  }
  const random = SeededRandom.fromSeed(options.seed, 'bench-tokens');
  const inputs = new Int32Array(rows * context);
  const targets = new Int32Array(rows * context);
  for (let r = 0; r < rows; r += 1) {
    let previous = random.int(0, vocabularySize - 1);
    for (let t = 0; t < context; t += 1) {
      const next = random.int(0, vocabularySize - 1);
      inputs[r * context + t] = previous;
      targets[r * context + t] = next;
      previous = next;
    }
  }
  return { count: rows, context, inputs, targets };
}
