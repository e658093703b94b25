import { describe, expect, it } from 'vitest';

import { cleanFailureProblems } from './clean-failure.js';
import type { CommandRun } from './run-command.js';

const failed = (stderr: string, extra: Partial<CommandRun> = {}): CommandRun => ({
  code: 1,
  signal: null,
  stdout: '',
  stderr,
  timedOut: false,
  ms: 10,
  ...extra,
});

describe('cleanFailureProblems', () => {
  it('accepts one line naming the file and row', () => {
    expect(cleanFailureProblems(failed('backend: wasm\nerror: data.csv: row 3, column "PM2.5": "abc" is not a number\n'), { mentions: ['data.csv', 'row 3', 'PM2.5'] })).toEqual([]);
  });

  it.each([
    ['a stack', failed('Error: x\n    at foo (/a/b.js:1:2)\n'), 'stack frame'],
    ['a type error', failed("TypeError: Cannot read properties of undefined (reading 'x')\n"), 'JavaScript error class'],
    ['an unfilled value', failed('ctr format undefined\n'), 'unfilled value'],
    ['a bare errno', failed('EISDIR: illegal operation on a directory, read\n'), 'bare Node error code'],
    ['echoed bytes', failed('bad header "\u0000\u0001PNG"\n'), 'raw bytes'],
    ['a success', failed('', { code: 0 }), 'exited with code 0'],
    ['a hang', failed('', { code: null, signal: 'SIGKILL', timedOut: true }), 'hung'],
    ['a signal', failed('', { code: null, signal: 'SIGSEGV' }), 'signal SIGSEGV'],
    ['a long line', failed(`error: ${'x'.repeat(500)}\n`), '507-character line'],
  ])('rejects %s', (_, run, problem) => {
    expect(cleanFailureProblems(run, { mentions: [] }).join('\n')).toContain(problem);
  });

  it('names each expected mention that is missing', () => {
    expect(cleanFailureProblems(failed('error: bad file\n'), { mentions: ['data.csv', /row \d+/] })).toEqual([
      expect.stringContaining('does not mention data.csv'),
      expect.stringContaining('does not mention /row \\d+/'),
    ]);
  });
});
