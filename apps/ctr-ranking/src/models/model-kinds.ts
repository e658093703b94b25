// The list of model kinds in a module of its own, free of tfjs: `compare --model` lists and parses it before any
// model code loads. config.ts re-exports it.
import type { CtrModelKind } from './config.js';

/** Every CTR model kind. */
export const CTR_MODEL_KINDS: readonly CtrModelKind[] = ['logistic', 'fm', 'dnn'];
