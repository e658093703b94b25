import { connect, type Socket } from 'node:net';

/**
 * How a slow client misbehaves:
 * - `headers`: starts a request and sends one more header byte every `dripMs`, never ending the headers;
 * - `body`: sends complete headers promising `Content-Length: 1000000`, then one body byte every `dripMs`;
 * - `silent-body`: sends complete headers promising a body, then nothing.
 */
export type SlowClientMode = 'headers' | 'body' | 'silent-body';

/** Options of {@link openSlowClients}. */
export interface SlowClientOptions {
  readonly host?: string;
  /** Method and path of the started request (default `POST /`). */
  readonly method?: string;
  readonly path?: string;
  /** Milliseconds between dripped bytes (default 200). */
  readonly dripMs?: number;
}

/** One slow connection: when it was closed by the server (ms after connecting) and what the server said, if anything. */
export interface SlowClient {
  readonly mode: SlowClientMode;
  /** Milliseconds from connect to the server closing the connection; undefined while open (or when never connected). */
  readonly closedAfterMs: number | undefined;
  /** Whether the TCP connection was established. */
  readonly connected: boolean;
  /** The start of what the server sent (e.g. `HTTP/1.1 408 Request Timeout …`), empty when it just closed. */
  readonly received: string;
  /** Closes the connection from the client side (it then no longer counts as closed by the server). */
  destroy(): void;
}

class DrippingClient implements SlowClient {
  closedAfterMs: number | undefined;
  connected = false;
  received = '';
  /** Settles when the connection is established or has failed. */
  readonly ready: Promise<void>;
  private readonly socket: Socket;
  private timer: NodeJS.Timeout | undefined;
  private connectedAt = 0;
  private destroyedByUs = false;

  constructor(
    port: number,
    readonly mode: SlowClientMode,
    options: SlowClientOptions,
  ) {
    const method = options.method ?? 'POST';
    const path = options.path ?? '/';
    const host = options.host ?? '127.0.0.1';
    const dripMs = options.dripMs ?? 200;
    this.socket = connect({ port, host });
    this.ready = new Promise((resolve) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('close', () => resolve());
    });
    this.socket.on('connect', () => {
      this.connected = true;
      this.connectedAt = performance.now();
      const start = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n`;
      if (mode === 'headers') {
        this.socket.write(`${start}X-Slow: `);
        this.timer = setInterval(() => this.socket.write('a'), dripMs);
      } else {
        this.socket.write(`${start}Content-Length: 1000000\r\n\r\n`);
        if (mode === 'body') this.timer = setInterval(() => this.socket.write(' '), dripMs);
      }
    });
    this.socket.on('data', (chunk: Buffer) => {
      if (this.received.length < 400) this.received += chunk.toString('latin1').slice(0, 400 - this.received.length);
    });
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      clearInterval(this.timer);
      if (this.connected && !this.destroyedByUs) this.closedAfterMs = performance.now() - this.connectedAt;
    });
  }

  destroy(): void {
    this.destroyedByUs = this.closedAfterMs === undefined;
    clearInterval(this.timer);
    this.socket.destroy();
  }
}

/**
 * Opens `count` slow connections to `host:port` (default `127.0.0.1`) that each misbehave as `mode` says, and resolves
 * once every one is connected (or failed to), so a test can check that the server closes them within its timeouts
 * (`closedAfterMs`) while still answering other requests. Destroy them at the end (`for (const c of clients) c.destroy()`).
 */
export async function openSlowClients(port: number, count: number, mode: SlowClientMode, options: SlowClientOptions = {}): Promise<SlowClient[]> {
  const clients = Array.from({ length: count }, () => new DrippingClient(port, mode, options));
  await Promise.all(clients.map((c) => c.ready));
  return clients;
}

/**
 * Resolves once every client is closed by the server or `withinMs` has passed, whichever comes first (polling every
 * 25 ms), with how many were closed and the slowest closing time.
 */
export async function waitForSlowClients(
  clients: readonly SlowClient[],
  withinMs: number,
): Promise<{ readonly opened: number; readonly closed: number; readonly stillOpen: number; readonly slowestCloseMs: number | undefined }> {
  const started = performance.now();
  while (clients.some((c) => c.connected && c.closedAfterMs === undefined) && performance.now() - started < withinMs) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const opened = clients.filter((c) => c.connected).length;
  const closedTimes = clients.flatMap((c) => (c.closedAfterMs === undefined ? [] : [c.closedAfterMs]));
  return {
    opened,
    closed: closedTimes.length,
    stillOpen: opened - closedTimes.length,
    slowestCloseMs: closedTimes.length === 0 ? undefined : Math.max(...closedTimes),
  };
}
