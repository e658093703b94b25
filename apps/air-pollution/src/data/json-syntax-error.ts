/** Where a JSON text first breaks the grammar (RFC 8259): 1-based line and column, and what was expected there. */
export interface JsonSyntaxError {
  readonly line: number;
  readonly column: number;
  /** `expected "," or "}" after a value, found "l"`, `unterminated string`, `the text ends inside an object`, … */
  readonly message: string;
}

/** A short, escaped description of the character at `i` (or the end of the text). */
function found(text: string, i: number): string {
  if (i >= text.length) return 'the end of the text';
  return JSON.stringify(text[i]);
}

/**
 * The first syntax error of `text` as JSON, or undefined when it parses. Only locates the error (JSON.parse of Node 20
 * names neither line nor column for most errors); the values themselves are not built.
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (message: string): never => {
    throw Object.assign(new Error(message), { at: i });
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] ?? '')) i += 1;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`expected a JSON value, found ${found(text, i)}`);
  };
  const string = (): void => {
    i += 1;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i += 1;
        return;
      }
      if (c < 0x20) fail(`a control character (${found(text, i)}) inside a string`);
      if (c === 0x5c) {
        const e = text[i + 1] ?? '';
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('a \\u escape needs four hex digits');
          i += 6;
        } else if ('"\\/bfnrt'.includes(e) && e !== '') i += 2;
        else fail(`an unknown escape \\${e}`);
      } else i += 1;
    }
  };
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m === null || m[0] === '' || m[0] === '-') fail(`expected a JSON value, found ${found(text, i)}`);
    i += (m as RegExpExecArray)[0].length;
  };
  const value = (depth: number): void => {
    if (depth > 512) fail('nested too deeply');
    space();
    const c = text[i];
    if (c === undefined) fail('the text ends where a value was expected');
    if (c === '{') {
      i += 1;
      space();
      if (text[i] === '}') {
        i += 1;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail(i >= text.length ? 'the text ends inside an object' : `expected a key in double quotes, found ${found(text, i)}`);
        string();
        space();
        if (text[i] !== ':') fail(`expected ":" after a key, found ${found(text, i)}`);
        i += 1;
        value(depth + 1);
        space();
        if (text[i] === ',') i += 1;
        else if (text[i] === '}') {
          i += 1;
          return;
        } else fail(i >= text.length ? 'the text ends inside an object' : `expected "," or "}" after a value, found ${found(text, i)}`);
      }
    }
    if (c === '[') {
      i += 1;
      space();
      if (text[i] === ']') {
        i += 1;
        return;
      }
      for (;;) {
        value(depth + 1);
        space();
        if (text[i] === ',') i += 1;
        else if (text[i] === ']') {
          i += 1;
          return;
        } else fail(i >= text.length ? 'the text ends inside an array' : `expected "," or "]" after a value, found ${found(text, i)}`);
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return number();
  };
  try {
    value(0);
    space();
    if (i < text.length) fail(`unexpected ${found(text, i)} after the JSON value`);
    return undefined;
  } catch (error) {
    const at = (error as { at?: number }).at ?? 0;
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    return { line, column, message: (error as Error).message };
  }
}
