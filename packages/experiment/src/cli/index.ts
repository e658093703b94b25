// @counterweight/runtime/cli: what every Counterweight command line shares.
export {
  integerArgument,
  listArgument,
  numberAtLeastArgument,
  parsedListArgument,
  positiveNumberArgument,
  unitIntervalArgument,
} from './arguments.js';
export { runSourceCli, type CliRun } from './run-cli.js';
