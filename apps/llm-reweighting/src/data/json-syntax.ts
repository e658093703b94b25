/** Where and why a JSON text does not parse: 1-based line and column (in code points) and a short reason. */
export interface JsonSyntaxProblem {
  readonly line: number;
  readonly column: number;
  /** E.g. `unterminated string`, `unexpected character "}"`, `the text ends early`; never the input itself. */
  readonly reason: string;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** A character as a message shows it: printable ASCII quoted, anything else as its code point (`U+FEFF`). */
function shown(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  return code >= 0x20 && code < 0x7f ? JSON.stringify(character) : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** UTF-16 offset and reason of the first JSON syntax error in `text` (RFC 8259), or undefined when it is valid JSON. */
function firstError(text: string): Stop | undefined {
  let i = 0;
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] ?? '')) i += 1;
  };
  const found = (): string => (i < text.length ? shown(String.fromCodePoint(text.codePointAt(i) ?? 0)) : 'the end of the text');
  const expect = (character: string, what: string): void => {
    if (text[i] !== character) throw new Stop(i, `expected ${what}, found ${found()}`);
    i += 1;
  };
  const string = (): void => {
    expect('"', 'a double-quoted string');
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) throw new Stop(i, 'unterminated string');
      if (c < 0x20) throw new Stop(i, `control character ${found()} inside a string`);
      i += 1;
      if (c === 0x22) return;
      if (c === 0x5c) {
        const escaped = text[i] ?? '';
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) throw new Stop(i - 1, 'invalid \\u escape');
          i += 5;
        } else if ('"\\/bfnrt'.includes(escaped) && escaped !== '') i += 1;
        else throw new Stop(i - 1, 'invalid escape');
      }
    }
  };
  const value = (depth: number): void => {
    if (depth > 10_000) throw new Stop(i, 'nested more than 10,000 deep');
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i += 1;
      space();
      if (text[i] === close) {
        i += 1;
        return;
      }
      for (;;) {
        if (c === '{') {
          space();
          string();
          space();
          expect(':', '":" after the name');
        }
        value(depth + 1);
        space();
        if (text[i] === ',') i += 1;
        else return expect(close, `"," or "${close}"`);
      }
    }
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (c === word[0]) {
        for (const letter of word) expect(letter, word);
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (NUMBER.exec(text) === null) throw new Stop(i, i < text.length ? `unexpected character ${found()}` : 'the text ends early');
    i = NUMBER.lastIndex;
  };
  try {
    value(0);
    space();
    if (i < text.length) throw new Stop(i, `unexpected ${found()} after the JSON value`);
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return error;
    throw error;
  }
}

/**
 * Where `text` stops being JSON and why (a strict RFC 8259 scan), for a message that names the place without echoing
 * the input — V8's `JSON.parse` messages quote the text, raw bytes included, and often give no position. For valid
 * JSON (which should not be asked) it returns the end of the text.
 */
export function jsonSyntaxProblem(text: string): JsonSyntaxProblem {
  const stop = firstError(text);
  const offset = stop?.offset ?? text.length;
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: [...text.slice(lineStart, offset)].length + 1, reason: stop?.reason ?? 'valid JSON' };
}
