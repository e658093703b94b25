import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/** What part of a request an HTTP parser error code points at (Node's llhttp `HPE_*` codes). */
const PARTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/METHOD/, 'method'],
  [/URL/, 'request target (URL)'],
  [/VERSION/, 'HTTP version'],
  [/CONTENT_LENGTH/, 'Content-Length header'],
  [/TRANSFER_ENCODING|CHUNK/, 'chunked body (Transfer-Encoding)'],
  [/HEADER|CR_EXPECTED|LF_EXPECTED/, 'headers'],
];

/** The status and one-line message a connection-level error (before any route ran) is answered with. */
export function describeClientError(error: NodeJS.ErrnoException & { reason?: string }, timeouts: { requestMs: number; headersMs: number }): {
  readonly status: number;
  readonly message: string;
} {
  const code = error.code ?? '';
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      status: 408,
      message: `request not received in time: headers must arrive within ${timeouts.headersMs} ms and the whole request within ${timeouts.requestMs} ms (--headers-timeout, --request-timeout)`,
    };
  }
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, message: 'headers are larger than the 16 KiB the server accepts' };
  const part = PARTS.find(([pattern]) => pattern.test(code))?.[1] ?? 'request';
  const reason = typeof error.reason === 'string' && error.reason !== '' ? `: ${error.reason.replace(/[^\x20-\x7e]/g, '?')}` : '';
  return { status: 400, message: `malformed HTTP request, in its ${part}${reason}` };
}

/**
 * A `clientError` handler (fastify's `clientErrorHandler`) that answers errors raised before routing — malformed
 * HTTP, header overflow, request/headers timeouts — with the same JSON error body as the routes
 * (`{ statusCode, error, message }`, the message naming the part of the request), then closes the connection.
 */
export function clientErrorHandler(timeouts: { requestMs: number; headersMs: number }): (error: NodeJS.ErrnoException, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const { status, message } = describeClientError(error, timeouts);
    const body = JSON.stringify({ statusCode: status, error: STATUS_CODES[status] ?? 'Client Error', message });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Client Error'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    // A client that does not read its answer must not hold the socket either.
    setTimeout(() => socket.destroy(), 1000).unref();
  };
}
