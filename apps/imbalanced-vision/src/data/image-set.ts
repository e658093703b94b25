import { ConfigError } from '@counterweight/runtime';

/**
 * Size of the images of an image set. Pixels are stored row-major with interleaved channels (NHWC, the layout sharp's
 * `raw()` output and tfjs' `conv2d` use): the value of image `i`, row `y`, column `x`, channel `c` is at
 * `((i * height + y) * width + x) * channels + c`.
 */
export interface ImageLayout {
  /** Number of images. */
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** 1 (grey) or 3 (RGB). */
  readonly channels: number;
}

/** Single-label images: uint8 pixels (0–255, NHWC, see {@link ImageLayout}) and one class id per image. */
export interface LabeledImages extends ImageLayout {
  /** `count × height × width × channels` bytes. */
  readonly pixels: Uint8Array;
  /** Class id of each image, `0 ≤ id < classNames.length`. */
  readonly labels: Int32Array;
  /** Name of each class id. */
  readonly classNames: readonly string[];
}

/** Multi-label images: uint8 pixels (NHWC, see {@link ImageLayout}) and a 0/1 indicator per image and class. */
export interface MultiLabelImages extends ImageLayout {
  /** `count × height × width × channels` bytes. */
  readonly pixels: Uint8Array;
  /** `count × classNames.length` values, 1 where the class is present in the image, else 0 (row-major). */
  readonly targets: Uint8Array;
  /** Name of each class id (column of `targets`). */
  readonly classNames: readonly string[];
}

/** Number of bytes of one image of `layout`. */
export function imageSize(layout: Omit<ImageLayout, 'count'>): number {
  return layout.height * layout.width * layout.channels;
}

/** Number of images of each class id `0..numClasses-1`. */
export function classCounts(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i += 1) {
    const label = labels[i] as number;
    if (!(label >= 0 && label < numClasses) || !Number.isInteger(label)) {
      throw new ConfigError('labels', `label ${label} at index ${i} is outside 0..${numClasses - 1}`);
    }
    counts[label] = (counts[label] as number) + 1;
  }
  return counts;
}

/** Copies the pixels of the given images (in that order) into a new buffer. */
export function gatherPixels(layout: ImageLayout & { readonly pixels: Uint8Array }, indices: ArrayLike<number>): Uint8Array {
  const size = imageSize(layout);
  const out = new Uint8Array(indices.length * size);
  for (let r = 0; r < indices.length; r += 1) {
    const index = indices[r] as number;
    if (!(index >= 0 && index < layout.count) || !Number.isInteger(index)) {
      throw new ConfigError('indices', `image ${index} is outside 0..${layout.count - 1}`);
    }
    out.set(layout.pixels.subarray(index * size, (index + 1) * size), r * size);
  }
  return out;
}

/** A new {@link LabeledImages} holding copies of the given images, in that order (class names kept). */
export function selectImages(images: LabeledImages, indices: ArrayLike<number>): LabeledImages {
  const pixels = gatherPixels(images, indices);
  const labels = new Int32Array(indices.length);
  for (let r = 0; r < indices.length; r += 1) labels[r] = images.labels[indices[r] as number] as number;
  return {
    pixels,
    labels,
    count: indices.length,
    height: images.height,
    width: images.width,
    channels: images.channels,
    classNames: images.classNames,
  };
}

/** Row indices of each class, in increasing order: `result[c]` lists the images whose label is `c`. */
export function indicesByClass(labels: ArrayLike<number>, numClasses: number): Int32Array[] {
  const counts = classCounts(labels, numClasses);
  const out = counts.map((n) => new Int32Array(n));
  const fill = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i += 1) {
    const label = labels[i] as number;
    const position = fill[label] as number;
    (out[label] as Int32Array)[position] = i;
    fill[label] = position + 1;
  }
  return out;
}
