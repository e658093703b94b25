/**
 * Data for imbalanced-vision: IDX (MNIST-format) files, image folders, multi-label manifests and mosaics,
 * long-tailed splits with many/medium/few metadata, augmentation and normalisation, Fashion-MNIST fetch and the
 * embedded sample, and conversion to the runtime's `InMemoryDataset`.
 */
export {
  augmentEpoch,
  augmentImage,
  augmentParams,
  augmentRows,
  augmentedDataset,
  type AugmentOptions,
  type AugmentParams,
  type AugmentedDatasetOptions,
} from './augment.js';
export {
  FEW_SHOT_BELOW,
  MANY_SHOT_ABOVE,
  classGroupings,
  rankThirdsGrouping,
  shotCountGrouping,
  type ClassGroup,
  type ClassGrouping,
  type GroupingRule,
} from './class-groups.js';
export {
  IMAGE_EXTENSIONS,
  decodeImage,
  decodeImages,
  isImagePath,
  sniffImageFormat,
  validateImageSpec,
  type DecodeImagesOptions,
  type DecodedImages,
  type ImageSpec,
  type SkippedImage,
} from './decode-image.js';
export { FASHION_MNIST_CLASSES, FASHION_MNIST_FILES, loadFashionMnist } from './fashion-mnist.js';
export {
  FASHION_MNIST_URLS,
  defaultFetchDir,
  fetchFashionMnist,
  verifyFashionMnistFile,
  type FetchFashionMnistOptions,
  type FetchResult,
  type FetchSource,
} from './fetch.js';
export {
  DEFAULT_IDX_DIR,
  IDX_UBYTE,
  decodeIdx,
  encodeIdx,
  findIdxFiles,
  loadIdxDataset,
  maybeGunzip,
  readIdxFile,
  readIdxPair,
  readMaybeGzip,
  writeIdxFile,
  type IdxArray,
  type IdxDataset,
  type IdxFiles,
  type IdxImagesAndLabels,
  type LoadIdxOptions,
} from './idx.js';
export { loadImageFolder, type ImageFolder, type ImageFolderOptions } from './image-folder.js';
export {
  classCounts,
  gatherPixels,
  imageSize,
  indicesByClass,
  selectImages,
  type ImageLayout,
  type LabeledImages,
  type MultiLabelImages,
} from './image-set.js';
export {
  longTailCounts,
  longTailSplit,
  validateImbalanceRatio,
  type LongTailCountsOptions,
  type LongTailMetadata,
  type LongTailOptions,
  type LongTailProfile,
  type LongTailSplit,
} from './long-tail.js';
export { byCodeUnit, listImageFiles } from './list-images.js';
export { loadManifest, type ManifestImages, type ManifestOptions } from './manifest.js';
export { MOSAIC_GRID, buildMosaics, mosaicClassProbabilities, type MosaicOptions, type Mosaics } from './mosaic.js';
export { fitChannelStats, normalizePixels, type ChannelStats } from './normalize.js';
export {
  EMBEDDED_SAMPLE_SIZE,
  embeddedSampleDir,
  firstPerClass,
  writeFashionMnistSample,
  type WrittenSample,
} from './sample.js';
export { imagesToDataset, multiLabelToDataset, type ToDatasetOptions } from './to-dataset.js';
