export { RELIABILITY_ENV, runCommand, sourceCli, type CommandRun, type RunCommandOptions } from './run-command.js';
export { cleanFailureProblems, type CleanFailureExpectation } from './clean-failure.js';
export { filesAdded, listFiles } from './output-files.js';
export { checkpointInterruptions, interruptionPlan, type Interruption } from './interruption-plan.js';
export { runWithInterruptions, type InterruptedRuns } from './interrupted-run.js';
export { loadedModules, type LoadedModules } from './loaded-modules.js';
export { residentMemoryBytes } from './resident-memory.js';
export { readComparableJson, withoutKeys } from './comparable-json.js';
export {
  fuzzHttp,
  httpRequest,
  malformedRequests,
  sendRaw,
  type FuzzReport,
  type FuzzRequest,
  type FuzzTarget,
  type GenericFuzzKind,
  type RawResponse,
} from './http-fuzz.js';
export { openSlowClients, waitForSlowClients, type SlowClient, type SlowClientMode, type SlowClientOptions } from './slow-client.js';
