/** Text or ids that a tokenizer cannot handle: a character outside a char vocabulary, an id out of range. */
export class TokenizerError extends Error {
  override readonly name = 'TokenizerError';

  constructor(message: string) {
    super(message);
  }
}

/** A character as it reads in an error message: JSON-escaped and with its code point, e.g. `"\t" (U+0009)`. */
export function describeCharacter(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  return `${JSON.stringify(character)} (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** 1-based line and column (in code points) of UTF-16 offset `index` in `text`. */
export function linePosition(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: [...text.slice(lineStart, index)].length + 1 };
}
