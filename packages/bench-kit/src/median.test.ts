import { describe, expect, it } from 'vitest';

import { median } from './median.js';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values, without sorting the input in place', () => {
    const values = [3, 1, 2];
    expect(median(values)).toBe(2);
    expect(values).toEqual([3, 1, 2]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 9, 1, 100, 2])).toBe(9);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});
