import { ConfigError, quoteExcerpt } from '@counterweight/runtime';
import fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';

import { loadCtrOnnx, type CtrOnnxModel } from '../onnx/index.js';
import { clientErrorHandler } from './client-error.js';
import { parseJsonBody } from './json-body.js';
import { findRankRequestProblem, rankByEcpm, rankRequestSchema, type RankRequest, type RankResponse } from './rank-request.js';
import {
  DEFAULT_BODY_LIMIT,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_MAX_CANDIDATES,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from './serve-defaults.js';

/** Options of {@link createServer}. */
export interface CtrServerOptions {
  /** ONNX file written by `exportCtrModel`; its metadata gives the feature spec requests are validated against. */
  readonly modelPath: string;
  /** Largest request body in bytes (default {@link DEFAULT_BODY_LIMIT}); larger bodies get 413. */
  readonly bodyLimit?: number;
  /** fastify's logger option (default false; `true` logs JSON lines with pino). */
  readonly logger?: FastifyServerOptions['logger'];
  /** Most candidates per request (default {@link DEFAULT_MAX_CANDIDATES}); more get 400. */
  readonly maxCandidates?: number;
  /** onnxruntime `intraOpNumThreads` (default 1). */
  readonly intraOpNumThreads?: number;
  /**
   * Milliseconds a client has to send a whole request (headers and body) and most a connection may stay silent
   * (default {@link DEFAULT_REQUEST_TIMEOUT_MS}); a slower request gets `408` and its connection is closed.
   */
  readonly requestTimeoutMs?: number;
  /** Milliseconds a client has to send the headers, ≤ `requestTimeoutMs` (default {@link DEFAULT_HEADERS_TIMEOUT_MS}). */
  readonly headersTimeoutMs?: number;
  /** Milliseconds an idle keep-alive connection is kept between requests (default {@link DEFAULT_KEEP_ALIVE_TIMEOUT_MS}). */
  readonly keepAliveTimeoutMs?: number;
}

/** The timeouts of a server, checked: positive integers, headers ≤ request. */
function serverTimeouts(options: CtrServerOptions): { requestMs: number; headersMs: number; keepAliveMs: number } {
  const check = (value: number | undefined, fallback: number, flag: string): number => {
    const ms = value ?? fallback;
    if (!Number.isSafeInteger(ms) || ms < 1) throw new ConfigError(flag, `must be a whole number of milliseconds >= 1, got ${String(ms)}`);
    return ms;
  };
  const requestMs = check(options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS, '--request-timeout');
  const headersMs = check(options.headersTimeoutMs, Math.min(DEFAULT_HEADERS_TIMEOUT_MS, requestMs), '--headers-timeout');
  const keepAliveMs = check(options.keepAliveTimeoutMs, DEFAULT_KEEP_ALIVE_TIMEOUT_MS, '--keep-alive-timeout');
  if (headersMs > requestMs) throw new ConfigError('--headers-timeout', `(${headersMs} ms) must not exceed --request-timeout (${requestMs} ms)`);
  return { requestMs, headersMs, keepAliveMs };
}

/** Fastify's validation errors as one line naming the field (`body/candidates/0/bid must be > 0`, the extra property). */
function schemaErrorMessage(errors: ReadonlyArray<{ instancePath: string; message?: string; params?: Record<string, unknown> }>, dataVar: string): Error {
  const first = errors[0];
  const path = `${dataVar}${first?.instancePath ?? ''}`;
  const extra = first?.params?.['additionalProperty'];
  return new Error(`${path} ${first?.message ?? 'is invalid'}${typeof extra === 'string' ? ` (found ${JSON.stringify(extra.slice(0, 64))})` : ''}`);
}

/** `GET /health` body. */
export interface HealthResponse {
  readonly status: 'ok';
  readonly model: { readonly path: string; readonly bytes: number; readonly config: CtrOnnxModel['config'] };
  readonly spec: CtrOnnxModel['spec'];
  readonly uptimeSeconds: number;
}

/** Body of every 4xx/5xx response. */
export interface ErrorResponse {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

/** Fastify's own 4xx messages, reworded to name the header or limit concerned. */
function clientMessage(error: FastifyError, bodyLimit: number, contentType: string | undefined, url: string): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `content-type ${contentType === undefined ? '(none)' : quoteExcerpt(contentType, 60)} is not supported; send application/json`;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `body is larger than the limit of ${bodyLimit} bytes (--body-limit)`;
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'body size does not match the Content-Length header';
    case 'FST_ERR_BAD_URL':
      return `request URL ${quoteExcerpt(url, 60)} is not a valid URL (bad percent-encoding)`;
    default:
      return error.message;
  }
}

function errorBody(statusCode: number, message: string): ErrorResponse {
  return { statusCode, error: REASONS[statusCode] ?? (statusCode < 500 ? 'Client Error' : 'Server Error'), message };
}

/**
 * A fastify app serving a CTR model (onnxruntime-node), not yet listening (use `app.inject` or `app.listen`):
 *
 * - `POST /rank` — body {@link RankRequest} (JSON, encoded features, see `RankCandidate`); all candidates are scored
 *   in one onnxruntime batch and returned ranked by eCPM = bid · pCTR ({@link RankResponse}).
 * - `GET /health` — {@link HealthResponse}: the loaded model, its feature spec and the uptime.
 *
 * Bad requests get `400` with a message naming the candidate and field: invalid JSON or UTF-8, forbidden keys
 * (`__proto__`, `constructor`, `prototype`, with their path), missing or unknown fields, wrong types, wrong feature
 * counts, non-finite numbers, categorical values outside their field's range, bids ≤ 0, an empty list, duplicate ids,
 * too many candidates. Bodies over `bodyLimit` get `413`, non-JSON content types `415`, malformed HTTP `400`, a
 * request slower than its timeouts `408` (the connection is then closed: slow clients cannot pile up).
 * Errors are answered, never thrown out of the process; a failed inference is a `500` and is logged.
 * The session is released when the app closes.
 * @throws OnnxModelError (from `loadCtrOnnx`) when the model cannot be loaded.
 */
export async function createServer(options: CtrServerOptions): Promise<FastifyInstance> {
  const timeouts = serverTimeouts(options);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const model = await loadCtrOnnx(options.modelPath, { intraOpNumThreads: options.intraOpNumThreads });
  const started = performance.now();
  const app = fastify({
    logger: options.logger ?? false,
    bodyLimit,
    // Slow clients: the whole request within requestMs, its headers within headersMs, checked every quarter of the
    // shorter one (Node's default check interval is 30 s); a silent connection is closed after requestMs.
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: {
      requestTimeout: timeouts.requestMs,
      headersTimeout: timeouts.headersMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(timeouts.headersMs / 4))),
    },
    clientErrorHandler: clientErrorHandler(timeouts),
    // Errors fastify raises before routing (a URL with bad percent-encoding): the same JSON error body.
    frameworkErrors: (error, request, reply) => {
      const body: unknown = errorBody(400, clientMessage(error, bodyLimit, request.headers['content-type'], request.url));
      void (reply as unknown as { code(status: number): { send(payload: unknown): unknown } }).code(400).send(body);
    },
    schemaErrorFormatter: schemaErrorMessage,
    // Strict validation: no type coercion ("1" is not a number), unknown properties are errors, not silently removed.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  });
  // JSON only: without this, fastify's default text/plain parser would hand the schema a string.
  app.removeContentTypeParser('text/plain');
  // Our JSON parser: strict UTF-8, a syntax error described without echoing the body, forbidden keys (`__proto__`,
  // `constructor`, `prototype`) named with their path instead of fastify's generic "Body is not valid JSON".
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    const parsed = parseJsonBody(body);
    if ('problem' in parsed) done(Object.assign(new Error(parsed.problem), { statusCode: 400 }), undefined);
    else done(null, parsed.value);
  });
  app.addHook('onClose', async () => {
    await model.release();
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.validation !== undefined ? 400 : typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(status).send(errorBody(status, 'internal error while scoring; see the server log'));
    }
    return reply.code(status).send(errorBody(status, clientMessage(error, bodyLimit, request.headers['content-type'], request.url)));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody(404, `no route ${request.method} ${request.url}; use POST /rank or GET /health`)));

  app.get('/health', (): HealthResponse => ({
    status: 'ok',
    model: { path: model.path, bytes: model.bytes, config: model.config },
    spec: model.spec,
    uptimeSeconds: (performance.now() - started) / 1000,
  }));

  app.post<{ Body: RankRequest }>(
    '/rank',
    { schema: { body: rankRequestSchema(model.spec, options.maxCandidates ?? DEFAULT_MAX_CANDIDATES) } },
    async (request, reply): Promise<RankResponse | ErrorResponse> => {
      const checked = findRankRequestProblem(request.body, model.spec);
      if ('problem' in checked) return reply.code(400).send(errorBody(400, checked.problem));
      const { numeric, categorical, count } = checked.packed;
      const { probability } = await model.score(numeric, categorical, count);
      return { model: model.config.kind, candidates: rankByEcpm(request.body.candidates, probability) };
    },
  );
  return app;
}

/** Options of {@link startServer}. */
export interface StartServerOptions extends CtrServerOptions {
  /** TCP port; 0 picks a free one (default 8080). */
  readonly port?: number;
  /** Interface to bind (default `127.0.0.1`; `0.0.0.0` to accept remote connections). */
  readonly host?: string;
  /**
   * Signals that shut the server down gracefully (stop accepting, finish in-flight requests, release the model):
   * default `['SIGINT', 'SIGTERM']`; `false` installs none (tests, benches). A second signal during shutdown exits
   * the process with code 1.
   */
  readonly signals?: readonly NodeJS.Signals[] | false;
}

/** A listening server. */
export interface RunningServer {
  readonly app: FastifyInstance;
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  /** Closes the server (idempotent) and removes the signal handlers. */
  close(): Promise<void>;
}

/**
 * {@link createServer} plus `listen` on `host:port`, with graceful shutdown on SIGINT/SIGTERM — for the CLI.
 * @throws OnnxModelError when the model cannot be loaded; ConfigError naming `--port`/`--host` when the address is taken,
 *   not local or not allowed; ConfigError naming the timeout flag for bad timeouts.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const app = await createServer(options);
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ port: options.port ?? 8080, host });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${host}:${options.port ?? 8080}`;
    if (code === 'EADDRINUSE') throw new ConfigError('--port', `${where} is already in use; choose another port (0: any free one)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new ConfigError('--host', `${host} is not an address of this machine`);
    if (code === 'EACCES') throw new ConfigError('--port', `no permission to listen on ${where} (ports below 1024 need privileges)`);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 8080);
  const signals = options.signals === false ? [] : (options.signals ?? (['SIGINT', 'SIGTERM'] as const));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const signal of signals) process.off(signal, onSignal);
      await app.close();
    })();
    return closing;
  };
  function onSignal(signal: NodeJS.Signals): void {
    if (closing !== undefined) {
      app.log.warn(`${signal} again during shutdown; exiting now`);
      process.exit(1);
    }
    app.log.info(`${signal}: shutting down`);
    // Keep a listener for a second signal while closing; the handlers are removed when close() finishes.
    close().catch((error: unknown) => {
      app.log.error({ err: error }, 'shutdown failed');
      process.exitCode = 1;
    });
  }
  for (const signal of signals) process.on(signal, onSignal);
  return { app, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, close };
}
