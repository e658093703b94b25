import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers for a path: bytes (200), a status with no body, or `hang` (never answers). */
export type Answer = Uint8Array | number | 'hang';

/** A loopback HTTP server for tests (never the internet). */
export interface LocalServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** Paths requested, in order (without the leading `/`). */
  readonly hits: string[];
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 (a free port) answering each path with `answer(path)`: bytes with a
 * content-length, an HTTP status, or nothing at all (`hang`, to test timeouts). Unknown paths (undefined) get 404.
 */
export async function startLocalServer(answer: (path: string) => Answer | undefined): Promise<LocalServer> {
  const hits: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').slice(1);
    hits.push(path);
    const reply = answer(path);
    if (reply === 'hang') return;
    if (reply === undefined || typeof reply === 'number') {
      response.writeHead(reply ?? 404).end();
      return;
    }
    response.writeHead(200, { 'content-length': String(reply.length) }).end(reply);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback URL nothing listens on (a port that was free a moment ago): connections are refused at once. */
export async function unreachableUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/`;
}
