import type { Interruption } from './interruption-plan.js';
import { runCommand, type CommandRun, type RunCommandOptions } from './run-command.js';

/** What {@link runWithInterruptions} observed. */
export interface InterruptedRuns {
  /** One run per planned interruption, in order (each ended by its signal, or finished before it came). */
  readonly interrupted: readonly CommandRun[];
  /** How many of them the signal actually stopped (the others had finished first). */
  readonly survived: number;
  /** The last run, without interruption: it resumes from what the interrupted runs left and completes. */
  readonly completed: CommandRun;
}

/** Whether `run` was stopped by `signal` (killed by it, or exited with 128 + its number after handling it). */
function stoppedBy(run: CommandRun, signal: Interruption['signal']): boolean {
  const code = signal === 'SIGINT' ? 130 : 137;
  return run.signal === signal || run.code === code;
}

/**
 * Runs `command args` once per entry of `plan`, interrupting each run with the entry's signal `afterMs` after the
 * spawn — or after the first output matching `whenOutput`, or, for an entry with `whenFile`, after that path exists
 * (the entry's own trigger wins) — then once more to completion — the kill-and-resume check:
 * compare `completed`'s results with an uninterrupted run's. A run that ends otherwise than by its signal or by
 * finishing (a crash, a hang) is returned as is; check `interrupted[i].code`/`.signal`.
 */
export async function runWithInterruptions(
  command: string,
  args: readonly string[],
  plan: readonly Interruption[],
  options: RunCommandOptions & { readonly whenOutput?: RegExp } = {},
): Promise<InterruptedRuns> {
  const { whenOutput, ...runOptions } = options;
  const interrupted: CommandRun[] = [];
  let survived = 0;
  for (const step of plan) {
    const trigger = step.whenFile !== undefined ? { whenFile: step.whenFile } : whenOutput !== undefined ? { whenOutput } : {};
    const interrupt = { signal: step.signal, afterMs: step.afterMs, ...trigger };
    const run = await runCommand(command, args, { ...runOptions, interrupt });
    if (stoppedBy(run, step.signal)) survived += 1;
    interrupted.push(run);
  }
  const completed = await runCommand(command, args, runOptions);
  return { interrupted, survived, completed };
}
