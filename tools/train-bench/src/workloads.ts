import { cnnWorkload } from './cnn.js';
import { ctrWorkload } from './ctr.js';
import { gptWorkload, nanogptWorkload } from './gpt.js';
import { mlpWorkload } from './mlp.js';
import type { WorkloadFactory, WorkloadName } from './workload.js';

/**
 * The benchmark workloads by name (the four of issue 3 and issue 18's `nanogpt`), each `(options: { seed, batchSize?, batches? }) => Workload`
 * with the benchmark shapes (for reduced test shapes call the factories with their own options).
 */
export const WORKLOADS: Readonly<Record<WorkloadName, WorkloadFactory>> = {
  mlp: mlpWorkload,
  cnn: cnnWorkload,
  gpt: gptWorkload,
  nanogpt: nanogptWorkload,
  ctr: ctrWorkload,
};
