export type { Tokenizer, TokenizerFile, TokenizerKind } from './data/tokenizer.js';
export type { TokenCorpus, TokenWindows } from './data/token-windows.js';
export { NANOGPT_CPU_CONFIG, type GptConfig } from './models/gpt-config.js';
export type { LmObjective } from './objectives/objective.js';
