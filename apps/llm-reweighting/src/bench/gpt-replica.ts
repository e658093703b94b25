import type { Replica } from '@counterweight/runtime';

import { createGpt, type GptConfig } from '../models/index.js';
import { createObjective } from '../objectives/index.js';

/** Options of {@link benchGptReplica} (plain data: they travel to the worker threads by `structuredClone`). */
export interface BenchGptReplicaOptions {
  readonly config: GptConfig;
  readonly seed: number;
}

/**
 * Replica factory for data-parallel training of the bench's GPT (`ReplicaSpec.export = 'benchGptReplica'`, module
 * {@link BENCH_GPT_REPLICA_MODULE}): `createGpt(config, seed)` and the `uniform` objective's plain token cross-entropy.
 * The main thread sends its weights before every step, so the replica's own initialisation does not matter.
 */
export function benchGptReplica(options: BenchGptReplicaOptions): Replica {
  const gpt = createGpt(options.config, options.seed);
  return { model: gpt.model, loss: createObjective('uniform').loss(0) };
}

/** `file:` URL of this module, for a `ReplicaSpec` (the `.ts` source in tests, the compiled `.js` otherwise). */
export const BENCH_GPT_REPLICA_MODULE = import.meta.url;
