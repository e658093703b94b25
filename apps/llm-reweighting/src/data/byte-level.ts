/**
 * The byte-to-printable-character mapping of GPT-2's byte-level BPE (Radford et al., 2019): the 188 bytes that are
 * printable Latin-1 characters (`!`–`~`, `¡`–`¬`, `®`–`ÿ`) stand for themselves and the other 68 bytes (controls,
 * space, soft hyphen…) take the code points 256, 257, … in byte order. So a token's bytes read as visible text (a
 * space shows as `Ġ`, a newline as `Ċ`) and never contain a space, which lets a merge be written as `"left right"`.
 */
export const BYTE_TO_CHARACTER: readonly string[] = (() => {
  const table: string[] = [];
  let next = 256;
  for (let byte = 0; byte < 256; byte += 1) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
    table.push(String.fromCodePoint(printable ? byte : next++));
  }
  return table;
})();

/** The inverse of {@link BYTE_TO_CHARACTER}: code point → byte. */
const CHARACTER_TO_BYTE = new Map<number, number>(BYTE_TO_CHARACTER.map((character, byte) => [character.codePointAt(0) ?? 0, byte]));

/** The printable text of `bytes` in the GPT-2 byte mapping. */
export function bytesToPrintable(bytes: ArrayLike<number>): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 1) text += BYTE_TO_CHARACTER[bytes[i] ?? 0] ?? '';
  return text;
}

/** The bytes of printable text in the GPT-2 byte mapping, or null when a character is outside the mapping. */
export function printableToBytes(text: string): Uint8Array | null {
  const bytes: number[] = [];
  for (const character of text) {
    const byte = CHARACTER_TO_BYTE.get(character.codePointAt(0) ?? -1);
    if (byte === undefined) return null;
    bytes.push(byte);
  }
  return Uint8Array.from(bytes);
}
