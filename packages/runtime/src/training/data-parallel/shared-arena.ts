import * as tf from '@tensorflow/tfjs-core';

/**
 * float32 values of a list of tensors (the trainable variables, or their gradients) laid out one after another in a
 * `SharedArrayBuffer`, so the main thread and the worker threads read and write the same memory instead of posting
 * copies every step. `sizes[i]` is the element count of tensor i; tensor i occupies `[offsets[i], offsets[i] + sizes[i])`.
 */
export class SharedArena {
  readonly buffer: SharedArrayBuffer;
  readonly sizes: readonly number[];
  private readonly slots: Float32Array[];

  /** Wraps `buffer` (or a new, zeroed one of `Σ sizes` floats) with one view per tensor. */
  constructor(sizes: readonly number[], buffer?: SharedArrayBuffer) {
    const total = sizes.reduce((sum, size) => sum + size, 0);
    this.buffer = buffer ?? new SharedArrayBuffer(total * Float32Array.BYTES_PER_ELEMENT);
    if (this.buffer.byteLength !== total * Float32Array.BYTES_PER_ELEMENT) {
      throw new RangeError(`a shared arena of ${total} floats needs ${total * 4} bytes, got ${this.buffer.byteLength}`);
    }
    this.sizes = [...sizes];
    let offset = 0;
    this.slots = sizes.map((size) => {
      const view = new Float32Array(this.buffer, offset * Float32Array.BYTES_PER_ELEMENT, size);
      offset += size;
      return view;
    });
  }

  /** The arena of `tensors`' sizes. */
  static forTensors(tensors: readonly tf.Tensor[]): SharedArena {
    return new SharedArena(tensors.map((t) => t.size));
  }

  /** The view of tensor `i` (shared memory: writes are seen by every thread holding the arena). */
  view(i: number): Float32Array {
    const view = this.slots[i];
    if (view === undefined) throw new RangeError(`the arena holds ${this.slots.length} tensors, asked for ${i}`);
    return view;
  }

  get count(): number {
    return this.slots.length;
  }

  /** Copies the values of `tensors` (in order, float32, sizes as the arena's) into the arena. */
  write(tensors: readonly tf.Tensor[]): void {
    if (tensors.length !== this.slots.length) throw new RangeError(`the arena holds ${this.slots.length} tensors, got ${tensors.length}`);
    tensors.forEach((tensor, i) => this.writeSlot(i, tensor));
  }

  /** Copies the values of `tensor` (float32, of slot `i`'s size) into slot `i`. */
  writeSlot(i: number, tensor: tf.Tensor): void {
    const view = this.view(i);
    if (tensor.size !== view.length) throw new RangeError(`tensor ${i} has ${tensor.size} values, its arena slot ${view.length}`);
    view.set(tensorValues(tensor));
  }

  /** Loads slot `i` into `variable` (a fresh copy: the backend never keeps a reference to the shared memory). */
  assignTo(i: number, variable: tf.Variable): void {
    const view = this.view(i);
    tf.tidy(() => variable.assign(tf.tensor(heapOwnsCopies() ? view : view.slice(), variable.shape, 'float32')));
  }
}

interface HeapBackend {
  typedArrayFromHeap(tensor: tf.Tensor): Float32Array;
}

/** Whether the active backend copies the values `tf.tensor` is given (wasm copies them into its heap; cpu keeps them). */
function heapOwnsCopies(): boolean {
  return tf.getBackend() === 'wasm';
}

/**
 * The float32 values of `tensor` to copy from: on wasm a view of its heap memory (no copy; valid until the next
 * allocation, so copy from it at once), elsewhere `dataSync()`.
 */
export function tensorValues(tensor: tf.Tensor): Float32Array {
  if (tf.getBackend() === 'wasm') {
    const backend = tf.backend() as unknown as Partial<HeapBackend>;
    if (typeof backend.typedArrayFromHeap === 'function') return backend.typedArrayFromHeap(tensor);
  }
  return tensor.dataSync() as Float32Array;
}
