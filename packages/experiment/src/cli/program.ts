import { availableParallelism } from 'node:os';

import { quietFromEnv, removeOwnTemporaries } from '@counterweight/runtime/base';
import { Command, Option } from 'commander';

import { integerArgument } from './arguments.js';

/** The command's full name for messages: `imbalanced-vision compare`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Applies {@link oneLineErrors} to `command` and every subcommand under it. */
function configureTree(command: Command): void {
  command.showHelpAfterError(false);
  command.configureOutput({
    outputError: (text, write) => write(`${text.trim().replace(/\s*\n\s*/g, ' ')} (see ${commandPath(command)} --help)\n`),
  });
  for (const sub of command.commands) configureTree(sub);
}

/**
 * A commander program with the behaviour every Counterweight CLI shares: a flag error (unknown option, bad value,
 * missing required option) prints ONE line, ending with a pointer to `--help` of the command that failed, instead of
 * the whole help text — so the error is the last thing on the screen.
 */
export function createProgram(name: string, description: string): Command {
  return new Command().name(name).description(description);
}

/** `--backend <name>`: the tfjs backend (auto, tensorflow, wasm or cpu; default `$COUNTERWEIGHT_BACKEND` or auto). */
export function backendOption(): Option {
  return new Option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (default: $COUNTERWEIGHT_BACKEND or auto)');
}

/**
 * `--quiet`: no progress output. `COUNTERWEIGHT_QUIET=1` (or `CI`) does the same; read both with {@link isQuiet}
 * (commander's own `.env()` would take `COUNTERWEIGHT_QUIET=0` for "quiet").
 */
export function quietOption(): Option {
  return new Option('--quiet', 'no progress output (also COUNTERWEIGHT_QUIET=1)');
}

/** Whether a command runs quietly: `--quiet`, or runtime's quietFromEnv (COUNTERWEIGHT_QUIET=1/true, or CI set). */
export function isQuiet(flag: boolean | undefined): boolean {
  return flag === true || quietFromEnv();
}

/** The default `--jobs`: one run per core (a wasm run computes on one thread). */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** Defaults of {@link addComparisonOptions}; `out` undefined makes `--out` required. */
export interface ComparisonOptionDefaults {
  readonly seed?: number;
  readonly seeds: number;
  readonly jobs?: number;
  readonly out?: string;
  /** Help text of `--out`. */
  readonly outHelp?: string;
  /** Help text of `--seeds` (e.g. how this app derives the training seeds). */
  readonly seedsHelp?: string;
}

/** The flags {@link addComparisonOptions} adds, as commander parses them. */
export interface ComparisonFlags {
  readonly seed: number;
  readonly seeds: number;
  readonly jobs: number;
  readonly out: string;
  readonly backend?: string;
  readonly quiet?: boolean;
}

/**
 * Adds the options every comparison command has: `--seed <n>` (base seed), `--seeds <n>` (repetitions), `--jobs <n>`
 * (runs trained at the same time, one worker thread each), `--out <dir>`, `--backend <name>` and `--quiet`.
 */
export function addComparisonOptions(command: Command, defaults: ComparisonOptionDefaults): Command {
  command
    .option('--seed <n>', 'base seed (the training seed of each repetition derives from it)', integerArgument(0), defaults.seed ?? 0)
    .option('--seeds <n>', defaults.seedsHelp ?? 'repetitions (one training seed each, shared by every method)', integerArgument(1), defaults.seeds)
    .option('--jobs <n>', 'runs trained at the same time, one thread each (results do not depend on it)', integerArgument(1), defaults.jobs ?? defaultJobs());
  const outHelp = defaults.outHelp ?? 'output directory (an existing one with the same settings is resumed)';
  if (defaults.out === undefined) command.requiredOption('--out <dir>', outHelp);
  else command.option('--out <dir>', outHelp, defaults.out);
  return command.addOption(backendOption()).addOption(quietOption());
}

/** Every option of `command` and its subcommands, by the camelCase name commander gives its value (`nMax` → `--n-max`). */
function flagsByAttribute(command: Command, into = new Map<string, string>()): Map<string, string> {
  for (const option of command.options) if (option.long !== undefined) into.set(option.attributeName(), option.long);
  for (const sub of command.commands) flagsByAttribute(sub, into);
  return into;
}

/**
 * A configuration error raised by an app's API speaks of its options object (`nMax: class 0 has 150 images…`,
 * `lower imbalanceRatio`); on the command line the user typed flags. Replaces each camelCase option name that is
 * the value of a flag with the flag (`--n-max`, `--imbalance-ratio`); names of one lower-case word (`epochs`) are left,
 * as they are also ordinary words.
 */
export function inFlagTerms(message: string, program: Command): string {
  let text = message;
  for (const [attribute, flag] of flagsByAttribute(program)) {
    if (/[A-Z]/.test(attribute)) text = text.replace(new RegExp(`(?<![\\w-])${attribute}(?![\\w-])`, 'g'), flag);
  }
  return text;
}

/**
 * Parses `argv` and runs the command. Flag errors print one line (see {@link createProgram}); an error thrown by an
 * action prints `<name>: <message>` on one line and sets the exit code (default 1), never a stack trace for a typed
 * error a user can act on. Ctrl-C (SIGINT) while a command runs removes the temporary file being written, prints one
 * line saying that the same command resumes, and exits with 130 — unless the command handles SIGINT itself.
 */
export async function runProgram(program: Command, options: { readonly argv?: readonly string[]; readonly failureCode?: number } = {}): Promise<void> {
  configureTree(program);
  const onInterrupt = (): void => {
    // A command that handles Ctrl-C itself (a server closing its connections) keeps it.
    if (process.listenerCount('SIGINT') > 1) return;
    removeOwnTemporaries();
    process.stderr.write(`\n${program.name()}: interrupted; no partial file was kept — run the same command again to resume (finished runs and checkpoints are reused)\n`);
    process.exit(130);
  };
  process.on('SIGINT', onInterrupt);
  try {
    await program.parseAsync([...(options.argv ?? process.argv)]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${program.name()}: ${error instanceof Error && error.name === 'ConfigError' ? inFlagTerms(message, program) : message}\n`);
    process.exitCode = options.failureCode ?? 1;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** True when `stream` (default stdout) is a terminal: per-epoch lines and live bars are for terminals only. */
export function isInteractive(stream: NodeJS.WriteStream = process.stdout): boolean {
  return stream.isTTY === true;
}
