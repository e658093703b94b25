import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

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

  it('interrupts once the whenFile path exists, not before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reliability-kit-when-file-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const marker = join(dir, 'step-3');
    // Counts to 20 every 30 ms, writing the marker at 3: the signal must come after "3" and well before "20".
    const script = `let i = 0; const t = setInterval(() => { i += 1; console.log(i); if (i === 3) require('node:fs').writeFileSync(${JSON.stringify(marker)}, ''); if (i === 20) clearInterval(t); }, 30);`;
    const run = await runCommand(node, ['-e', script], { interrupt: { signal: 'SIGKILL', afterMs: 0, whenFile: marker }, timeoutMs: 5000 });
    expect(run.signal).toBe('SIGKILL');
    const counted = run.stdout.trim().split('\n').map(Number);
    expect(counted.at(-1)).toBeGreaterThanOrEqual(3);
    expect(counted.at(-1)).toBeLessThan(20);
  });

  it('feeds input to stdin', async () => {
    const run = await runCommand(node, ['-e', 'process.stdin.pipe(process.stdout)'], { input: 'abc' });
    expect(run.stdout).toBe('abc');
  });
});
