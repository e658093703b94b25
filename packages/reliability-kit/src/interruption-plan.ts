import { SeededRandom } from '@counterweight/runtime/base';

/** One planned interruption: which signal, and how long after the trigger to send it. */
export interface Interruption {
  readonly signal: 'SIGINT' | 'SIGKILL';
  readonly afterMs: number;
}

/**
 * `count` interruptions at seeded random points: delays drawn uniformly from [minMs, maxMs) and signals alternating
 * SIGINT, SIGKILL, … (the first chosen by the seed). The same seed gives the same plan, so a failure can be replayed.
 */
export function interruptionPlan(seed: number, count: number, minMs: number, maxMs: number): Interruption[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`interruptionPlan: count must be a positive integer, got ${count}`);
  if (!(minMs >= 0 && maxMs > minMs)) throw new RangeError(`interruptionPlan: need 0 <= minMs < maxMs, got ${minMs}, ${maxMs}`);
  const random = SeededRandom.fromSeed(seed, 'interruptions');
  const first = random.int(0, 1);
  return Array.from({ length: count }, (_, i) => ({
    signal: (i + first) % 2 === 0 ? 'SIGINT' : 'SIGKILL',
    afterMs: Math.round(minMs + random.uniform() * (maxMs - minMs)),
  }));
}
