import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { gzipSync } from 'node:zlib';

import { cleanFailureProblems } from '@counterweight/reliability-kit';

/** One bad input of a loader's corpus: how it is made (from a real file where it makes sense) and what the error must name. */
export interface BadInput {
  readonly name: string;
  /** Writes the bad file(s) into `dir` and returns what the loader is given (usually a path). */
  readonly make: (dir: string) => Promise<string>;
  /** What the one-line error must mention besides the file's base name: a row, a column, a byte offset, an entry. */
  readonly mentions: ReadonlyArray<string | RegExp>;
}

/** How one case ended: the error's class and message, or `problems` when it did not end cleanly. */
export interface BadInputOutcome {
  readonly name: string;
  readonly errorClass: string;
  readonly message: string;
  readonly problems: readonly string[];
}

/**
 * Runs `load(input)` and judges its failure as the CLI would print it (`ctr-ranking: <message>`): it must throw an
 * error of one of `classes`, whose message passes `cleanFailureProblems` (one short line, no stack, no `undefined`,
 * no echoed bytes, no bare errno) and mentions `file` (its base name) and every expected mention.
 */
export async function judgeBadInput(
  input: BadInput,
  dir: string,
  load: (input: string) => Promise<unknown>,
  classes: readonly string[],
  file?: (input: string) => string,
): Promise<BadInputOutcome> {
  const given = await input.make(dir);
  let error: unknown;
  try {
    await load(given);
  } catch (caught) {
    error = caught;
  }
  if (error === undefined) return { name: input.name, errorClass: 'none', message: '', problems: ['loaded without an error'] };
  const errorClass = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : JSON.stringify(error);
  const run = { code: 1, signal: null, stdout: '', stderr: `ctr-ranking: ${message}\n`, timedOut: false, ms: 0 };
  const problems = [
    ...(classes.includes(errorClass) ? [] : [`threw ${errorClass}, expected ${classes.join(' or ')}`]),
    ...cleanFailureProblems(run, { mentions: [basename(file?.(given) ?? given), ...input.mentions], maxLines: 1 }),
  ];
  return { name: input.name, errorClass, message, problems };
}

/** Writes `content` at `path` (creating folders), gzipped when the name ends in `.gz`; returns `path`. */
export async function writeInput(path: string, content: string | Buffer): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  await writeFile(path, path.endsWith('.gz') ? gzipSync(bytes) : bytes);
  return path;
}

/** `text` with the cell at 0-based `line` and `column` replaced (`delimiter`-separated, no quoting inside cells). */
export function withCell(text: string, line: number, column: number, value: string, delimiter = ','): string {
  const lines = text.split('\n');
  const cells = (lines[line] ?? '').split(delimiter);
  cells[column] = value;
  lines[line] = cells.join(delimiter);
  return lines.join('\n');
}

/** `text` with line `line` (0-based) replaced by `replace(line)`. */
export function withLine(text: string, line: number, replace: (line: string) => string): string {
  const lines = text.split('\n');
  lines[line] = replace(lines[line] ?? '');
  return lines.join('\n');
}

/** `bytes` with invalid UTF-8 (a lone 0xFF) inserted at `offset`. */
export function withInvalidUtf8(text: string, offset: number): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([bytes.subarray(0, offset), Buffer.from([0xff, 0xfe]), bytes.subarray(offset)]);
}

/** Deterministic pseudo-random bytes (a binary file to give where text is expected), with NUL bytes and high bytes. */
export function binaryBytes(length: number, seed = 7): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  out[3] = 0;
  return out;
}

