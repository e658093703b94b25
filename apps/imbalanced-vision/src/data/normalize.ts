import { ConfigError } from '@counterweight/runtime';

import type { ImageLayout } from './image-set.js';

/**
 * Per-channel mean and standard deviation of pixel values scaled to [0, 1] (value / 255), the convention of
 * torchvision's `Normalize` (Fashion-MNIST's training set: mean 0.2860, std 0.3530).
 */
export interface ChannelStats {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Fits {@link ChannelStats} on a set of images — the training split only, so nothing about the test images leaks
 * into training. The standard deviation is the population one (divide by N), computed exactly from integer sums.
 * @throws ConfigError when there are no images or a channel is constant (its std would be 0).
 */
export function fitChannelStats(images: ImageLayout & { readonly pixels: Uint8Array }): ChannelStats {
  const { channels } = images;
  if (images.count === 0 || images.pixels.length === 0) throw new ConfigError('images', 'no images to fit normalisation statistics on');
  // Histogram per channel: exact, and one pass of integer increments.
  const histogram = new Float64Array(channels * 256);
  const { pixels } = images;
  for (let i = 0; i < pixels.length; i += 1) {
    const index = (i % channels) * 256 + (pixels[i] as number);
    histogram[index] = (histogram[index] as number) + 1;
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c += 1) {
    let n = 0;
    let sum = 0;
    let squares = 0;
    for (let v = 0; v < 256; v += 1) {
      const k = histogram[c * 256 + v] as number;
      n += k;
      sum += k * v;
      squares += k * v * v;
    }
    const m = sum / n;
    const variance = Math.max(0, squares / n - m * m);
    if (variance === 0) throw new ConfigError('images', `channel ${c} is constant (value ${m}); its standard deviation is 0`);
    mean.push(m / 255);
    std.push(Math.sqrt(variance) / 255);
  }
  return { mean, std };
}

/**
 * Converts uint8 pixels (interleaved channels) to float32: `(value / 255 - mean[c]) / std[c]` per channel `c`, or
 * `value / 255` without statistics. Uses a 256-entry table per channel.
 * @param out optional destination of the same length (e.g. a reused batch buffer).
 * @throws ConfigError when the statistics do not have `channels` entries or a std is not positive.
 */
export function normalizePixels(pixels: Uint8Array, channels: number, stats?: ChannelStats, out?: Float32Array): Float32Array {
  if (stats !== undefined && (stats.mean.length !== channels || stats.std.length !== channels)) {
    throw new ConfigError('normalization', `has ${stats.mean.length} means and ${stats.std.length} stds for ${channels} channel(s)`);
  }
  stats?.std.forEach((s, c) => {
    if (!(s > 0) || !Number.isFinite(s)) throw new ConfigError(`normalization.std[${c}]`, `must be positive and finite, got ${s}`);
  });
  const table = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c += 1) {
    const mean = stats?.mean[c] ?? 0;
    const std = stats?.std[c] ?? 1;
    for (let v = 0; v < 256; v += 1) table[c * 256 + v] = (v / 255 - mean) / std;
  }
  const result = out ?? new Float32Array(pixels.length);
  if (result.length !== pixels.length) {
    throw new ConfigError('out', `has ${result.length} values, expected ${pixels.length}`);
  }
  if (channels === 1) {
    for (let i = 0; i < pixels.length; i += 1) result[i] = table[pixels[i] as number] as number;
  } else {
    for (let i = 0; i < pixels.length; i += 1) result[i] = table[(i % channels) * 256 + (pixels[i] as number)] as number;
  }
  return result;
}
