export { NANOGPT_CPU_CONFIG, type GptConfig } from './gpt-config.js';
export { checkGptConfig, parameterCount } from './gpt-config-check.js';
export { GPT_INIT_STD, createGpt, type GptBlockVariables, type GptModel, type GptVariables } from './gpt.js';
export {
  GPT_MODEL_FILE,
  GPT_MODEL_FORMAT,
  GPT_TOKENIZER_FILE,
  GPT_WEIGHTS_FILE,
  assignGptWeights,
  checkSameGptConfig,
  loadGpt,
  readGptDescription,
  saveGpt,
  type LoadGptOptions,
  type SavedGpt,
} from './gpt-file.js';
export { checkGenerationOptions, sampleNextToken, type GenerationOptions, type SamplingOptions } from './sample-token.js';
export { generateTokens } from './generate.js';
export { md4SamplingTimes, sampleMd4, type Md4SamplingGrid, type Md4SamplingOptions } from './md4-sample.js';
export { GenerationState, type LanguageModelShape } from './generation-state.js';
