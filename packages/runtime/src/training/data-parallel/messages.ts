import type { BackendName } from '../../backend.js';
import type { DatasetSpec } from '../dataset.js';
import type { ReplicaSpec } from './replica.js';

/** Main thread → worker, once: build the replica on this backend over the shared data set. */
export interface InitMessage {
  readonly kind: 'init';
  readonly backend: BackendName;
  readonly replica: ReplicaSpec;
  readonly dataset: DatasetSpec;
  readonly seed: number;
  readonly worker: number;
}

/** Main thread → worker, every step: current trainable weights (in order) and the rows of this worker's shard. */
export interface StepMessage {
  readonly kind: 'step';
  readonly id: number;
  readonly weights: readonly Float32Array[];
  readonly rows: Int32Array;
}

export type ToWorker = InitMessage | StepMessage | { readonly kind: 'close' };

/** Worker → main thread. */
export type FromWorker =
  | { readonly kind: 'ready'; readonly signature: Array<[string, number[]]> }
  | { readonly kind: 'gradients'; readonly id: number; readonly loss: number; readonly grads: Float32Array[] }
  | { readonly kind: 'error'; readonly id: number | null; readonly message: string };
