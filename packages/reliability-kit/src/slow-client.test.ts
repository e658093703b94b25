import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { openSlowClients, waitForSlowClients, type SlowClientMode } from './slow-client.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** An echo server, with Node's request/headers timeouts when `timeoutMs` is given, else none. */
async function listen(timeoutMs?: number): Promise<number> {
  const options = timeoutMs === undefined ? { requestTimeout: 0, headersTimeout: 0 } : { requestTimeout: timeoutMs, headersTimeout: timeoutMs, connectionsCheckingInterval: 50 };
  const server = createServer(options, (request, response) => {
    request.resume();
    request.on('end', () => response.end('ok'));
  });
  server.setTimeout(0);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('openSlowClients', () => {
  it.each<SlowClientMode>(['headers', 'body', 'silent-body'])('sees a server with timeouts close %s clients within the timeout', async (mode) => {
    const port = await listen(300);
    const clients = await openSlowClients(port, 5, mode, { dripMs: 50 });
    const result = await waitForSlowClients(clients, 3_000);
    expect(result).toMatchObject({ opened: 5, closed: 5, stillOpen: 0 });
    expect(result.slowestCloseMs).toBeGreaterThanOrEqual(250);
    expect(result.slowestCloseMs).toBeLessThan(1_500);
    expect(clients[0]?.received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('sees a server without timeouts keep them open (so the check can fail)', async () => {
    const port = await listen();
    const clients = await openSlowClients(port, 3, 'body', { dripMs: 50 });
    const result = await waitForSlowClients(clients, 600);
    expect(result).toMatchObject({ opened: 3, closed: 0, stillOpen: 3 });
    for (const c of clients) c.destroy();
  });
});
