import type { Replica } from '@counterweight/runtime';

import type { WorkloadName } from './workload.js';
import { WORKLOADS } from './workloads.js';

/** Options of {@link workloadReplica}: which workload, and the batch size its replica computes shards of. */
export interface WorkloadReplicaOptions {
  readonly name: WorkloadName;
  readonly seed: number;
  readonly batchSize?: number;
}

/**
 * Replica factory for data-parallel training of a benchmark workload (`ReplicaSpec.export = 'workloadReplica'`):
 * the workload's model and loss, built with a one-batch data set that the replica never uses.
 */
export function workloadReplica(options: WorkloadReplicaOptions): Replica {
  const workload = WORKLOADS[options.name]({
    seed: options.seed,
    batches: 1,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  });
  return { model: workload.model, loss: workload.loss };
}

/** `file:` URL of this module, for a `ReplicaSpec` (the `.ts` source in tests, the compiled `.js` otherwise). */
export const WORKLOAD_REPLICA_MODULE = import.meta.url;
