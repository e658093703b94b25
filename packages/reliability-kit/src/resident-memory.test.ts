import { describe, expect, it } from 'vitest';

import { residentMemoryBytes } from './resident-memory.js';

describe('residentMemoryBytes', () => {
  it("reads this process's resident memory close to Node's own figure, and nothing for a missing process", () => {
    const rss = residentMemoryBytes(process.pid);
    expect(rss).toBeDefined();
    expect(Math.abs((rss ?? 0) - process.memoryUsage().rss)).toBeLessThan(64 * 1024 * 1024);
    expect(residentMemoryBytes(2 ** 22 + 12345)).toBeUndefined();
  });
});
