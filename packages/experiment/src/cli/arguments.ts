import { InvalidArgumentError } from 'commander';

/**
 * Argument parsers for commander options, shared by every Counterweight CLI so that the same kind of value is checked
 * the same way and rejected with the same message (`error: option '--epochs <n>' argument '0' is invalid. expected an
 * integer >= 1, got "0"`). Each throws commander's `InvalidArgumentError`.
 */

/** A whole number ≥ `min` (e.g. `integerArgument(1)` for `--epochs`). */
export function integerArgument(min: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < min) throw new InvalidArgumentError(`expected an integer >= ${min}, got "${value}"`);
    return parsed;
  };
}

/** A finite number > 0 (rates, temperatures, tolerances). */
export function positiveNumberArgument(value: string): number {
  const parsed = Number(value);
  if (!(Number.isFinite(parsed) && parsed > 0)) throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return parsed;
}

/** A number in [0, 1] (mixing weights, fractions). */
export function unitIntervalArgument(value: string): number {
  const parsed = Number(value);
  if (!(parsed >= 0 && parsed <= 1)) throw new InvalidArgumentError(`expected a number in [0, 1], got "${value}"`);
  return parsed;
}

/** A finite number ≥ `min`. */
export function numberAtLeastArgument(min: number, what = ''): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!(Number.isFinite(parsed) && parsed >= min)) throw new InvalidArgumentError(`expected a number >= ${min}${what === '' ? '' : ` (${what})`}, got "${value}"`);
    return parsed;
  };
}

/** A comma-separated list, entries trimmed, empty entries dropped. */
export function listArgument(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A comma-separated list whose entries `parse` checks (its errors become `InvalidArgumentError`s). */
export function parsedListArgument<T>(parse: (entry: string) => T): (value: string) => T[] {
  return (value) => {
    try {
      return listArgument(value).map(parse);
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw error;
      throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
    }
  };
}
