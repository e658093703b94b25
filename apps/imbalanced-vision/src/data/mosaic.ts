import { ConfigError, SeededRandom } from '@counterweight/runtime';

import { imageSize, indicesByClass, type LabeledImages, type MultiLabelImages } from './image-set.js';
import { validateImbalanceRatio } from './long-tail.js';

/** Tiles per side of a mosaic: 2 × 2 source images, e.g. four 28×28 Fashion-MNIST images make one 56×56 image. */
export const MOSAIC_GRID = 2;

/** Options of {@link buildMosaics}. */
export interface MosaicOptions {
  /** Number of mosaics to build. */
  readonly count: number;
  /** Mosaic `m` draws from its own stream `mosaic/<m>`, so the first k mosaics do not depend on `count`. */
  readonly seed: number;
  /**
   * Label imbalance: the class of each tile is drawn with probability ∝ `ρ^(-rank/(C-1))` (the exponential
   * long-tail profile over class ranks). Default 1: uniform. Ignored when `classWeights` is given.
   */
  readonly imbalanceRatio?: number;
  /** Class ids from head (rank 0) to tail for `imbalanceRatio`. Default: natural order (class 0 is the head). */
  readonly classOrder?: readonly number[];
  /** Explicit sampling weight of each class id (non-negative, not all 0; normalised to probabilities). */
  readonly classWeights?: readonly number[];
}

/** Mosaics built by {@link buildMosaics}: multi-label images plus where every tile came from. */
export interface Mosaics extends MultiLabelImages {
  /** Source image index of every tile: `count × 4`, tiles in order top-left, top-right, bottom-left, bottom-right. */
  readonly tiles: Int32Array;
  /** Probability that a tile shows each class id. */
  readonly classProbabilities: readonly number[];
  /** Probability that a mosaic contains each class id: `1 − (1 − p_c)^4`. */
  readonly expectedPositiveRates: readonly number[];
}

/**
 * Per-tile class probabilities of the exponential profile: `p_c ∝ ρ^(-rank(c)/(C-1))`, normalised to sum to 1.
 * @throws ConfigError for ρ < 1 or a `classOrder` that is not a permutation of `0..numClasses-1`.
 */
export function mosaicClassProbabilities(numClasses: number, imbalanceRatio = 1, classOrder?: readonly number[]): number[] {
  validateImbalanceRatio(imbalanceRatio);
  const order = classOrder ?? Array.from({ length: numClasses }, (_, c) => c);
  if (order.length !== numClasses || new Set(order).size !== numClasses || order.some((c) => !Number.isInteger(c) || c < 0 || c >= numClasses)) {
    throw new ConfigError('classOrder', `must be a permutation of the ${numClasses} class ids, got [${order.join(', ')}]`);
  }
  const weights = new Array<number>(numClasses).fill(0);
  order.forEach((c, rank) => (weights[c] = numClasses === 1 ? 1 : Math.pow(1 / imbalanceRatio, rank / (numClasses - 1))));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/**
 * Builds a multi-label benchmark from a single-label image set: each mosaic tiles 2 × 2 source images (each tile's
 * class drawn from the class probabilities, then an image of that class uniformly, with replacement) into one image
 * of `2·height × 2·width`, and its label set is the set of classes present in its tiles. Build training mosaics from
 * the training images and test mosaics from the test images.
 *
 * @throws ConfigError for a bad count, ρ < 1, bad weights, or a class with positive probability but no source image.
 */
export function buildMosaics(source: LabeledImages, options: MosaicOptions): Mosaics {
  if (!Number.isSafeInteger(options.count) || options.count < 1) {
    throw new ConfigError('count', `must be a positive integer, got ${String(options.count)}`);
  }
  if (!Number.isSafeInteger(options.seed)) throw new ConfigError('seed', `must be a safe integer, got ${String(options.seed)}`);
  const C = source.classNames.length;
  let probabilities: number[];
  if (options.classWeights !== undefined) {
    if (options.classWeights.length !== C) {
      throw new ConfigError('classWeights', `has ${options.classWeights.length} entries for ${C} classes`);
    }
    options.classWeights.forEach((w, c) => {
      if (!(w >= 0) || !Number.isFinite(w)) throw new ConfigError(`classWeights[${c}]`, `must be finite and non-negative, got ${w}`);
    });
    const total = options.classWeights.reduce((a, b) => a + b, 0);
    if (!(total > 0)) throw new ConfigError('classWeights', 'must not all be zero');
    probabilities = options.classWeights.map((w) => w / total);
  } else {
    probabilities = mosaicClassProbabilities(C, options.imbalanceRatio ?? 1, options.classOrder);
  }
  const byClass = indicesByClass(source.labels, C);
  probabilities.forEach((p, c) => {
    if (p > 0 && (byClass[c] as Int32Array).length === 0) {
      throw new ConfigError('source', `class ${c} (${JSON.stringify(source.classNames[c])}) has no images but probability ${p}`);
    }
  });

  const { height: h, width: w, channels: ch } = source;
  const tileSize = imageSize(source);
  const H = MOSAIC_GRID * h;
  const W = MOSAIC_GRID * w;
  const mosaicSize = H * W * ch;
  const tilesPerMosaic = MOSAIC_GRID * MOSAIC_GRID;
  const pixels = new Uint8Array(options.count * mosaicSize);
  const targets = new Uint8Array(options.count * C);
  const tiles = new Int32Array(options.count * tilesPerMosaic);
  const rowBytes = w * ch;
  for (let m = 0; m < options.count; m += 1) {
    const random = SeededRandom.fromSeed(options.seed, 'mosaic', m);
    const classes = random.sampleWeighted(probabilities, tilesPerMosaic);
    for (let t = 0; t < tilesPerMosaic; t += 1) {
      const c = classes[t] as number;
      const pool = byClass[c] as Int32Array;
      const index = pool[random.int(0, pool.length - 1)] as number;
      tiles[m * tilesPerMosaic + t] = index;
      targets[m * C + c] = 1;
      const top = Math.floor(t / MOSAIC_GRID) * h;
      const left = (t % MOSAIC_GRID) * w;
      const tile = source.pixels.subarray(index * tileSize, (index + 1) * tileSize);
      for (let y = 0; y < h; y += 1) {
        pixels.set(tile.subarray(y * rowBytes, (y + 1) * rowBytes), m * mosaicSize + ((top + y) * W + left) * ch);
      }
    }
  }
  return {
    pixels,
    targets,
    count: options.count,
    height: H,
    width: W,
    channels: ch,
    classNames: source.classNames,
    tiles,
    classProbabilities: probabilities,
    expectedPositiveRates: probabilities.map((p) => 1 - Math.pow(1 - p, tilesPerMosaic)),
  };
}
