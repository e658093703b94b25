export { cleanWindows, streamWindows } from './evaluation-windows.js';
export { bitsPerUnitOf, type LanguageModelLoss } from './loss-summary.js';
export { languageModelLoss, type LanguageModelLossOptions } from './language-model-loss.js';
export { DEFAULT_ELBO_SEED, maskedDiffusionElbo, type MaskedElbo, type MaskedElboOptions } from './masked-diffusion-elbo.js';
export { stepsToTarget, type CurveSample } from './steps-to-target.js';
export { parseLastNumber, parseLastNumberParts, type ParsedNumber } from './parse-last-number.js';
export { arithmeticScores, type ArithmeticScores } from './arithmetic-scores.js';
