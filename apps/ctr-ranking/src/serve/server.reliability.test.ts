/**
 * `ctr-ranking serve` as a real process on loopback: named bad requests (the probe's `__proto__` case among them), a
 * seeded fuzzing batch of malformed requests, and slow clients. The service must answer every malformed request with
 * a 4xx JSON error naming what is wrong, never a 5xx, never exit, keep its resident memory steady, close slow
 * connections within its timeouts, and answer a normal request all along.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join, resolve } from 'node:path';

import {
  fuzzHttp,
  httpRequest,
  malformedRequests,
  openSlowClients,
  RELIABILITY_ENV,
  residentMemoryBytes,
  sendRaw,
  sourceCli,
  waitForSlowClients,
  type FuzzTarget,
} from '@counterweight/reliability-kit';
import { initBackend, SeededRandom } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/temp.js';
import { createCtrModel } from '../models/index.js';
import { TINY_SPEC } from '../models/test-support/synthetic.js';
import { exportCtrModel } from '../onnx/index.js';

const CLI = resolve(import.meta.dirname, '..', 'cli.ts');
const REQUEST_TIMEOUT_MS = 2_000;
const HEADERS_TIMEOUT_MS = 1_000;
const BODY_LIMIT = 64 * 1024;

let server: ChildProcessWithoutNullStreams;
let port: number;
let stderr = '';

/** A valid candidate list for TINY_SPEC (3 numeric features; fields of 5 and 7 buckets). */
function validBody(random: SeededRandom): { candidates: Array<{ id: string; bid: number; numeric: number[]; categorical: number[] }> } {
  return {
    candidates: Array.from({ length: random.int(1, 4) }, (_, i) => ({
      id: `ad-${i}`,
      bid: 0.1 + random.uniform(),
      numeric: [random.normal(), random.normal(), random.normal()],
      categorical: [random.int(0, 4), random.int(0, 6)],
    })),
  };
}

const target: FuzzTarget = {
  route: { method: 'POST', path: '/rank' },
  validBody,
  bodyLimit: BODY_LIMIT,
  // The ctr-specific shapes: feature counts, category ranges, bids, ids, candidate caps.
  extraKinds: {
    'category-out-of-range': (r) => JSON.stringify({ candidates: [{ ...validBody(r).candidates[0], categorical: [5, r.int(7, 1e6)] }] }),
    'wrong-feature-count': (r) => {
      const n = r.int(0, 8);
      return JSON.stringify({ candidates: [{ ...validBody(r).candidates[0], numeric: Array.from({ length: n >= 3 ? n + 1 : n }, () => 1) }] });
    },
    'non-positive-bid': (r) => JSON.stringify({ candidates: [{ ...validBody(r).candidates[0], bid: r.int(-3, 0) }] }),
    'duplicate-ids': (r) => JSON.stringify({ candidates: [validBody(r).candidates[0], validBody(r).candidates[0]] }),
    'huge-id': (r) => JSON.stringify({ candidates: [{ ...validBody(r).candidates[0], id: 'x'.repeat(r.int(257, 5000)) }] }),
    'float-category': (r) => JSON.stringify({ candidates: [{ ...validBody(r).candidates[0], categorical: [1.5, 2] }] }),
  },
};

async function rank(body: unknown): Promise<{ status: number | undefined; json: { statusCode?: number; message?: string; candidates?: unknown[] } }> {
  const response = await sendRaw(port, httpRequest('POST', '/rank', JSON.stringify(body)));
  return { status: response.status, json: JSON.parse(response.body || '{}') as { statusCode?: number; message?: string; candidates?: unknown[] } };
}

beforeAll(async () => {
  await initBackend('wasm', { log: null });
  const dir = await tempDir('serve-reliability');
  const modelPath = join(dir, 'fm.onnx');
  const model = createCtrModel(TINY_SPEC, { kind: 'fm', embeddingDim: 4, initStd: 0.5 }, 1);
  await exportCtrModel(model, TINY_SPEC, model.config, modelPath);
  model.dispose();
  const [command, args] = sourceCli(CLI, [
    'serve', '--model', modelPath, '--port', '0', '--body-limit', String(BODY_LIMIT),
    '--request-timeout', String(REQUEST_TIMEOUT_MS), '--headers-timeout', String(HEADERS_TIMEOUT_MS), '--keep-alive-timeout', '1000',
  ]);
  server = spawn(command, args, { env: { ...process.env, ...RELIABILITY_ENV } });
  server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  port = await new Promise<number>((found, fail) => {
    let out = '';
    server.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /at http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (match !== null) found(Number(match[1]));
    });
    server.on('exit', (code) => fail(new Error(`serve exited with ${String(code)}: ${stderr}`)));
  });
}, 60_000);

afterAll(async () => {
  server.kill('SIGTERM');
  await removeTempDirs();
});

describe('ctr-ranking serve: named bad requests', () => {
  const first = { id: 'a', bid: 1, numeric: [0, 0, 0], categorical: [1, 1] };
  it.each([
    ['a __proto__ key in a candidate', `{"candidates":[{"__proto__":{"polluted":true},"id":"a","bid":1,"numeric":[0,0,0],"categorical":[1,1]}]}`, 'forbidden key "__proto__" at candidates[0]'],
    ['a constructor key at the top', `{"constructor":{"prototype":{}},"candidates":[]}`, 'forbidden key "constructor" at the top level'],
    ['NaN as a number', `{"candidates":[{"id":"a","bid":NaN,"numeric":[0,0,0],"categorical":[1,1]}]}`, 'body is not valid JSON at line 1, column 32: expected a JSON value, found "N"'],
    ['a body cut after a comma', `{"candidates":[{"id":"a","bid":1,`, 'body is not valid JSON at line 1, column 34: expected a key in double quotes, found the end of the text'],
    ['an unknown field', JSON.stringify({ candidates: [{ ...first, price: 2 }] }), 'body/candidates/0 must NOT have additional properties (found "price")'],
    ['a category past its table', JSON.stringify({ candidates: [{ ...first, categorical: [1, 9] }] }), 'candidate 0 (id "a"): categorical field "ad" must be an integer in [0, 6], got 9'],
    ['an infinite bid', `{"candidates":[{"id":"a","bid":1e999,"numeric":[0,0,0],"categorical":[1,1]}]}`, 'body/candidates/0/bid must be number'],
    ['a truncated body', `{"candidates":[{"id":"a","bid":1`, 'body is not valid JSON at line 1, column 33: expected "," or "}" after a value, found the end of the text'],
    ['a feature beyond float32', `{"candidates":[{"id":"a","bid":1,"numeric":[0,1e308,0],"categorical":[1,1]}]}`, 'candidate 0 (id "a"): numeric feature "x1" is outside the float32 range (±3.4e38), got 1e+308'],
  ])('answers %s with a 400 naming it', async (_, body, message) => {
    const response = await sendRaw(port, httpRequest('POST', '/rank', body));
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ statusCode: 400, error: 'Bad Request', message });
  });

  it('answers invalid UTF-8 with a 400 giving the byte offset, and a normal request with a ranking', async () => {
    const bytes = Buffer.concat([Buffer.from('{"candidates":[{"id":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","bid":1,"numeric":[0,0,0],"categorical":[1,1]}]}')]);
    const response = await sendRaw(port, httpRequest('POST', '/rank', bytes));
    expect([response.status, (JSON.parse(response.body) as { message: string }).message]).toEqual([400, 'body has invalid UTF-8 at line 1, column 23, byte offset 22 (byte 0xc3)']);
    const ok = await rank(validBody(SeededRandom.fromSeed(1)));
    expect(ok.status).toBe(200);
  });
});

describe('ctr-ranking serve under fuzzing and slow clients', () => {
  it('answers 1,000 seeded malformed requests with 4xx JSON errors naming the field, exits never, keeps its memory, then serves', async () => {
    const warmUp = await fuzzHttp(port, malformedRequests(1, 200, target), { concurrency: 8 });
    const rssBefore = residentMemoryBytes(server.pid ?? -1) ?? 0;
    const report = await fuzzHttp(port, malformedRequests(2, 1_000, target), { concurrency: 8 });
    const rssAfter = residentMemoryBytes(server.pid ?? -1) ?? 0;
    process.stdout.write(
      `fuzzing: warm-up ${warmUp.results.length} requests; then ${report.results.length} in ${Math.round(report.ms)} ms\n` +
        `  sent by kind ${JSON.stringify(report.sent)}\n  statuses ${JSON.stringify(report.statuses)}\n` +
        `  resident memory after warm-up ${(rssBefore / 2 ** 20).toFixed(1)} MiB, at the end ${(rssAfter / 2 ** 20).toFixed(1)} MiB\n`,
    );
    expect(server.exitCode).toBeNull();
    // No 5xx and no unanswered request. A 200 is right only where a mutation can leave a valid request: a huge but
    // float32-range number, a number put where a number was, one candidate of several removed.
    expect(Object.keys(report.statuses).filter((s) => !/^[24]\d\d$/.test(s))).toEqual([]);
    const mayStayValid = new Set(['huge-number', 'wrong-type', 'missing-field']);
    expect(report.results.filter((r) => r.response.status === 200 && !mayStayValid.has(r.request.kind)).map((r) => r.request.kind)).toEqual([]);
    for (const { request, response } of report.results) {
      if (response.status === 200) continue;
      const body = JSON.parse(response.body) as { statusCode: number; error: string; message: string };
      expect(body.statusCode, request.kind).toBe(response.status);
      // Every message says which part of the request is wrong.
      expect(body.message, request.kind).toMatch(/body|candidate|content-type|route|request|header|Content-Length|method|URL|forbidden key/);
      if (request.kind === 'proto-key') expect(body.message).toMatch(/^forbidden key "__proto__" at /);
      if (request.kind === 'invalid-utf8') expect(body.message).toMatch(/^body has invalid UTF-8 at line \d+, column \d+, byte offset \d+ \(byte 0x[0-9a-f]{2}/);
      if (request.kind === 'oversized-body') expect(response.status).toBe(413);
    }
    // Resident memory: after the warm-up batch has grown V8's heap and fastify's caches, another 1,000 requests may
    // add at most 32 MiB (heap growth before a major GC; a leak of even 20 kB per request would exceed it).
    expect(rssAfter - rssBefore).toBeLessThan(32 * 2 ** 20);
    const health = await sendRaw(port, httpRequest('GET', '/health', ''));
    expect(health.status).toBe(200);
    expect((await rank(validBody(SeededRandom.fromSeed(2)))).status).toBe(200);
  }, 60_000);

  it('closes 200 slow connections (headers never finished, body promised but dripped or never sent) within the timeouts, serving meanwhile', async () => {
    const options = { method: 'POST', path: '/rank', dripMs: 150 };
    const clients = [
      ...(await openSlowClients(port, 70, 'headers', options)),
      ...(await openSlowClients(port, 70, 'body', options)),
      ...(await openSlowClients(port, 60, 'silent-body', options)),
    ];
    const started = performance.now();
    const meanwhile = await rank(validBody(SeededRandom.fromSeed(3)));
    const answeredMs = performance.now() - started;
    const result = await waitForSlowClients(clients, REQUEST_TIMEOUT_MS + 3_000);
    const slowestHeaders = Math.max(...clients.slice(0, 70).map((c) => c.closedAfterMs ?? Number.POSITIVE_INFINITY));
    process.stdout.write(
      `slow clients: ${result.opened} opened, ${result.closed} closed by the server (headers ones by ${Math.round(slowestHeaders)} ms, ` +
        `all by ${Math.round(result.slowestCloseMs ?? -1)} ms); a normal request meanwhile answered in ${Math.round(answeredMs)} ms\n`,
    );
    for (const c of clients) c.destroy();
    expect(meanwhile.status).toBe(200);
    expect(result).toMatchObject({ opened: 200, closed: 200, stillOpen: 0 });
    // Node checks the timeouts every quarter of the headers timeout (250 ms here): allow that and 1 s of scheduling.
    expect(slowestHeaders).toBeLessThan(HEADERS_TIMEOUT_MS + 1_250);
    expect(result.slowestCloseMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1_250);
    expect(clients[0]?.received).toMatch(/^HTTP\/1\.1 408 Request Timeout[\s\S]*"message":"request not received in time/);
    expect(server.exitCode).toBeNull();
  }, 30_000);
});
