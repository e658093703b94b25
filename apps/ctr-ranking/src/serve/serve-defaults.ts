// The server's default limits in a module of their own, free of fastify and onnxruntime: `serve --help` shows them
// before the server code loads.

/** Default request body limit: 1 MiB (about 3,000 candidates of 13 dense + 26 categorical features). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Default cap on candidates per request. */
export const DEFAULT_MAX_CANDIDATES = 10_000;
/** Default time a client has to send a whole request, headers and body (`--request-timeout`): 10 s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Default time a client has to send a request's headers (`--headers-timeout`): 5 s. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 5_000;
/** Default time an idle keep-alive connection stays open between requests (`--keep-alive-timeout`): 5 s. */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5_000;
