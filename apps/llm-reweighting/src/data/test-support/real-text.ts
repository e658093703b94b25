import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { sharedDataDir } from '@counterweight/runtime';

import { EMBEDDED_TINYSHAKESPEARE, TINYSTORIES_SHARED_PATH } from '../resolve-corpus.js';

/** The embedded TinyShakespeare text, decompressed (1,115,394 characters, ASCII). */
export function embeddedShakespeare(): Buffer {
  return gunzipSync(readFileSync(EMBEDDED_TINYSHAKESPEARE));
}

/** The shared TinyShakespeare copy as stored: gzip bytes (`../shared/data/tinyshakespeare/input.txt.gz`). */
export function sharedShakespeareGzipPath(): string {
  return join(sharedDataDir(), 'tinyshakespeare', 'input.txt.gz');
}

/** The shared TinyStories sample, decompressed (`../shared/data/tinystories-sample`). */
export function sharedStories(): Buffer {
  return gunzipSync(readFileSync(join(sharedDataDir(), TINYSTORIES_SHARED_PATH)));
}

/** The 1-based line of byte `offset` in `bytes` (newlines before it, plus one). */
export function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i += 1) if (bytes[i] === 10) line += 1;
  return line;
}

/** `bytes` with `insert` spliced in at `offset`. */
export function spliceBytes(bytes: Uint8Array, offset: number, insert: readonly number[]): Buffer {
  return Buffer.concat([bytes.subarray(0, offset), Buffer.from(insert), bytes.subarray(offset)]);
}
