import { readFile } from 'node:fs/promises';

/**
 * `value` without the object keys named in `ignore`, at any depth (arrays kept in order). What two runs of the same
 * computation may differ in — timings, the machine's provenance, whether a run was reused — is left out this way before
 * comparing their results with deep equality.
 */
export function withoutKeys(value: unknown, ignore: Iterable<string>): unknown {
  const keys = new Set(ignore);
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).filter(([key]) => !keys.has(key)).map(([key, inner]) => [key, strip(inner)]));
  };
  return strip(value);
}

/** The JSON file at `file` (e.g. a comparison's metrics.json), parsed, without the keys in `ignore` ({@link withoutKeys}). */
export async function readComparableJson(file: string, ignore: Iterable<string>): Promise<unknown> {
  return withoutKeys(JSON.parse(await readFile(file, 'utf8')) as unknown, ignore);
}
