import { describe, expect, it } from 'vitest';

import { BYTE_TO_CHARACTER, bytesToPrintable, printableToBytes } from './byte-level.js';

describe('byte-level mapping', () => {
  it('maps 256 bytes to 256 distinct visible characters, printable Latin-1 to itself', () => {
    expect(new Set(BYTE_TO_CHARACTER).size).toBe(256);
    expect(BYTE_TO_CHARACTER.some((character) => /\s/u.test(character))).toBe(false);
    expect(BYTE_TO_CHARACTER[0x41]).toBe('A');
    expect(BYTE_TO_CHARACTER[0x20]).toBe('Ġ');
    expect(BYTE_TO_CHARACTER[0x0a]).toBe('Ċ');
    expect(BYTE_TO_CHARACTER[0xad]).toBe('Ń');
  });

  it('round-trips every byte and refuses characters outside the mapping', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(printableToBytes(bytesToPrintable(all))).toEqual(all);
    expect(printableToBytes('a b')).toBeNull();
  });
});
