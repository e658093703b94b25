import { RunFileError } from './run-file-error.js';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'bigint') return `BigInt ${value}n`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  return Object.prototype.toString.call(value).slice(8, -1);
}

function hasToJson(value: object): value is { toJSON: (key: string) => unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/**
 * Converts `value` into plain JSON data, checking that nothing would be lost or silently changed by
 * `JSON.stringify`. Returns the converted value (numbers, strings, booleans, null, arrays and plain objects only).
 */
function toPlainJson(value: unknown, path: string, file: string | undefined, ancestors: Set<object>): unknown {
  const fail = (problem: string): never => {
    throw new RunFileError({ file, keyPath: path }, problem);
  };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      fail(`${value} is not valid JSON (JSON.stringify would write null); store it as a string or leave the key out`);
    }
    return value;
  }
  if (typeof value !== 'object') {
    return fail(`${describe(value)} has no JSON encoding`);
  }
  if (ancestors.has(value)) return fail('circular reference');
  ancestors.add(value);
  try {
    // Before toJSON: vega-lite gives Set.prototype a toJSON, so a Set would pass silently once vega-lite is loaded.
    if (value instanceof Map || value instanceof Set) {
      return fail(`a ${describe(value)} would be written as {}; convert it to an object or array first`);
    }
    if (hasToJson(value)) return toPlainJson(value.toJSON(''), path, file, ancestors);
    if (ArrayBuffer.isView(value)) {
      if (value instanceof DataView || value instanceof BigInt64Array || value instanceof BigUint64Array) {
        return fail(`${describe(value)} has no JSON encoding`);
      }
      return Array.from(value as unknown as ArrayLike<number>, (item, i) => toPlainJson(item, childPath(path, i), file, ancestors));
    }
    if (Array.isArray(value)) {
      return value.map((item: unknown, i) => toPlainJson(item, childPath(path, i), file, ancestors));
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // Like JSON.stringify, leave out properties whose value is undefined (optional fields).
      if (item === undefined) continue;
      out[key] = toPlainJson(item, childPath(path, key), file, ancestors);
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * `JSON.stringify(value, null, 2)` plus a trailing newline, refusing values that JSON cannot hold faithfully instead of
 * letting them change silently:
 * - `NaN`, `Infinity`, `-Infinity` anywhere: error (JSON.stringify would write `null`). Encode them yourself (e.g. as
 *   strings) if a report needs them.
 * - `undefined`, functions and symbols inside arrays or at the top: error (they would become `null`); as object
 *   property values they are left out, as JSON.stringify does, so optional fields may be undefined.
 * - BigInt, `Map`, `Set`, `DataView` and circular references: error.
 * - Typed arrays (`Float32Array` etc.) become plain arrays of numbers; objects with `toJSON` (e.g. `Date`) use it.
 *
 * @param options.file the file the text is for, named in errors.
 * @throws RunFileError naming the file and the key path (e.g. `$.history[3].loss`) of the first offending value.
 */
export function strictJsonStringify(value: unknown, options: { readonly file?: string } = {}): string {
  return `${JSON.stringify(toPlainJson(value, '$', options.file, new Set()), null, 2)}\n`;
}
