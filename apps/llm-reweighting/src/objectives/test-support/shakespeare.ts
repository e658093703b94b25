// Test-only: TinyShakespeare from the shared data directory, as character ids (sorted code points).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { sharedDataDir } from '@counterweight/runtime';

/** The TinyShakespeare file of the shared data directory. */
export const tinyShakespeareFile = (): string => join(sharedDataDir(), 'tinyshakespeare', 'input.txt.gz');

/** The text, its character vocabulary (sorted), and the ids of the text's first `limit` characters. */
export function shakespeareIds(limit: number): { vocabulary: string[]; ids: Int32Array } {
  const text = gunzipSync(readFileSync(tinyShakespeareFile())).toString('utf8');
  const vocabulary = [...new Set(text)].sort();
  const index = new Map(vocabulary.map((c, i) => [c, i]));
  const chars = [...text.slice(0, limit)];
  return { vocabulary, ids: Int32Array.from(chars, (c) => index.get(c) ?? -1) };
}
