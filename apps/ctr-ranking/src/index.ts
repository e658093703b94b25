// @counterweight/ctr-ranking: CTR models for ad auctions — data sources, models, training objectives, evaluation,
// ONNX export and serving. The CLI (`ctr-ranking`) is src/cli.ts.
export * from './data/index.js';
export * from './evaluation/index.js';
export * from './models/index.js';
export * from './onnx/index.js';
export * from './serve/index.js';
export * from './bench/index.js';
export * from './experiment/index.js';
