import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DownloadSession } from './download-session.js';
import { startLocalServer, unreachableUrl, type LocalServer } from './test-support/index.js';

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer((path) => (path === 'a/archive.zip' ? Buffer.from('zip bytes') : undefined));
});
afterAll(() => server.close());

describe('DownloadSession', () => {
  it('skips a folder after an HTTP error, a host after a refused connection, and downloads a shared archive once', async () => {
    const session = new DownloadSession({ timeoutMs: 5_000, quiet: true });
    const [first, second] = await Promise.all([session.download(`${server.url}a/archive.zip`, 'x', true), session.download(`${server.url}a/archive.zip`, 'x', true)]);
    expect(first?.toString()).toBe('zip bytes');
    expect(second).toBe(first);
    expect(server.hits).toEqual(['a/archive.zip']);

    const error = await session.download(`${server.url}b/nope.csv`, 'nope.csv').catch((e: unknown) => e);
    expect(session.fail(`${server.url}b/nope.csv`, error)).toBe('HTTP 404 Not Found');
    expect(session.skipReason(`${server.url}b/other.csv`)).toBe(`not tried: ${server.url}b/ failed earlier (HTTP 404 Not Found)`);
    expect(session.skipReason(`${server.url}a/other.csv`)).toBeUndefined();

    const refused = await unreachableUrl();
    const refusal = await session.download(`${refused}x.csv`, 'x.csv').catch((e: unknown) => e);
    expect(session.fail(`${refused}x.csv`, refusal)).toBe('fetch failed (ECONNREFUSED)');
    expect(session.skipReason(`${refused}elsewhere/y.csv`)).toBe(`not tried: ${refused.slice(0, -1)} failed earlier (fetch failed (ECONNREFUSED))`);
  });
});
