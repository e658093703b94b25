import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { describe, expect, it } from 'vitest';

import { DataFileError } from '../errors.js';
import { describeDownloadFailure, downloadBytes, gitBlobSha1, sha256Hex } from './download.js';

describe('download helpers', () => {
  it('downloads from a local server and describes failures in one line', async () => {
    const server = createServer((request, response) => {
      if (request.url === '/ok') response.writeHead(200, { 'content-length': '5' }).end('hello');
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await downloadBytes(`${base}/ok`, { timeoutMs: 5000, quiet: true })).toString()).toBe('hello');
      const error = await downloadBytes(`${base}/missing`, { timeoutMs: 5000, quiet: true }).catch((e: unknown) => e);
      expect(describeDownloadFailure(error, 5000)).toBe('HTTP 404 Not Found');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' });
    expect(describeDownloadFailure(timeout, 1500)).toBe('timed out after 1.5 s');
    expect(describeDownloadFailure(new DataFileError({ file: 'x.gz' }, 'corrupt'), 1)).toBe('corrupt');
  });

  it('hashes: SHA-256 and git blob ids', () => {
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(gitBlobSha1(Buffer.from('hello\n'))).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
});
