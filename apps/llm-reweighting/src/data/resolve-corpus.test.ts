import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { ConfigError, DataFileError, sharedDataDir } from '@counterweight/runtime';
import { afterAll, describe, expect, it } from 'vitest';

import { EMBEDDED_TINYSHAKESPEARE, TINYSTORIES_SHARED_PATH, fetchedTinyStoriesPath, resolveCorpus } from './resolve-corpus.js';
import { rejection, removeTempDirs, tempDir } from './test-support/temp.js';

afterAll(removeTempDirs);

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('resolveCorpus', () => {
  it('the embedded TinyShakespeare is byte for byte the shared copy (sha256 of SOURCES.md §2)', () => {
    const gz = readFileSync(EMBEDDED_TINYSHAKESPEARE);
    expect(sha256(gz)).toBe('bed00f18e91cda6838950656f0a95e07e0f4dbe8649a4b959f7602a7e53fbc6e');
    expect(sha256(gunzipSync(gz))).toBe('86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed');
  });

  it('reads TinyShakespeare as one document of 1,115,394 characters', async () => {
    const corpus = await resolveCorpus('tinyshakespeare');
    expect(corpus.source).toBe('embedded:tinyshakespeare');
    expect(corpus.documents).toHaveLength(1);
    expect(corpus.characters).toBe(1_115_394);
    expect(corpus.bytes).toBe(1_115_394);
    expect(corpus.documents[0]?.startsWith('First Citizen:\nBefore we proceed any further, hear me speak.')).toBe(true);
  });

  it('reads the shared TinyStories sample as 1,102 stories, paragraphs kept inside each', async () => {
    const corpus = await resolveCorpus('tinystories');
    expect(corpus.documents).toHaveLength(1102);
    expect(corpus.bytes).toBe(944_426);
    expect(corpus.documents[0]).toMatch(/^One day, a little girl named Lily found a needle/);
    expect(corpus.documents[1]).toMatch(/^Once upon a time, there was a little car named Beep/);
    expect(corpus.documents[2]).toMatch(/^One day, a little fish named Fin/);
    expect(corpus.documents.some((story) => story.includes('\n\n'))).toBe(true);
    expect(corpus.documents.every((story) => !/[^\n]\n[^\n]/.test(story))).toBe(true);
    const mean = corpus.documents.reduce((sum, story) => sum + story.length, 0) / corpus.documents.length;
    expect(mean).toBeGreaterThan(800);
    expect(mean).toBeLessThan(900);
  });

  it('says where it looked when neither the shared nor a fetched TinyStories copy is there', async () => {
    const empty = await tempDir('noshared');
    const error = await rejection(resolveCorpus('tinystories', { env: { COUNTERWEIGHT_SHARED_DATA: empty, XDG_CACHE_HOME: empty } }));
    expect(error).toBeInstanceOf(DataFileError);
    expect(error.message).toContain(join(empty, 'tinystories-sample', 'tiny_stories.txt.gz'));
    expect(error.message).toContain(join(empty, 'counterweight', 'data', 'tinystories-sample', 'tiny_stories.txt'));
    expect(error.message).toContain('npm run fetch-data -- tinystories');
    expect(error.message).toContain('COUNTERWEIGHT_SHARED_DATA');
  });

  it('reads the copy `npm run fetch-data -- tinystories` downloaded when the shared data has none', async () => {
    const empty = await tempDir('fetched');
    const env = { COUNTERWEIGHT_SHARED_DATA: empty, XDG_CACHE_HOME: empty };
    const fetched = fetchedTinyStoriesPath(env);
    expect(fetched).toBe(join(empty, 'counterweight', 'data', 'tinystories-sample', 'tiny_stories.txt'));
    await mkdir(dirname(fetched), { recursive: true });
    await writeFile(fetched, gunzipSync(readFileSync(join(sharedDataDir(), TINYSTORIES_SHARED_PATH))));
    const corpus = await resolveCorpus('tinystories', { env });
    expect(corpus.documents).toHaveLength(1102);
    expect(corpus.bytes).toBe(944_426);
  });

  it('refuses an unknown name, listing the known ones', async () => {
    const error = await rejection(resolveCorpus('wikitext'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('tinyshakespeare, tinystories');
  });
});
