/**
 * `@counterweight/imbalanced-vision`: long-tailed and multi-label image classification with the imbalance recipes of
 * `@counterweight/core-losses`, compared side by side with plain cross-entropy on real images. The `imbalanced-vision`
 * command wraps {@link compare}, {@link exportRun}, {@link predictImages} and {@link fetchFashionMnist}.
 */
export * from './data/index.js';
export * from './models/index.js';
export * from './onnx/index.js';
export * from './recipes/index.js';
export * from './experiment/index.js';
