import { ConfigError } from './errors.js';

/**
 * A whole number ≥ `min` for an option of a config object (not a CLI argument: see `@counterweight/runtime/cli`).
 * @throws ConfigError naming `option`: "must be a positive integer" for `min` 1, else "must be an integer >= min".
 */
export function integerOption(value: number, option: string, min = 1): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(option, `${min === 1 ? 'must be a positive integer' : `must be an integer >= ${min}`}, got ${value}`);
  }
  return value;
}

/** A finite number > 0 (`positive`, default) or ≥ 0 (`nonNegative`). @throws ConfigError naming `option`. */
export function finiteNumberOption(value: number, option: string, bound: 'positive' | 'nonNegative' = 'positive'): number {
  const ok = Number.isFinite(value) && (bound === 'positive' ? value > 0 : value >= 0);
  if (!ok) throw new ConfigError(option, `must be a finite number ${bound === 'positive' ? '> 0' : '≥ 0'}, got ${value}`);
  return value;
}
