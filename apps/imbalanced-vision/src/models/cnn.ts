import type { LayerSpec } from './layers.js';

/**
 * The small CNN backbone, the runtime benchmark's `cnn` workload without its classifier: conv `w` 3×3 (valid, ReLU)
 * → max-pool 2 → conv `2w` 3×3 (valid, ReLU) → max-pool 2 → flatten → dense `4w` (ReLU). Glorot-uniform kernels,
 * zero biases. With the default `w = 32`: conv 32 → conv 64 → dense 128, so 128 penultimate features; a 28×28 input
 * flattens to 5·5·64 = 1,600 values, a 56×56 mosaic to 12·12·64 = 9,216.
 */
export function cnnBackbone(width: number): LayerSpec[] {
  const conv = (name: string, filters: number): LayerSpec => ({
    kind: 'conv',
    name,
    filters,
    kernelSize: 3,
    stride: 1,
    padding: 'valid',
    bias: true,
    activation: 'relu',
    init: 'glorot-uniform',
  });
  return [
    conv('conv1', width),
    { kind: 'maxPool', size: 2, stride: 2 },
    conv('conv2', 2 * width),
    { kind: 'maxPool', size: 2, stride: 2 },
    { kind: 'flatten' },
    { kind: 'dense', name: 'dense1', units: 4 * width, activation: 'relu', biasInit: { constant: 0 } },
  ];
}
