import type { DatasetSpec, FeatureArray, InMemoryDataset } from '../dataset.js';

function share<T extends Float32Array | Int32Array>(values: T): T {
  const buffer = new SharedArrayBuffer(values.byteLength);
  const copy = (values instanceof Float32Array ? new Float32Array(buffer) : new Int32Array(buffer)) as T;
  copy.set(values);
  return copy;
}

function shareArray(array: FeatureArray): FeatureArray {
  return { values: share(array.values), shape: [...array.shape] };
}

/**
 * A {@link DatasetSpec} with the data set's arrays (inputs, targets, weights and extra columns) copied once into `SharedArrayBuffer`s, so worker threads read the
 * same memory instead of each holding a copy (posting it to a worker does not copy the data).
 */
export function sharedDatasetSpec(dataset: InMemoryDataset): DatasetSpec {
  const inputs = dataset.inputs;
  const isSingle = ArrayBuffer.isView((inputs as { values?: unknown }).values);
  const weights = dataset.weights;
  const extras = Object.entries(dataset.extras);
  return {
    inputs: isSingle
      ? shareArray(inputs as FeatureArray)
      : Object.fromEntries(Object.entries(inputs as Readonly<Record<string, FeatureArray>>).map(([k, v]) => [k, shareArray(v)])),
    targets: shareArray(dataset.targets),
    ...(weights === undefined ? {} : { weights: share(weights) }),
    ...(extras.length === 0 ? {} : { extras: Object.fromEntries(extras.map(([k, v]) => [k, shareArray(v)])) }),
  };
}
