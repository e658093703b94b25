import { describe, expect, it } from 'vitest';

import { runCommand } from './run-command.js';

const node = process.execPath;

describe('runCommand', () => {
  it('returns exit code and both streams of a failing command without throwing', async () => {
    const run = await runCommand(node, ['-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)']);
    expect([run.code, run.signal, run.stdout, run.stderr, run.timedOut]).toEqual([3, null, 'out', 'err', false]);
  });

  it('kills a hanging command at the time limit and says so', async () => {
    const run = await runCommand(node, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 300 });
    expect(run.timedOut).toBe(true);
    expect(run.signal).toBe('SIGKILL');
  });

  it('interrupts after the first output matching whenOutput, not before', async () => {
    const script = 'process.on("SIGINT", () => { console.log("caught"); process.exit(130); }); setTimeout(() => console.log("ready"), 200); setInterval(() => {}, 1000);';
    const run = await runCommand(node, ['-e', script], { interrupt: { signal: 'SIGINT', afterMs: 50, whenOutput: /ready/ }, timeoutMs: 5000 });
    expect(run.stdout).toBe('ready\ncaught\n');
    expect(run.code).toBe(130);
  });

  it('feeds input to stdin', async () => {
    const run = await runCommand(node, ['-e', 'process.stdin.pipe(process.stdout)'], { input: 'abc' });
    expect(run.stdout).toBe('abc');
  });
});
