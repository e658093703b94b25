export { median } from './median.js';
export { medianCallMilliseconds, type MedianCallOptions } from './median-call.js';
export { listOption } from './list-option.js';
export { errorText } from './error-text.js';
export { BenchOptionError } from './bench-option-error.js';
