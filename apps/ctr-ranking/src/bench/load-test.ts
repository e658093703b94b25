import { createRequire } from 'node:module';

import { integerOption } from '@counterweight/runtime';

import type { FeatureSpec } from '../data/auction-set.js';
import { startServer, type HealthResponse } from '../serve/index.js';
import { rankCandidates } from './random-candidates.js';

/** The part of autocannon's options this module sets. */
interface AutocannonOptions {
  readonly url: string;
  readonly method: 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly connections: number;
  readonly duration: number;
  readonly pipelining: number;
  readonly workers?: number;
}

/** Latency or request-rate statistics as autocannon reports them (milliseconds / requests per second). */
interface AutocannonHistogram {
  readonly average: number;
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
}

/** The part of autocannon's result this module reads. */
interface AutocannonResult {
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly latency: AutocannonHistogram;
  readonly requests: AutocannonHistogram;
}

type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;

// autocannon is CommonJS without type declarations; its run-to-promise entry is typed here by what we use.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** Options of {@link loadTestServer}. */
export interface LoadTestOptions {
  /** ONNX model (from `exportCtrModel`) the server loads. */
  readonly modelPath: string;
  /** Candidates per `POST /rank` (default 100). */
  readonly candidatesPerRequest?: number;
  /** Seconds of load (default 10). */
  readonly durationSeconds?: number;
  /** Concurrent connections (default 10). */
  readonly connections?: number;
  /** Requests in flight per connection (default 1). */
  readonly pipelining?: number;
  /**
   * autocannon worker threads generating the load (default 0: in the server's own event loop, which then shares
   * the CPU with the client; ≥ 1 moves the client off the server's thread).
   */
  readonly clientWorkers?: number;
  /** onnxruntime `intraOpNumThreads` of the server (default 1). */
  readonly intraOpNumThreads?: number;
  /** Seeds the request's random candidates (default 1). */
  readonly seed?: number;
}

/** What {@link loadTestServer} measured. */
export interface LoadTestResult {
  /** Mean completed requests per second (autocannon's per-second samples). */
  readonly requestsPerSecond: number;
  /** `requestsPerSecond × candidatesPerRequest`. */
  readonly candidatesPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyMeanMs: number;
  /** Completed requests in total. */
  readonly requests: number;
  /** Connection errors (including timeouts). */
  readonly errors: number;
  readonly timeouts: number;
  /** Responses with a status outside 2xx. */
  readonly non2xx: number;
  readonly durationSeconds: number;
  readonly connections: number;
  readonly candidatesPerRequest: number;
}

/**
 * Load-tests the ranking server: starts {@link startServer} on loopback port 0 (no signal handlers), checks that
 * one request succeeds, then drives `POST /rank` with autocannon — every request the same body of
 * `candidatesPerRequest` random valid candidates for the model's spec — for `durationSeconds` over `connections`
 * connections, and closes the server. Client and server share this process (and, without `clientWorkers`, its
 * event loop), so the figures are a lower bound for a dedicated server.
 * @throws RangeError for invalid options; Error when the warm-up request fails (with the server's answer).
 */
export async function loadTestServer(options: LoadTestOptions): Promise<LoadTestResult> {
  const candidatesPerRequest = integerOption(options.candidatesPerRequest ?? 100, 'candidatesPerRequest');
  const connections = integerOption(options.connections ?? 10, 'connections');
  const pipelining = integerOption(options.pipelining ?? 1, 'pipelining');
  const durationSeconds = options.durationSeconds ?? 10;
  if (!(Number.isFinite(durationSeconds) && durationSeconds > 0)) throw new RangeError(`durationSeconds must be > 0, got ${durationSeconds}`);
  const workers = options.clientWorkers ?? 0;
  const server = await startServer({
    modelPath: options.modelPath,
    port: 0,
    host: '127.0.0.1',
    signals: false,
    intraOpNumThreads: options.intraOpNumThreads,
    bodyLimit: Math.max(1024 * 1024, candidatesPerRequest * 2048),
    maxCandidates: Math.max(candidatesPerRequest, 10_000),
  });
  try {
    const health = await server.app.inject({ method: 'GET', url: '/health' });
    const spec: FeatureSpec = health.json<HealthResponse>().spec;
    const body = JSON.stringify({ candidates: rankCandidates(spec, candidatesPerRequest, options.seed ?? 1) });
    const headers = { 'content-type': 'application/json' };
    const check = await fetch(`${server.url}/rank`, { method: 'POST', headers, body });
    if (check.status !== 200) throw new Error(`loadTestServer: the warm-up request failed with ${check.status}: ${await check.text()}`);
    const result = await autocannon({
      url: `${server.url}/rank`,
      method: 'POST',
      headers,
      body,
      connections,
      duration: durationSeconds,
      pipelining,
      ...(workers > 0 ? { workers } : {}),
    });
    return {
      requestsPerSecond: result.requests.average,
      candidatesPerSecond: result.requests.average * candidatesPerRequest,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      latencyMeanMs: result.latency.average,
      requests: result.requests.total,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      durationSeconds: result.duration,
      connections,
      candidatesPerRequest,
    };
  } finally {
    await server.close();
  }
}
