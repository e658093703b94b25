// @counterweight/experiment/cli: what every Counterweight command line shares.
export {
  integerArgument,
  listArgument,
  numberAtLeastArgument,
  parsedListArgument,
  positiveNumberArgument,
  unitIntervalArgument,
} from './arguments.js';
export {
  addComparisonOptions,
  backendOption,
  createProgram,
  defaultJobs,
  isInteractive,
  isQuiet,
  quietOption,
  runProgram,
  type ComparisonFlags,
  type ComparisonOptionDefaults,
} from './program.js';
export { addExportCommand, type ExportCommandOptions, type ExportedRun } from './export-command.js';
export { runSourceCli, type CliRun } from './run-cli.js';
