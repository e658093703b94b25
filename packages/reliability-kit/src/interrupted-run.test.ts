import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { runWithInterruptions } from './interrupted-run.js';

const dir = mkdtempSync(join(tmpdir(), 'reliability-kit-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A job of 8 steps of 60 ms that records each finished step in a file and starts after the last one recorded.
const job = `
const fs = require('node:fs');
const file = process.argv[1];
let done = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0;
const step = () => {
  if (done === 8) { console.log('total', done); return; }
  setTimeout(() => { done += 1; fs.writeFileSync(file, String(done)); step(); }, 60);
};
step();
`;

describe('runWithInterruptions', () => {
  it('stops each run with its signal, then completes the job from where it was left', async () => {
    const file = join(dir, 'progress');
    const result = await runWithInterruptions(process.execPath, ['-e', job, file], [
      { signal: 'SIGINT', afterMs: 150 },
      { signal: 'SIGKILL', afterMs: 150 },
    ]);
    expect(result.survived).toBe(2);
    expect(result.interrupted.map((r) => r.signal)).toEqual(['SIGINT', 'SIGKILL']);
    expect(result.completed.code).toBe(0);
    expect(result.completed.stdout).toBe('total 8\n');
    expect(readFileSync(file, 'utf8')).toBe('8');
  });

  it("triggers an entry with whenFile when that path appears, whatever the options' whenOutput", async () => {
    const file = join(dir, 'progress-by-file');
    const marker = `${file}.3`;
    // The same job, also leaving a marker file at its third step.
    const marked = job.replace('fs.writeFileSync(file, String(done));', 'fs.writeFileSync(file, String(done)); if (done === 3) fs.writeFileSync(file + ".3", "");');
    const result = await runWithInterruptions(process.execPath, ['-e', marked, file], [{ signal: 'SIGKILL', afterMs: 0, whenFile: marker }], {
      whenOutput: /never printed/,
    });
    expect(result.survived).toBe(1);
    expect(result.interrupted[0]?.signal).toBe('SIGKILL');
    expect(result.interrupted[0]?.stdout).toBe('');
    expect(result.completed.stdout).toBe('total 8\n');
  });

  it('counts a run that finished before its signal as not interrupted', async () => {
    const result = await runWithInterruptions(process.execPath, ['-e', 'console.log("quick")'], [{ signal: 'SIGKILL', afterMs: 5_000 }]);
    expect(result.survived).toBe(0);
    expect(result.interrupted[0]?.code).toBe(0);
  });
});
