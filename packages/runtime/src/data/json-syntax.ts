import { describeNonText, firstNonTextByte, isGzip } from './text-bytes.js';

/** Where and why a text stops being JSON, found by {@link jsonSyntaxError}. Never holds the input itself. */
export interface JsonSyntaxError {
  /** 1-based line (line feeds before the place + 1). */
  readonly line: number;
  /** 1-based column in that line, in characters (code points). */
  readonly column: number;
  /**
   * What was expected and found, in words: `expected "," or "}" after a value, found "l"`, `unterminated string`,
   * `expected a JSON value, found the end of the text`, `control character U+0001 inside a string`. A character found
   * is shown quoted when it is printable ASCII, else as its code point (`U+FEFF`).
   */
  readonly reason: string;
}

/** The outcome of {@link parseJsonText} and {@link parseJsonBytes}: the value, or a one-line problem. */
export type JsonParse = { readonly value: unknown; readonly problem?: undefined } | { readonly problem: string; readonly value?: undefined };

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

/** A character as a message shows it: printable ASCII quoted, anything else as its code point (`U+FEFF`). */
function shown(text: string, i: number): string {
  if (i >= text.length) return 'the end of the text';
  const code = text.codePointAt(i) ?? 0;
  return code >= 0x20 && code < 0x7f ? JSON.stringify(String.fromCodePoint(code)) : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** UTF-16 offset and reason of the first syntax error of `text` (RFC 8259), or undefined. Iterative: any depth. */
function firstError(text: string): Stop | undefined {
  let i = 0;
  const open: string[] = [];
  const stop = (reason: string, at = i): never => {
    throw new Stop(at, reason);
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i += 1;
  };
  const string = (): void => {
    i += 1;
    for (;;) {
      if (i >= text.length) stop('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i += 1;
        return;
      }
      if (c < 0x20) stop(`control character ${shown(text, i)} inside a string`);
      if (c !== 0x5c) {
        i += 1;
        continue;
      }
      const escaped = text[i + 1] ?? '';
      if (escaped === 'u') {
        if (!HEX4.test(text.slice(i + 2, i + 6))) stop('\\u escape without four hex digits');
        i += 6;
      } else if (escaped !== '' && '"\\/bfnrt'.includes(escaped)) i += 2;
      else stop(i + 1 >= text.length ? 'unterminated string' : `unknown escape (a backslash before ${shown(text, i + 1)})`);
    }
  };
  const key = (): void => {
    space();
    if (text[i] !== '"') stop(`expected a key in double quotes, found ${shown(text, i)}`);
    string();
    space();
    if (text[i] !== ':') stop(`expected ":" after a key, found ${shown(text, i)}`);
    i += 1;
  };
  /** Reads one value; true when it opened an array or object (whose first element or key is then read). */
  const value = (): boolean => {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      i += 1;
      space();
      if (text[i] === (c === '{' ? '}' : ']')) {
        i += 1;
        return false;
      }
      open.push(c);
      if (c === '{') key();
      return true;
    }
    if (c === '"') {
      string();
      return false;
    }
    for (const word of ['true', 'false', 'null']) {
      if (c !== word[0]) continue;
      for (const letter of word) {
        if (text[i] !== letter) stop(`expected ${word}, found ${shown(text, i)}`);
        i += 1;
      }
      return false;
    }
    NUMBER.lastIndex = i;
    if (NUMBER.exec(text) === null) stop(`expected a JSON value, found ${shown(text, i)}`);
    i = NUMBER.lastIndex;
    return false;
  };
  try {
    for (;;) {
      if (value()) continue;
      // after a value: close what it ends, or go on to the next element
      for (;;) {
        space();
        const top = open.at(-1);
        if (top === undefined) {
          if (i < text.length) stop(`unexpected ${shown(text, i)} after the JSON value`);
          return undefined;
        }
        const close = top === '{' ? '}' : ']';
        if (text[i] === close) {
          i += 1;
          open.pop();
          continue;
        }
        if (text[i] !== ',') stop(`expected "," or "${close}" after a value, found ${shown(text, i)}`);
        i += 1;
        if (top === '{') key();
        break;
      }
    }
  } catch (error) {
    if (error instanceof Stop) return error;
    throw error;
  }
}

/**
 * The first syntax error of `text` as JSON (a strict RFC 8259 scan) with its line, column and reason, or undefined
 * when it is JSON. For messages that name the place without echoing the input: V8's `JSON.parse` messages quote the
 * text, raw bytes included, and often give no line. Builds no values; iterative, so any nesting depth is safe.
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stop = firstError(text);
  if (stop === undefined) return undefined;
  const before = text.slice(0, stop.offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  let column = 1;
  for (let k = lineStart; k < stop.offset; k += 1) {
    const unit = text.charCodeAt(k);
    if (unit < 0xdc00 || unit > 0xdfff) column += 1; // a low surrogate ends a character already counted
  }
  return { line: before.split('\n').length, column, reason: stop.reason };
}

/**
 * `JSON.parse(text)`, or its syntax error in words: `not valid JSON at line 2, column 7: expected a JSON value, found
 * "}"` ({@link jsonSyntaxError}). The text is never quoted.
 */
export function parseJsonText(text: string): JsonParse {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    const error = jsonSyntaxError(text);
    return { problem: error === undefined ? 'not valid JSON' : `not valid JSON at line ${error.line}, column ${error.column}: ${error.reason}` };
  }
}

/**
 * Parses the bytes of a JSON file (a leading byte-order mark allowed), or says in one line why not, never echoing
 * them: `is empty (0 bytes); expected <what>`; `invalid UTF-8 at line 2, column 3, byte offset 3 (byte 0xe9); expected
 * <what> as UTF-8 text` or `binary data at line 1, …` ({@link describeNonText}; `(the file is gzip-compressed)` when it
 * is); `not valid JSON at line L, column C: <reason>` ({@link parseJsonText}).
 * @param what what the file should be, for the first two; default `a JSON file`.
 */
export function parseJsonBytes(bytes: Uint8Array, what = 'a JSON file'): JsonParse {
  if (bytes.length === 0) return { problem: `is empty (0 bytes); expected ${what}` };
  const found = firstNonTextByte(bytes);
  if (found !== undefined) {
    return { problem: `${describeNonText(found, true)}; expected ${what} as UTF-8 text${isGzip(bytes) ? ' (the file is gzip-compressed)' : ''}` };
  }
  return parseJsonText(new TextDecoder('utf-8').decode(bytes));
}
