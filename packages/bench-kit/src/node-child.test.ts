import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { lastJsonObject, runNodeChild } from './node-child.js';

const dir = mkdtempSync(join(tmpdir(), 'bench-kit-node-child-'));

function script(name: string, body: string): URL {
  const path = join(dir, name);
  writeFileSync(path, body);
  return pathToFileURL(path);
}

describe('lastJsonObject', () => {
  it('returns the last line that is a JSON object, skipping other lines, arrays and broken JSON', () => {
    expect(lastJsonObject('log\n{"a":1}\n[1,2]\n{"b":2}\n{broken\n')).toEqual({ b: 2 });
    expect(lastJsonObject('no json here\n[1]\n')).toBeUndefined();
  });
});

describe('runNodeChild', () => {
  it("passes the arguments and returns the child's last JSON line", async () => {
    const entry = script('echo.mjs', 'console.log("starting"); console.log(JSON.stringify({ args: process.argv.slice(2) }));');
    await expect(runNodeChild(entry, ['x', '{"y":1}'])).resolves.toEqual({ line: { args: ['x', '{"y":1}'] }, failure: undefined });
  });

  it('runs a TypeScript entry through tsx with the source condition', async () => {
    const entry = script('typed.ts', 'const n: number = 2;\nconsole.log(JSON.stringify({ n }));\n');
    await expect(runNodeChild(entry, [])).resolves.toEqual({ line: { n: 2 }, failure: undefined });
  });

  it('says how a child that printed no line ended: exit code and last stderr line, or killed by the timeout', async () => {
    const failing = script('fail.mjs', 'console.error("first"); console.error("the reason"); process.exit(3);');
    await expect(runNodeChild(failing, [])).resolves.toEqual({ line: undefined, failure: 'exited with code 3: the reason' });
    const slow = script('slow.mjs', 'setTimeout(() => {}, 60_000);');
    const outcome = await runNodeChild(slow, [], { timeoutMs: 300 });
    expect(outcome.line).toBeUndefined();
    expect(outcome.failure).toBe('was killed by a signal (the timeout is 300 ms)');
  });
});
