import { describe, expect, it } from 'vitest';
import { ReweightingError } from './reweighting-error.js';

describe('ReweightingError', () => {
  it('names the argument and the problem, and is an Error', () => {
    const error = new ReweightingError('source', 'is empty');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ReweightingError');
    expect(error.argument).toBe('source');
    expect(error.message).toBe('source: is empty');
  });
});
