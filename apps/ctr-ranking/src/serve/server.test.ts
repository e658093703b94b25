import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { initBackend } from '@counterweight/runtime';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createCtrModel } from '../models/index.js';
import { TINY_SPEC } from '../models/test-support/synthetic.js';
import { exportCtrModel, loadCtrOnnx } from '../onnx/index.js';
import type { RankCandidate, RankResponse } from './rank-request.js';
import { createServer, startServer, type ErrorResponse, type HealthResponse } from './server.js';

let dir: string;
let modelPath: string;
let app: FastifyInstance;

/** Valid candidates for TINY_SPEC (3 dense features; fields of 5 and 7 buckets). */
function candidates(count: number): RankCandidate[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `ad-${i}`,
    bid: 0.5 + (i % 4) * 0.25,
    numeric: [Math.sin(i), Math.cos(i), (i % 5) - 2],
    categorical: [i % 5, (i * 3) % 7],
  }));
}

beforeAll(async () => {
  await initBackend('wasm', { log: null });
  dir = await mkdtemp(join(tmpdir(), 'ctr-serve-'));
  modelPath = join(dir, 'fm.onnx');
  const model = createCtrModel(TINY_SPEC, { kind: 'fm', embeddingDim: 4, initStd: 0.5 }, 1);
  await exportCtrModel(model, TINY_SPEC, model.config, modelPath);
  model.dispose();
  app = await createServer({ modelPath, bodyLimit: 64 * 1024 });
});
afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

function post(payload: string | object, contentType = 'application/json') {
  return app.inject({
    method: 'POST',
    url: '/rank',
    headers: { 'content-type': contentType },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

describe('POST /rank', () => {
  it('scores all candidates in one batch and ranks them by eCPM = bid · pCTR', async () => {
    const request = candidates(20);
    const response = await post({ candidates: request });
    expect(response.statusCode).toBe(200);
    const body = response.json<RankResponse>();
    expect(body.model).toBe('fm');
    expect(body.candidates.map((c) => c.rank)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(body.candidates.map((c) => c.id))).toEqual(new Set(request.map((c) => c.id)));
    for (let i = 1; i < body.candidates.length; i += 1) {
      expect(body.candidates[i - 1]?.ecpm).toBeGreaterThanOrEqual(body.candidates[i]?.ecpm as number);
    }
    // pCTRs are the model's: score the same candidates directly.
    const model = await loadCtrOnnx(modelPath);
    const { probability } = await model.score(
      Float32Array.from(request.flatMap((c) => c.numeric)),
      Int32Array.from(request.flatMap((c) => c.categorical)),
      request.length,
    );
    await model.release();
    for (const ranked of body.candidates) {
      const i = request.findIndex((c) => c.id === ranked.id);
      expect(ranked.pctr).toBe(probability[i]);
      expect(ranked.bid).toBe(request[i]?.bid);
      expect(ranked.ecpm).toBeCloseTo(ranked.bid * ranked.pctr, 12);
    }
  });

  const good = candidates(2);
  const first = good[0] as RankCandidate;
  const bad: ReadonlyArray<[string, string | object, number, string]> = [
    ['invalid JSON', '{"candidates": [', 400, 'not valid JSON'],
    ['a body that is not an object', '[1, 2]', 400, 'body must be object'],
    ['no candidates field', {}, 400, "must have required property 'candidates'"],
    ['an empty candidate list', { candidates: [] }, 400, 'must NOT have fewer than 1 items'],
    ['a missing bid', { candidates: [{ ...first, bid: undefined }] }, 400, "must have required property 'bid'"],
    ['an unknown property', { candidates: [{ ...first, price: 1 }] }, 400, 'must NOT have additional properties'],
    ['a zero bid', { candidates: [{ ...first, bid: 0 }] }, 400, 'bid must be > 0'],
    ['a negative bid', { candidates: [{ ...first, bid: -2 }] }, 400, 'bid must be > 0'],
    ['a bid given as a string', { candidates: [{ ...first, bid: '1.5' }] }, 400, 'bid must be number'],
    ['too few numeric features', { candidates: [{ ...first, numeric: [1, 2] }] }, 400, 'numeric must NOT have fewer than 3 items'],
    ['too many categorical values', { candidates: [{ ...first, categorical: [1, 2, 3] }] }, 400, 'categorical must NOT have more than 2 items'],
    ['a non-integer categorical value', { candidates: [{ ...first, categorical: [1, 2.5] }] }, 400, 'must be integer'],
    ['a negative categorical value', { candidates: [{ ...first, categorical: [-1, 2] }] }, 400, 'must be >= 0'],
    ['a categorical value past its field', { candidates: [good[1], { ...first, categorical: [1, 7] }] }, 400, 'candidate 1 (id "ad-0"): categorical field "ad" must be an integer in [0, 6], got 7'],
    ['an infinite number (1e999)', `{"candidates":[{"id":"a","bid":1,"numeric":[1e999,0,0],"categorical":[1,1]}]}`, 400, 'numeric'],
    ['an infinite bid (1e999)', `{"candidates":[{"id":"a","bid":1e999,"numeric":[0,0,0],"categorical":[1,1]}]}`, 400, 'bid'],
    ['a duplicate id', { candidates: [first, first] }, 400, 'id is used twice'],
    ['an empty id', { candidates: [{ ...first, id: '' }] }, 400, 'id must NOT have fewer than 1 characters'],
  ];
  it.each(bad)('answers %s with a 400 and a clear message', async (_, payload, status, message) => {
    const response = await post(payload);
    expect(response.statusCode).toBe(status);
    const body = response.json<ErrorResponse>();
    expect(body.statusCode).toBe(status);
    expect(body.message).toContain(message);
  });

  it('answers 413 for a body over the limit, 415 for a non-JSON content type, 400 for an empty JSON body', async () => {
    const big = await post({ candidates: candidates(2000) });
    expect(big.statusCode).toBe(413);
    expect(big.json<ErrorResponse>().error).toBe('Payload Too Large');
    const text = await post('hello', 'text/plain');
    expect(text.statusCode).toBe(415);
    expect(text.json<ErrorResponse>().message).toBe('content-type "text/plain" is not supported; send application/json');
    expect((await post('')).statusCode).toBe(400);
  });

  it('survives a burst of malformed requests, then serves a good one', async () => {
    const payloads: Array<string | object> = [
      ...bad.map(([, payload]) => payload),
      '{"candidates":[{"id":"x","bid":1,"numeric":[NaN,0,0],"categorical":[0,0]}]}',
      '\u0000\u0001garbage',
      '{"candidates":' + '['.repeat(5000),
      { candidates: 'not an array' },
      { candidates: [null] },
      { candidates: [{ id: 1, bid: 1, numeric: [0, 0, 0], categorical: [0, 0] }] },
    ];
    const responses = await Promise.all(Array.from({ length: 10 }, () => payloads.map((p) => post(p))).flat());
    expect(responses.every((r) => r.statusCode === 400)).toBe(true);
    const ok = await post({ candidates: candidates(3) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<RankResponse>().candidates).toHaveLength(3);
  });
});

describe('GET /health and other routes', () => {
  it('reports the loaded model, its spec and the uptime', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    const body = response.json<HealthResponse>();
    expect(body.status).toBe('ok');
    expect(body.spec).toEqual(TINY_SPEC);
    expect(body.model.config.kind).toBe('fm');
    expect(body.model.path).toBe(modelPath);
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('answers unknown routes with 404 naming the routes that exist', async () => {
    const response = await app.inject({ method: 'GET', url: '/rank' });
    expect(response.statusCode).toBe(404);
    expect(response.json<ErrorResponse>().message).toContain('use POST /rank or GET /health');
  });

  it('refuses to start with a model file that is missing or a folder', async () => {
    await expect(createServer({ modelPath: join(dir, 'missing.onnx') })).rejects.toThrow(`${join(dir, 'missing.onnx')}: file not found`);
    await expect(createServer({ modelPath: dir })).rejects.toThrow(`${dir}: is a folder, expected an ONNX model file`);
  });
});

describe('startServer', () => {
  it('listens on a free port, serves over real HTTP, and shuts down on a signal', async () => {
    const before = process.listenerCount('SIGUSR2');
    const running = await startServer({ modelPath, port: 0, signals: ['SIGUSR2'] });
    expect(running.port).toBeGreaterThan(0);
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
    const response = await fetch(`${running.url}/rank`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ candidates: candidates(5) }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as RankResponse).candidates).toHaveLength(5);
    process.emit('SIGUSR2', 'SIGUSR2');
    await running.close();
    expect(running.app.server.listening).toBe(false);
    expect(process.listenerCount('SIGUSR2')).toBe(before);
  });
});
