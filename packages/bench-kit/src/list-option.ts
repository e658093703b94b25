import { BenchOptionError } from './bench-option-error.js';

/**
 * A bench CLI's comma-separated subset option (`--backends wasm,cpu`): all of `allowed` when absent, else the named
 * values in `allowed`'s (canonical) order, whatever order they were given in; blanks around names are ignored.
 * @throws BenchOptionError naming `flag` for an unknown or empty value.
 */
export function listOption<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): readonly T[] {
  if (value === undefined) return allowed;
  const names = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  const unknown = names.filter((n) => !(allowed as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new BenchOptionError(flag, `unknown or empty value "${value}"; use a comma-separated subset of ${allowed.join(',')}`);
  }
  return allowed.filter((n) => names.includes(n));
}
