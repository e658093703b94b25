// Inference benches of the CTR models: tfjs vs onnxruntime-node scoring, and an HTTP load test of the server.
export { randomCandidates, rankCandidates, type RandomCandidates } from './random-candidates.js';
export {
  measureScoringThroughput,
  type EngineThroughput,
  type ScoringThroughput,
  type ScoringThroughputOptions,
} from './scoring-throughput.js';
export { loadTestServer, type LoadTestOptions, type LoadTestResult } from './load-test.js';
