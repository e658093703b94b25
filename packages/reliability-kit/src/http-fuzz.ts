import { connect } from 'node:net';

import { SeededRandom } from '@counterweight/runtime/base';

/** One request of a fuzzing batch: the exact bytes sent on a fresh connection, and the kind that made them. */
export interface FuzzRequest {
  readonly kind: string;
  readonly bytes: Buffer;
}

/** A service's routes and valid bodies, from which {@link malformedRequests} derives malformed ones. */
export interface FuzzTarget {
  /** `host` header value (default `127.0.0.1`). */
  readonly host?: string;
  /** The JSON route that takes bodies, e.g. `{ method: 'POST', path: '/rank' }`. */
  readonly route: { readonly method: string; readonly path: string };
  /** A valid body for the route, made from a seeded random source (the mutations start from it). */
  readonly validBody: (random: SeededRandom) => unknown;
  /** Largest body the service accepts in bytes: `oversized-body` sends a little more. */
  readonly bodyLimit: number;
  /** Extra, service-specific kinds: each makes a body (text or bytes) for the JSON route. */
  readonly extraKinds?: Readonly<Record<string, (random: SeededRandom) => string | Buffer>>;
}

/** The generic malformed-request kinds of {@link malformedRequests}, each a function of the target and a random source. */
const GENERIC_KINDS = [
  'random-bytes',
  'malformed-http',
  'truncated-json',
  'wrong-type',
  'missing-field',
  'huge-number',
  'nan-infinity-text',
  'deep-nesting',
  'empty-list',
  'empty-body',
  'oversized-body',
  'wrong-method',
  'wrong-path',
  'wrong-content-type',
  'invalid-utf8',
  'proto-key',
  'constructor-key',
  'content-length-short',
] as const;

/** A generic kind of malformed request. */
export type GenericFuzzKind = (typeof GENERIC_KINDS)[number];

/** An HTTP/1.1 request with `Connection: close` and an exact Content-Length (unless `contentLength` overrides it). */
export function httpRequest(
  method: string,
  path: string,
  body: string | Buffer,
  options: { readonly host?: string; readonly contentType?: string | null; readonly contentLength?: number } = {},
): Buffer {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const headers = [
    `${method} ${path} HTTP/1.1`,
    `Host: ${options.host ?? '127.0.0.1'}`,
    'Connection: close',
    ...(options.contentType === null ? [] : [`Content-Type: ${options.contentType ?? 'application/json'}`]),
    ...(payload.length > 0 || options.contentLength !== undefined ? [`Content-Length: ${options.contentLength ?? payload.length}`] : []),
  ];
  return Buffer.concat([Buffer.from(`${headers.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

/** Paths to the leaves and objects of a JSON value (`['candidates', 0, 'bid']`), for targeted mutations. */
function jsonPaths(value: unknown, prefix: ReadonlyArray<string | number> = []): Array<ReadonlyArray<string | number>> {
  const paths: Array<ReadonlyArray<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => paths.push(...jsonPaths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths.push(...jsonPaths(v, [...prefix, k]));
  return paths;
}

/** A deep copy of `value` with the node at `path` replaced by `replace(old)` (or deleted when it returns `DELETE`). */
const DELETE = Symbol('delete');
function withNode(value: unknown, path: ReadonlyArray<string | number>, replace: (old: unknown) => unknown): unknown {
  if (path.length === 0) return replace(value);
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...(value as unknown[])];
    const next = withNode(copy[head as number], rest, replace);
    if (next === DELETE) copy.splice(head as number, 1);
    else copy[head as number] = next;
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  const next = withNode(copy[head as string], rest, replace);
  if (next === DELETE) delete copy[head as string];
  else copy[head as string] = next;
  return copy;
}

/** A JSON text with the raw `token` in place of a random leaf (numbers and strings) of `value`. */
function withRawToken(value: unknown, random: SeededRandom, token: string): string {
  const marker = '"__fuzz_token_7f3a__"';
  const leaves = jsonPaths(value).filter((p) => p.length > 0);
  const path = leaves[random.int(0, leaves.length - 1)] ?? [];
  return JSON.stringify(withNode(value, path, () => '__fuzz_token_7f3a__')).replace(marker, token);
}

function pick<T>(random: SeededRandom, values: readonly T[]): T {
  return values[random.int(0, values.length - 1)] as T;
}

/** The body text of one generic kind (or the whole request bytes, for the kinds that break HTTP itself). */
function makeGeneric(kind: GenericFuzzKind, target: FuzzTarget, random: SeededRandom): Buffer {
  const { method, path } = target.route;
  const host = target.host ?? '127.0.0.1';
  const json = (body: string | Buffer, contentType?: string | null) => httpRequest(method, path, body, { host, ...(contentType === undefined ? {} : { contentType }) });
  const valid = target.validBody(random);
  const text = JSON.stringify(valid);
  switch (kind) {
    case 'random-bytes':
      return Buffer.from(Array.from({ length: random.int(1, 600) }, () => random.int(0, 255)));
    case 'malformed-http':
      return Buffer.from(
        pick(random, [
          `${method} ${path} HTTP/9.9\r\n\r\n`,
          `${method}\u0000 ${path} HTTP/1.1\r\nHost: x\r\n\r\n`,
          `${method} ${path} HTTP/1.1\r\nBad Header Without Colon\r\n\r\n`,
          `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n`,
          `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab`,
          `${method} ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
          `${method} /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
          `${method} ${path} HTTP/1.1\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
        ]),
        'latin1',
      );
    case 'truncated-json':
      return json(text.slice(0, random.int(1, Math.max(1, text.length - 1))));
    case 'wrong-type': {
      const paths = jsonPaths(valid);
      const p = paths[random.int(0, paths.length - 1)] ?? [];
      return json(JSON.stringify(withNode(valid, p, () => pick(random, [null, true, 'text', 42, -1, [], {}, [1, 'a'], { a: 1 }]))));
    }
    case 'missing-field': {
      const paths = jsonPaths(valid).filter((p) => p.length > 0);
      const p = paths[random.int(0, paths.length - 1)] ?? [];
      return json(JSON.stringify(withNode(valid, p, () => DELETE)));
    }
    case 'huge-number':
      return json(withRawToken(valid, random, pick(random, ['1e999', '-1e999', '1e308', '123456789012345678901234567890', '-0', '5e-324', '9007199254740993'])));
    case 'nan-infinity-text':
      return json(withRawToken(valid, random, pick(random, ['NaN', 'Infinity', '-Infinity', 'nan', 'inf', 'undefined', 'null'])));
    case 'deep-nesting': {
      const depth = random.int(1_000, Math.max(1_001, Math.min(50_000, Math.floor(target.bodyLimit / 2) - 40)));
      return json(random.uniform() < 0.5 ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `{"candidates":${'['.repeat(depth)}1${']'.repeat(depth)}}`);
    }
    case 'empty-list':
      return json(pick(random, ['{"candidates":[]}', '[]', '{}', 'null', '0', '""']));
    case 'empty-body':
      return httpRequest(method, path, '', { host, contentLength: 0 });
    case 'oversized-body':
      return json(`{"candidates":[${'0,'.repeat(Math.ceil(target.bodyLimit / 2) + 16)}0]}`);
    case 'wrong-method':
      return httpRequest(pick(random, ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'BREW']), path, text, { host });
    case 'wrong-path':
      return httpRequest(method, pick(random, ['/', '/rank/', '/RANK', '/rank/x', '/%ZZ', '/../etc/passwd', `/${'x'.repeat(300)}`, '/health?x=%00']), text, { host });
    case 'wrong-content-type':
      return json(text, pick(random, ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', null, 'application/jsonx', '']));
    case 'invalid-utf8': {
      const bytes = Buffer.from(text, 'utf8');
      const at = random.int(0, bytes.length - 1);
      return json(Buffer.concat([bytes.subarray(0, at), Buffer.from(pick(random, [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]])), bytes.subarray(at)]));
    }
    case 'proto-key':
    case 'constructor-key': {
      const key = kind === 'proto-key' ? '__proto__' : pick(random, ['constructor', 'prototype']);
      const objects = jsonPaths(valid).filter((p) => {
        let node: unknown = valid;
        for (const step of p) node = (node as Record<string | number, unknown>)[step];
        return node !== null && typeof node === 'object' && !Array.isArray(node);
      });
      const p = objects[random.int(0, objects.length - 1)] ?? [];
      const marker = '"__fuzz_key_7f3a__"';
      const mutated = JSON.stringify(withNode(valid, p, (old) => ({ __fuzz_key_7f3a__: { polluted: true }, ...(old as object) })));
      return json(mutated.replace(marker, JSON.stringify(key)));
    }
    case 'content-length-short': {
      // Declares fewer bytes than sent: the rest reaches the parser as the start of a second, garbled request.
      return httpRequest(method, path, text, { host, contentLength: Math.max(0, Math.floor(text.length / 2)) });
    }
  }
}

/**
 * `count` malformed requests for `target`, fixed by `seed`: kinds drawn uniformly from the generic ones — random
 * bytes, malformed HTTP (bad version, control bytes in the method, header without colon, negative or repeated
 * Content-Length, bad chunk, 20 kB URL or header), truncated JSON, a wrong type or a missing field at a random place
 * of a valid body, huge numbers (`1e999`), `NaN`/`Infinity` text, nesting 1,000–50,000 deep (within the body limit), empty lists and bodies,
 * a body over the limit, wrong methods, paths and content types, invalid UTF-8, `__proto__`/`constructor`/`prototype`
 * keys, a Content-Length shorter than the body — and `target.extraKinds`. Every request closes its connection.
 */
export function malformedRequests(seed: number, count: number, target: FuzzTarget): FuzzRequest[] {
  const random = SeededRandom.fromSeed(seed, 'http-fuzz');
  const extra = Object.entries(target.extraKinds ?? {});
  const kinds: string[] = [...GENERIC_KINDS, ...extra.map(([k]) => k)];
  return Array.from({ length: count }, () => {
    const kind = pick(random, kinds);
    const make = extra.find(([k]) => k === kind)?.[1];
    const bytes = make === undefined ? makeGeneric(kind as GenericFuzzKind, target, random) : httpRequest(target.route.method, target.route.path, make(random), { host: target.host ?? '127.0.0.1' });
    return { kind, bytes };
  });
}

/** What came back for one raw request. */
export interface RawResponse {
  /** HTTP status, or undefined when the connection closed (or timed out) without a status line. */
  readonly status: number | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** True when no complete answer came within the time limit. */
  readonly timedOut: boolean;
  readonly ms: number;
}

function parseResponse(raw: Buffer): { status: number | undefined; headers: Record<string, string>; body: string; complete: boolean } {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (end < 0 || status === null) return { status: status === null ? undefined : Number(status[1]), headers: {}, body: '', complete: false };
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, end).split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const bodyBytes = raw.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const { body, complete } = dechunk(bodyBytes);
    return { status: Number(status[1]), headers, body: body.toString('utf8'), complete };
  }
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  const complete = length !== undefined && bodyBytes.length >= length;
  return { status: Number(status[1]), headers, body: bodyBytes.subarray(0, length).toString('utf8'), complete };
}

/** A chunked body's bytes, and whether its last (zero-size) chunk has arrived. */
function dechunk(bytes: Buffer): { body: Buffer; complete: boolean } {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return { body: Buffer.concat(parts), complete: false };
    const size = Number.parseInt(bytes.toString('latin1', at, lineEnd), 16);
    if (!Number.isFinite(size)) return { body: Buffer.concat(parts), complete: true };
    if (size === 0) return { body: Buffer.concat(parts), complete: true };
    if (lineEnd + 2 + size > bytes.length) return { body: Buffer.concat(parts), complete: false };
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/**
 * Sends `bytes` on a fresh TCP connection to `host:port` and resolves with the first response (status, headers, body)
 * once its Content-Length is read or the server closes; `timedOut` when neither happens within `timeoutMs`
 * (default 5,000). Never rejects: a refused or reset connection is a response without status.
 */
export function sendRaw(port: number, bytes: Buffer, options: { readonly host?: string; readonly timeoutMs?: number } = {}): Promise<RawResponse> {
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ port, host: options.host ?? '127.0.0.1' });
    let settled = false;
    const finish = (timedOut: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const { status, headers, body } = parseResponse(Buffer.concat(chunks));
      resolve({ status, headers, body, timedOut, ms: performance.now() - started });
    };
    const timer = setTimeout(() => finish(true), options.timeoutMs ?? 5_000);
    socket.on('connect', () => socket.write(bytes, () => undefined));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (parseResponse(Buffer.concat(chunks)).complete) finish(false);
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}

/** Counts of one fuzzing batch. */
export interface FuzzReport {
  /** Requests sent, by kind. */
  readonly sent: Readonly<Record<string, number>>;
  /** Responses by status (`none` for a connection closed without status, `timeout` for no answer in time). */
  readonly statuses: Readonly<Record<string, number>>;
  /** Every request with its response, in order. */
  readonly results: ReadonlyArray<{ readonly request: FuzzRequest; readonly response: RawResponse }>;
  readonly ms: number;
}

/**
 * Sends `requests` to `127.0.0.1:port` (or `host`), `concurrency` at a time (default 8), each on its own connection,
 * and counts requests by kind and responses by status.
 */
export async function fuzzHttp(
  port: number,
  requests: readonly FuzzRequest[],
  options: { readonly host?: string; readonly concurrency?: number; readonly timeoutMs?: number } = {},
): Promise<FuzzReport> {
  const started = performance.now();
  const results = new Array<{ request: FuzzRequest; response: RawResponse }>(requests.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const i = next;
      next += 1;
      const request = requests[i] as FuzzRequest;
      results[i] = { request, response: await sendRaw(port, request.bytes, options) };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  const sent: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  for (const { request, response } of results) {
    sent[request.kind] = (sent[request.kind] ?? 0) + 1;
    const key = response.timedOut ? 'timeout' : response.status === undefined ? 'none' : String(response.status);
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  return { sent, statuses, results, ms: performance.now() - started };
}
