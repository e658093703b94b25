import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { announceResume } from './resume-notice.js';

describe('announceResume', () => {
  it('writes one line naming the run, the checkpoint step and the total', () => {
    const stream = new PassThrough();
    announceResume({ method: 'cb-focal', repetition: 2 }, 30, 120, stream);
    expect(String(stream.read())).toBe('run cb-focal/seed-2: resuming from its checkpoint at step 30 of 120\n');
  });
});
