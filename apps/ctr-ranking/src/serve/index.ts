// HTTP serving of an exported CTR model: POST /rank (eCPM ranking) and GET /health, with fastify and onnxruntime-node.
export {
  MAX_ID_LENGTH,
  findRankRequestProblem,
  rankByEcpm,
  rankRequestSchema,
  type PackedCandidates,
  type RankCandidate,
  type RankRequest,
  type RankResponse,
  type RankedCandidate,
} from './rank-request.js';
export {
  DEFAULT_BODY_LIMIT,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_MAX_CANDIDATES,
} from './serve-defaults.js';
export {
  createServer,
  startServer,
  type CtrServerOptions,
  type ErrorResponse,
  type HealthResponse,
  type RunningServer,
  type StartServerOptions,
} from './server.js';
export { FORBIDDEN_JSON_KEYS, findForbiddenKey, parseJsonBody } from './json-body.js';
export { clientErrorHandler, describeClientError } from './client-error.js';
