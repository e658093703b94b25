import { Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { createProgress, quietFromEnv } from './progress.js';

function capture(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: 120 });
  return { stream, text: () => chunks.join('') };
}

describe('createProgress', () => {
  it('writes nothing in quiet mode', () => {
    const out = capture(false);
    const bar = createProgress({ total: 100, label: 'epoch 1/1', quiet: true, stream: out.stream });
    for (let i = 0; i < 100; i += 1) bar.tick(1, { loss: 0.5 });
    bar.stop();
    expect(out.text()).toBe('');
  });

  it('writes few plain lines when the stream is not a terminal: fast work gets only the final line', () => {
    const out = capture(false);
    const bar = createProgress({ total: 1000, label: 'epoch 2/3', quiet: false, stream: out.stream });
    for (let i = 0; i < 1000; i += 1) bar.tick(1, { loss: 0.123456 });
    bar.stop();
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^epoch 2\/3 1000\/1000 \(\d+\.\ds\) loss 0\.1235$/);
  });

  it('draws a bar with a status on a terminal', () => {
    const out = capture(true);
    const bar = createProgress({ total: 10, label: 'train', quiet: false, stream: out.stream });
    bar.tick(5, { loss: 1e-6 });
    bar.stop();
    expect(out.text()).toContain('train');
    expect(out.text()).toContain('5/10');
  });
});

describe('quietFromEnv', () => {
  it('reads COUNTERWEIGHT_QUIET first, then CI', () => {
    expect(quietFromEnv({ COUNTERWEIGHT_QUIET: '1' })).toBe(true);
    expect(quietFromEnv({ COUNTERWEIGHT_QUIET: '0', CI: 'true' })).toBe(false);
    expect(quietFromEnv({ CI: 'true' })).toBe(true);
    expect(quietFromEnv({})).toBe(false);
  });
});
