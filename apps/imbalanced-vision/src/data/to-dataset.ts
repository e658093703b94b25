import { ConfigError, createDataset, type InMemoryDataset } from '@counterweight/runtime';

import type { LabeledImages, MultiLabelImages } from './image-set.js';
import { normalizePixels, type ChannelStats } from './normalize.js';

/** Options of {@link imagesToDataset} and {@link multiLabelToDataset}. */
export interface ToDatasetOptions {
  /** Per-channel statistics (fit on the training split); without them inputs are `value / 255`. */
  readonly normalization?: ChannelStats;
  /** Per-sample weights, one per image. */
  readonly weights?: Float32Array;
  /** Pixels to use instead of `images.pixels` (same layout), e.g. an augmented copy from `augmentEpoch`. */
  readonly pixels?: Uint8Array;
}

function inputs(images: LabeledImages | MultiLabelImages, options: ToDatasetOptions): Float32Array {
  const pixels = options.pixels ?? images.pixels;
  if (pixels.length !== images.pixels.length) {
    throw new ConfigError('pixels', `has ${pixels.length} bytes, expected ${images.pixels.length} (same layout as the images)`);
  }
  return normalizePixels(pixels, images.channels, options.normalization);
}

/**
 * A runtime `InMemoryDataset` for single-label images: input `[height, width, channels]` float32 (NHWC, normalised),
 * target a class id (int32, row shape `[]`, what the softmax losses of core-losses take).
 * Holds one float32 copy of the pixels (4 bytes per pixel).
 */
export function imagesToDataset(images: LabeledImages, options: ToDatasetOptions = {}): InMemoryDataset {
  return createDataset({
    inputs: { values: inputs(images, options), shape: [images.height, images.width, images.channels] },
    targets: { values: images.labels, shape: [] },
    ...(options.weights === undefined ? {} : { weights: options.weights }),
  });
}

/**
 * A runtime `InMemoryDataset` for multi-label images: input `[height, width, channels]` float32 (normalised), target
 * the 0/1 indicator of every class (float32, row shape `[C]`, what the sigmoid losses take).
 */
export function multiLabelToDataset(images: MultiLabelImages, options: ToDatasetOptions = {}): InMemoryDataset {
  return createDataset({
    inputs: { values: inputs(images, options), shape: [images.height, images.width, images.channels] },
    targets: { values: Float32Array.from(images.targets), shape: [images.classNames.length] },
    ...(options.weights === undefined ? {} : { weights: options.weights }),
  });
}
