import { cnnWorkload } from './cnn.js';
import { ctrWorkload } from './ctr.js';
import { gptWorkload } from './gpt.js';
import { mlpWorkload } from './mlp.js';
import type { WorkloadFactory, WorkloadName } from './workload.js';

/**
 * The four benchmark workloads of issue 3 by name, each `(options: { seed, batchSize?, batches? }) => Workload`
 * with the benchmark shapes (for reduced test shapes call the factories with their own options).
 */
export const WORKLOADS: Readonly<Record<WorkloadName, WorkloadFactory>> = {
  mlp: mlpWorkload,
  cnn: cnnWorkload,
  gpt: gptWorkload,
  ctr: ctrWorkload,
};
