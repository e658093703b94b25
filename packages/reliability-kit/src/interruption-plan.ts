import { SeededRandom } from '@counterweight/runtime/base';

/** One planned interruption: which signal, and how long after the trigger to send it. */
export interface Interruption {
  readonly signal: 'SIGINT' | 'SIGKILL';
  readonly afterMs: number;
  /**
   * This interruption's own trigger: a path the command writes as it progresses (a checkpoint); the signal goes
   * `afterMs` after it exists. Without it, the trigger of {@link runWithInterruptions}'s options applies.
   */
  readonly whenFile?: string;
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

/**
 * `count` interruptions triggered by checkpoints: `count` of `checkpoints` (paths the command writes as it trains, in
 * the order it writes them) drawn without replacement and kept in that order, each with a delay drawn from
 * [0, maxDelayMs) and a signal as in {@link interruptionPlan}. Each interrupted run then gets further than the one
 * before, and the next run's trigger is still ahead of it — so every signal lands inside training, however fast or
 * loaded the machine. Same seed, same plan.
 */
export function checkpointInterruptions(seed: number, count: number, checkpoints: readonly string[], maxDelayMs = 40): Interruption[] {
  if (checkpoints.length < count) throw new RangeError(`checkpointInterruptions: need at least count (${count}) checkpoints, got ${checkpoints.length}`);
  const chosen = [...SeededRandom.fromSeed(seed, 'checkpoints').permutation(checkpoints.length).slice(0, count)].sort((x, y) => x - y);
  return interruptionPlan(seed, count, 0, maxDelayMs).map((interruption, i) => ({ ...interruption, whenFile: checkpoints[chosen[i] as number] as string }));
}
