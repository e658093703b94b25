export { RELIABILITY_ENV, runCommand, sourceCli, type CommandRun, type RunCommandOptions } from './run-command.js';
export { cleanFailureProblems, type CleanFailureExpectation } from './clean-failure.js';
export { filesAdded, listFiles } from './output-files.js';
export { interruptionPlan, type Interruption } from './interruption-plan.js';
export { runWithInterruptions, type InterruptedRuns } from './interrupted-run.js';
export { residentMemoryBytes } from './resident-memory.js';
