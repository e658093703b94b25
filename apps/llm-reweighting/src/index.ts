// @counterweight/llm-reweighting: small GPT-style language models trained with loss-based sample reweighting,
// number-token and spherical / log-partition losses, and masked diffusion — data, models, objectives, evaluation,
// ONNX and the comparisons.
export * from './data/index.js';
export * from './models/index.js';
export * from './objectives/index.js';
export * from './evaluation/index.js';
export * from './onnx/index.js';
export * from './experiment/index.js';
