import { ConfigError } from '../errors.js';

/**
 * A bench CLI's comma-separated subset option (`--backends wasm,cpu`): all of `allowed` when absent, else the named
 * values in `allowed`'s (canonical) order.
 * @throws ConfigError naming the flag for an unknown or empty value.
 */
export function listOption<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): readonly T[] {
  if (value === undefined) return allowed;
  const names = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  const unknown = names.filter((n) => !(allowed as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new ConfigError(flag, `unknown or empty value "${value}"; use a comma-separated subset of ${allowed.join(',')}`);
  }
  return allowed.filter((n) => names.includes(n));
}

/** The first line of an error's message, for a bench record's `skipped`/`error` field. */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
