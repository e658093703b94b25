import { fileURLToPath } from 'node:url';

import { captureProcess } from './torch-python.js';

/** What {@link runNodeChild} got from a child: its last JSON-object line, or why it printed none. */
export interface NodeChildOutcome {
  /** The last stdout line that parses as a JSON object (undefined when there is none). */
  readonly line: Record<string, unknown> | undefined;
  /**
   * Why there is no line — `exited with code N: <last stderr line>`, `was killed by a signal (the timeout is … ms)`,
   * `did not start: …` — or undefined when there is one.
   */
  readonly failure: string | undefined;
}

/** The last line of `stdout` that parses as a JSON object (not an array), or undefined; other lines are ignored. */
export function lastJsonObject(stdout: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) found = parsed as Record<string, unknown>;
    } catch {
      // not a JSON line
    }
  }
  return found;
}

/**
 * Runs a Node script of this repository in a fresh process — `node entry ...args`, with
 * `--conditions=@counterweight/source --import tsx` when `entry` is a `.ts` source (tests, `tsx`), plain `node` for
 * built `.js` — and returns the last JSON-object line it printed ({@link lastJsonObject}). For measurements that need
 * a process of their own (e.g. a wasm backend started with another thread count). Never rejects; a child killed after
 * `timeoutMs` (default 10 minutes) or exiting without a line gives a {@link NodeChildOutcome.failure}.
 */
export async function runNodeChild(
  entry: URL,
  args: readonly string[],
  options: { readonly timeoutMs?: number; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<NodeChildOutcome> {
  const script = fileURLToPath(entry);
  const flags = script.endsWith('.ts') ? ['--conditions=@counterweight/source', '--import', 'tsx'] : [];
  const timeoutMs = options.timeoutMs ?? 600_000;
  const run = await captureProcess(process.execPath, [...flags, script, ...args], options.env ?? process.env, timeoutMs);
  const line = lastJsonObject(run.stdout);
  if (line !== undefined) return { line, failure: undefined };
  if (run.spawnError !== undefined) return { line, failure: `did not start: ${run.spawnError}` };
  const last = run.stderr.trim().split('\n').pop() ?? '';
  const ended = run.code === null ? `was killed by a signal (the timeout is ${timeoutMs} ms)` : `exited with code ${run.code}`;
  return { line, failure: `${ended}${last === '' ? '' : `: ${last}`}` };
}
