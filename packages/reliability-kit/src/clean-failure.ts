import type { CommandRun } from './run-command.js';

/** What a clean failure must say: each entry must occur in stderr (a file name, `row 3`, `column "PM2.5"`, a flag). */
export interface CleanFailureExpectation {
  readonly mentions: ReadonlyArray<string | RegExp>;
  /** Most lines stderr may have, not counting `backend: …` notes (default 3). */
  readonly maxLines?: number;
  /** Longest line stderr may have, in characters (default 400: no echoed file contents). */
  readonly maxLineLength?: number;
}

/** Signs that a message comes from the runtime rather than from the program: a stack, Node internals, JS type errors. */
const INTERNAL_SIGNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>)$/m, 'a stack frame'],
  [/node:internal/, 'a node:internal reference'],
  [/\b(TypeError|ReferenceError|RangeError)\b/, 'a JavaScript error class'],
  [/Cannot read propert|is not a function|is not iterable|Unexpected token/, 'a JavaScript runtime message'],
  [/\bundefined\b|\[object Object\]/, 'an unfilled value ("undefined" or "[object Object]")'],
  [/\b(ERR_[A-Z_]+|EISDIR|ENOENT|EACCES|ENOTDIR)\b(?![^\n]*\/)/, 'a bare Node error code without a path'],
  // eslint-disable-next-line no-control-regex -- control bytes in a message are exactly what this looks for
  [/\uFFFD|[\u0000-\u0008\u000e-\u001f]/, 'raw bytes of the input echoed'],
];

/**
 * The ways `run` falls short of a clean failure, as sentences (empty when it is clean): the command must exit with a
 * non-zero code (not hang, not die by a signal), print at most `maxLines` short lines on stderr that mention every
 * expected name, and show no sign of an uncaught error (stack frames, `node:internal`, `TypeError`, `undefined`,
 * echoed binary). Use as `expect(cleanFailureProblems(run, {...})).toEqual([])`, so a failing test prints why.
 */
export function cleanFailureProblems(run: CommandRun, expectation: CleanFailureExpectation): string[] {
  const problems: string[] = [];
  if (run.timedOut) problems.push(`hung: killed after ${Math.round(run.ms)} ms`);
  else if (run.signal !== null) problems.push(`ended by signal ${run.signal}`);
  else if (run.code === 0) problems.push('exited with code 0');
  const lines = run.stderr.split('\n').filter((l) => l.trim() !== '' && !/^backend: /.test(l));
  if (lines.length === 0) problems.push('printed nothing on stderr');
  const maxLines = expectation.maxLines ?? 3;
  if (lines.length > maxLines) problems.push(`printed ${lines.length} lines on stderr (at most ${maxLines})`);
  const maxLength = expectation.maxLineLength ?? 400;
  const long = lines.find((l) => l.length > maxLength);
  if (long !== undefined) problems.push(`printed a ${long.length}-character line (at most ${maxLength})`);
  for (const [pattern, what] of INTERNAL_SIGNS) if (pattern.test(run.stderr)) problems.push(`shows ${what}`);
  for (const mention of expectation.mentions) {
    const found = typeof mention === 'string' ? run.stderr.includes(mention) : mention.test(run.stderr);
    if (!found) problems.push(`does not mention ${String(mention)}`);
  }
  return problems.map((p) => `${p} — stderr: ${JSON.stringify(run.stderr.slice(0, 600))}`);
}
