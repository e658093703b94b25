import { ConfigError, SeededRandom, type InMemoryDataset } from '@counterweight/runtime';

import { imageSize, type ImageLayout, type LabeledImages, type MultiLabelImages } from './image-set.js';
import type { ChannelStats } from './normalize.js';
import { imagesToDataset, multiLabelToDataset } from './to-dataset.js';

/**
 * Random crop with zero padding and horizontal flip, the standard CIFAR / Fashion-MNIST training augmentation
 * (torchvision `RandomCrop(size, padding)` then `RandomHorizontalFlip()`).
 *
 * Design: the transform of an image is a pure function of `(seed, epoch, row)` — `row` being the image's index in the
 * training set — drawn from its own stream `SeededRandom.fromSeed(seed, 'augment', epoch, row)`. It does not depend
 * on batch composition or on the order rows are visited, so the runtime trainer's per-(seed, epoch) shuffle, a
 * resume in the middle of an epoch, or a different batch size all see the same augmented pixels. Two ways to plug it
 * in, with identical results:
 * - per epoch: {@link augmentEpoch} / {@link augmentedDataset} build the epoch's augmented copy (an `InMemoryDataset`
 *   of the same rows), for a trainer that takes one data set per epoch;
 * - per batch: {@link augmentRows} with the batch's row indices (`Batch.indices` of the runtime), for a batch
 *   transform.
 * Augmentation works on uint8 pixels; normalise afterwards, so padded pixels are 0 before normalisation (black, the
 * background of Fashion-MNIST), as with torchvision.
 */
export interface AugmentOptions {
  /** Base seed of the run. */
  readonly seed: number;
  /** Zero padding on every side before the random crop back to the original size, in pixels. Default 4; 0 = no crop. */
  readonly padding?: number;
  /** Flip horizontally with probability 1/2. Default true. */
  readonly flip?: boolean;
}

/** The random choices for one image. */
export interface AugmentParams {
  /** Top-left corner of the crop window in the padded image, each in `0..2·padding` (`padding` = no shift). */
  readonly dy: number;
  readonly dx: number;
  readonly flip: boolean;
}

function checkOptions(options: AugmentOptions): { padding: number; flip: boolean } {
  if (!Number.isSafeInteger(options.seed)) throw new ConfigError('seed', `must be a safe integer, got ${String(options.seed)}`);
  const padding = options.padding ?? 4;
  if (!Number.isInteger(padding) || padding < 0) throw new ConfigError('padding', `must be a non-negative integer, got ${String(padding)}`);
  return { padding, flip: options.flip ?? true };
}

/**
 * The crop offset and flip of image `row` in `epoch`: a pure function of `(seed, epoch, row)` (stream
 * `augment/<epoch>/<row>`). Draws `dy`, then `dx` uniformly from `0..2·padding`, then the flip.
 */
export function augmentParams(options: AugmentOptions, epoch: number, row: number): AugmentParams {
  const { padding, flip } = checkOptions(options);
  const random = SeededRandom.fromSeed(options.seed, 'augment', epoch, row);
  const dy = random.int(0, 2 * padding);
  const dx = random.int(0, 2 * padding);
  return { dy, dx, flip: flip && random.uniform() < 0.5 };
}

/**
 * Writes one augmented image: `dst(y, x) = src(y + dy − padding, x' + dx − padding)` with `x' = width − 1 − x` when
 * flipped, else `x`, and 0 outside the source (zero padding). `src` and `dst` hold one image each (HWC).
 */
export function augmentImage(
  src: Uint8Array,
  dst: Uint8Array,
  layout: Omit<ImageLayout, 'count'>,
  params: AugmentParams,
  padding: number,
): void {
  const { height: H, width: W, channels: C } = layout;
  const offsetY = params.dy - padding;
  const offsetX = params.dx - padding;
  dst.fill(0);
  for (let y = 0; y < H; y += 1) {
    const sy = y + offsetY;
    if (sy < 0 || sy >= H) continue;
    for (let x = 0; x < W; x += 1) {
      const sx = (params.flip ? W - 1 - x : x) + offsetX;
      if (sx < 0 || sx >= W) continue;
      const from = (sy * W + sx) * C;
      const to = (y * W + x) * C;
      for (let c = 0; c < C; c += 1) dst[to + c] = src[from + c] as number;
    }
  }
}

/**
 * Augmented copies of the given rows of `images` for `epoch`, in the order given (a per-batch transform: pass the
 * batch's row indices). Row `r` of the result is the transform of image `rows[r]`, see {@link augmentParams}.
 */
export function augmentRows(
  images: ImageLayout & { readonly pixels: Uint8Array },
  rows: ArrayLike<number>,
  epoch: number,
  options: AugmentOptions,
): Uint8Array {
  const { padding } = checkOptions(options);
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new ConfigError('epoch', `must be a non-negative integer, got ${String(epoch)}`);
  const size = imageSize(images);
  const out = new Uint8Array(rows.length * size);
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r] as number;
    if (!(row >= 0 && row < images.count) || !Number.isInteger(row)) {
      throw new ConfigError('rows', `image ${row} is outside 0..${images.count - 1}`);
    }
    augmentImage(
      images.pixels.subarray(row * size, (row + 1) * size),
      out.subarray(r * size, (r + 1) * size),
      images,
      augmentParams(options, epoch, row),
      padding,
    );
  }
  return out;
}

/** Augmented copy of every image for `epoch` (row `i` is the transform of image `i`). */
export function augmentEpoch(images: ImageLayout & { readonly pixels: Uint8Array }, epoch: number, options: AugmentOptions): Uint8Array {
  return augmentRows(images, Int32Array.from({ length: images.count }, (_, i) => i), epoch, options);
}

/** Options of {@link augmentedDataset}. */
export interface AugmentedDatasetOptions extends AugmentOptions {
  /** Normalisation applied after augmentation (fit on the un-augmented training split). */
  readonly normalization?: ChannelStats;
  /** Per-sample weights, one per image. */
  readonly weights?: Float32Array;
}

/**
 * The training data set of one epoch with augmentation: same rows, targets and weights as
 * `imagesToDataset(images)` / `multiLabelToDataset(images)`, inputs augmented by {@link augmentEpoch} then
 * normalised. Build it once per epoch (e.g. from a trainer hook keyed by the epoch); it holds one float32 copy of the
 * images.
 */
export function augmentedDataset(images: LabeledImages | MultiLabelImages, epoch: number, options: AugmentedDatasetOptions): InMemoryDataset {
  const pixels = augmentEpoch(images, epoch, options);
  const rest = {
    pixels,
    ...(options.normalization === undefined ? {} : { normalization: options.normalization }),
    ...(options.weights === undefined ? {} : { weights: options.weights }),
  };
  return 'labels' in images ? imagesToDataset(images, rest) : multiLabelToDataset(images, rest);
}
