import { median } from './median.js';

/** Options of {@link medianCallMilliseconds}. */
export interface MedianCallOptions {
  /** Milliseconds since an arbitrary origin; default `performance.now`. Tests pass a fake clock. */
  readonly now?: () => number;
  /** Upper bound on calls per repetition while calibrating (default 65,536). */
  readonly maxCalls?: number;
}

/**
 * Median milliseconds per call of an async `call`: two warm-up calls (kernel compilation, onnxruntime's first-run
 * allocations), then the number of calls per repetition doubled (1, 2, 4, …) until one repetition lasts
 * `minSeconds` (or reaches `maxCalls`), then `repetitions` timed repetitions of that many calls; the median of their
 * per-call times. Used by the inference benches of the apps.
 */
export async function medianCallMilliseconds(
  call: () => Promise<void>,
  minSeconds: number,
  repetitions: number,
  options: MedianCallOptions = {},
): Promise<number> {
  const now = options.now ?? (() => performance.now());
  const maxCalls = options.maxCalls ?? 1 << 16;
  await call();
  await call();
  let calls = 1;
  for (;;) {
    const start = now();
    for (let i = 0; i < calls; i += 1) await call();
    if ((now() - start) / 1000 >= minSeconds || calls >= maxCalls) break;
    calls *= 2;
  }
  const perCall: number[] = [];
  for (let r = 0; r < repetitions; r += 1) {
    const start = now();
    for (let i = 0; i < calls; i += 1) await call();
    perCall.push((now() - start) / calls);
  }
  return median(perCall);
}
