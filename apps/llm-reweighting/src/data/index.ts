export type { Tokenizer, TokenizerFile, TokenizerKind } from './tokenizer.js';
export { IGNORED_TARGET, type TokenCorpus, type TokenWindows } from './token-windows.js';
export { readCorpus, type Corpus, type CorpusFormat, type ReadCorpusOptions, type TextDocuments } from './read-corpus.js';
export {
  EMBEDDED_TINYSHAKESPEARE,
  REFERENCE_CORPORA,
  TINYSTORIES_SHARED_PATH,
  resolveCorpus,
  type ReferenceCorpus,
} from './resolve-corpus.js';
export { TokenizerError } from './tokenizer-error.js';
export { CharTokenizer, END_OF_TEXT, charTokenizerOf } from './char-tokenizer.js';
export { BYTE_TO_CHARACTER, bytesToPrintable, printableToBytes } from './byte-level.js';
export { BPE_MIN_PAIR_COUNT, BpeTokenizer, PRE_TOKENIZE, type BpeTrainingOptions } from './bpe-tokenizer.js';
export { trainTokenizer, type TrainTokenizerOptions } from './train-tokenizer.js';
export { TOKENIZER_FILE_NAME, checkTokenizerFits, loadTokenizer, saveTokenizer, tokenizerFromFile } from './tokenizer-file.js';
export { tokenizeCorpus, type TokenizeCorpusOptions } from './tokenize-corpus.js';
export { sampleWindows, type SampleWindowsOptions } from './sample-windows.js';
export {
  ARITHMETIC_ALPHABET,
  ARITHMETIC_MAX_DIGITS,
  ARITHMETIC_OPERATIONS,
  generateArithmetic,
  generateArithmeticSplits,
  type ArithmeticOperation,
  type ArithmeticOptions,
  type ArithmeticProblem,
  type ArithmeticSplitOptions,
  type ArithmeticSplits,
  type GenerateArithmeticOptions,
} from './arithmetic.js';
export { arithmeticWindows, type ArithmeticWindows } from './arithmetic-windows.js';
