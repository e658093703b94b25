import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fuzzHttp, httpRequest, malformedRequests, sendRaw, type FuzzTarget } from './http-fuzz.js';

let server: Server;
let port: number;
const LIMIT = 4096;

// A strict little JSON service: POST /echo with { "items": [number, …] } answers 200 with their sum; anything else
// is a 4xx with a JSON message. Its one deliberate flaw: a body containing "boom" crashes the handler into a 500.
beforeAll(async () => {
  server = createServer((request, response) => {
    const send = (status: number, message: string) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ statusCode: status, message }));
    };
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= LIMIT) chunks.push(c);
    });
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/echo') return send(404, 'route');
      if (size > LIMIT) return send(413, 'body too large');
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.includes('boom')) return send(500, 'internal');
      try {
        const value = JSON.parse(text) as { items?: unknown };
        if (!Array.isArray(value.items) || !value.items.every((x) => typeof x === 'number')) return send(400, 'items must be numbers');
        return send(200, String(value.items.reduce((a: number, b: number) => a + b, 0)));
      } catch {
        return send(400, 'body is not JSON');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const target: FuzzTarget = {
  route: { method: 'POST', path: '/echo' },
  validBody: (random) => ({ items: [random.int(0, 9), random.int(0, 9)] }),
  bodyLimit: LIMIT,
  extraKinds: { boom: () => '{"items":[1],"x":"boom"}' },
};

describe('malformedRequests', () => {
  it('is fixed by its seed and covers every generic kind and the extra ones', () => {
    const text = (seed: number) => malformedRequests(seed, 400, target).map((r) => `${r.kind} ${r.bytes.toString('base64')}`);
    const a = malformedRequests(3, 400, target);
    expect(text(3)).toEqual(text(3));
    expect(text(4)).not.toEqual(text(3));
    const kinds = new Set(a.map((r) => r.kind));
    for (const kind of ['random-bytes', 'malformed-http', 'truncated-json', 'deep-nesting', 'invalid-utf8', 'proto-key', 'oversized-body', 'boom']) expect(kinds).toContain(kind);
    const proto = a.find((r) => r.kind === 'proto-key');
    expect(proto?.bytes.toString('utf8')).toContain('"__proto__":{"polluted":true}');
  });
});

describe('fuzzHttp', () => {
  it('sends every request, counts statuses, and finds the deliberate 500', async () => {
    const requests = malformedRequests(11, 200, target);
    const report = await fuzzHttp(port, requests, { concurrency: 6 });
    expect(report.results).toHaveLength(200);
    expect(Object.values(report.sent).reduce((a, b) => a + b, 0)).toBe(200);
    expect(Object.values(report.statuses).reduce((a, b) => a + b, 0)).toBe(200);
    const booms = report.results.filter((r) => r.request.kind === 'boom');
    expect(booms.length).toBeGreaterThan(0);
    for (const r of booms) expect(r.response.status).toBe(500);
    expect(report.statuses['timeout']).toBeUndefined();
  });

  it('reads a whole response and reports a closed connection without status', async () => {
    const ok = await sendRaw(port, httpRequest('POST', '/echo', '{"items":[2,3]}'));
    expect([ok.status, ok.body, ok.timedOut]).toEqual([200, '{"statusCode":200,"message":"5"}', false]);
    const refused = await sendRaw(1, Buffer.from('x'), { timeoutMs: 1000 });
    expect(refused.status).toBeUndefined();
  });
});
