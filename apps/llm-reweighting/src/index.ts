// @counterweight/llm-reweighting: small GPT-style language models trained with loss-based sample reweighting,
// number-token and spherical / log-partition losses, and masked diffusion — data, models, objectives, evaluation,
// ONNX and the comparisons.
export * from './data/index.js';
export * from './models/index.js';
export * from './objectives/index.js';
export {
  DEFAULT_ELBO_SEED,
  arithmeticScores,
  bitsPerUnitOf,
  cleanWindows,
  languageModelLoss,
  maskedDiffusionElbo,
  parseLastNumber,
  parseLastNumberParts,
  stepsToTarget,
  streamWindows,
  type ArithmeticScores,
  type CurveSample,
  type LanguageModelLoss,
  type LanguageModelLossOptions,
  type MaskedElbo,
  type MaskedElboOptions,
  type ParsedNumber,
} from './evaluation/index.js';
export * from './onnx/index.js';
export * from './experiment/index.js';
