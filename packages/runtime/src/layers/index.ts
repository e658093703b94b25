export { LAYER_NORM_EPSILON, layerNorm } from './layer-norm.js';
export { geluTanh } from './gelu.js';
export { scaledDotProductAttention, type AttentionOptions } from './attention.js';
