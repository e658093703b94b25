import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A nested list of numbers as stored in a vector file. */
export type NestedNumbers = number | NestedNumbers[];
/** A JSON value inside `params`, `inputs` or `expected`. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One case of a vector file (schema in `shared/parity/README.md`). */
export interface VectorCase {
  readonly id: string;
  readonly seed: number | undefined;
  readonly params: Readonly<Record<string, JsonValue>>;
  readonly inputs: Readonly<Record<string, JsonValue>>;
  readonly gradOf: string | undefined;
  readonly expected: Readonly<Record<string, JsonValue>>;
}

/** A parsed vector file. */
export interface VectorFile {
  readonly path: string;
  readonly loss: string;
  readonly source: Readonly<Record<string, JsonValue>>;
  readonly cases: readonly VectorCase[];
}

/** A vector file that does not follow the schema; names the file, the case and the field. */
export class VectorFileError extends Error {
  override readonly name = 'VectorFileError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

function isRecord(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads and checks one vector file. */
export async function readVectorFile(path: string): Promise<VectorFile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new VectorFileError(path, `is not readable JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(parsed)) throw new VectorFileError(path, 'must hold a JSON object');
  const { loss, source, cases } = parsed;
  if (typeof loss !== 'string' || loss === '') throw new VectorFileError(path, 'field "loss" must be a non-empty string');
  if (!Array.isArray(cases)) throw new VectorFileError(path, 'field "cases" must be an array');
  const parsedCases = cases.map((entry, index): VectorCase => {
    const where = `case ${index}`;
    if (!isRecord(entry)) throw new VectorFileError(path, `${where} must be an object`);
    const id = typeof entry['id'] === 'string' ? entry['id'] : `#${index}`;
    const params = entry['params'] ?? {};
    const inputs = entry['inputs'];
    const expected = entry['expected'];
    if (!isRecord(params)) throw new VectorFileError(path, `case "${id}": field "params" must be an object`);
    if (!isRecord(inputs)) throw new VectorFileError(path, `case "${id}": field "inputs" must be an object`);
    if (!isRecord(expected)) throw new VectorFileError(path, `case "${id}": field "expected" must be an object`);
    return {
      id,
      seed: typeof entry['seed'] === 'number' ? entry['seed'] : undefined,
      params,
      inputs,
      gradOf: typeof entry['grad_of'] === 'string' ? entry['grad_of'] : undefined,
      expected,
    };
  });
  return { path, loss, source: isRecord(source) ? source : {}, cases: parsedCases };
}

/** Reads every `*.json` vector file in `dir` (sorted by name; `README.md` and other files are ignored). */
export async function readVectorDirectory(dir: string): Promise<VectorFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new VectorFileError(dir, `cannot be listed (${error instanceof Error ? error.message : String(error)})`);
  }
  const files = names.filter((name) => name.endsWith('.json')).sort();
  return Promise.all(files.map((name) => readVectorFile(join(dir, name))));
}

/** Flattens a nested number list (row-major), checking every leaf is a number. */
export function flatten(value: JsonValue, what: string): number[] {
  const out: number[] = [];
  const visit = (v: JsonValue): void => {
    if (typeof v === 'number') out.push(v);
    else if (typeof v === 'boolean') out.push(v ? 1 : 0); // masks (e.g. the NTL files' valid_mask) as 0/1
    else if (Array.isArray(v)) v.forEach(visit);
    else throw new Error(`${what} must hold only numbers, found ${JSON.stringify(v)}`);
  };
  visit(value);
  return out;
}

/** The shape of a rectangular nested list (`[]` for a scalar). */
export function shapeOf(value: JsonValue, what: string): number[] {
  const shape: number[] = [];
  let level: JsonValue = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0] ?? null;
  }
  if (flatten(value, what).length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`${what} is not rectangular`);
  return shape;
}
