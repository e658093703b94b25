import type { BackendName } from '../../backend.js';
import type { DatasetSpec } from '../dataset.js';
import type { ReplicaSpec } from './replica.js';

/**
 * Main thread → worker, once: build the replica on this backend over the shared data set; `weights` is the shared
 * arena the main thread writes the trainable weights into before every step, `gradients` this worker's own arena for
 * its shard's gradients (both laid out as `SharedArena`s of the trainable variables' sizes, in order).
 */
export interface InitMessage {
  readonly kind: 'init';
  readonly backend: BackendName;
  readonly replica: ReplicaSpec;
  readonly dataset: DatasetSpec;
  readonly seed: number;
  readonly worker: number;
  readonly weights: SharedArrayBuffer;
  readonly gradients: SharedArrayBuffer;
}

/** Main thread → worker, every step (the weights are already in the shared arena): the rows of this worker's shard. */
export interface StepMessage {
  readonly kind: 'step';
  readonly id: number;
  readonly rows: Int32Array;
}

export type ToWorker = InitMessage | StepMessage | { readonly kind: 'close' };

/** Worker → main thread. */
export type FromWorker =
  /** The replica is built: its trainable variables, and the row coupling its loss declares (`withRowCoupling`). */
  | {
      readonly kind: 'ready';
      readonly signature: Array<[string, number[]]>;
      readonly rowCoupling?: { readonly lossName: string; readonly reason: string };
    }
  /** The shard's loss; its gradients are in the worker's gradient arena. */
  | { readonly kind: 'gradients'; readonly id: number; readonly loss: number }
  | { readonly kind: 'error'; readonly id: number | null; readonly message: string };
