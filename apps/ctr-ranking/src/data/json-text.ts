import { quoteExcerpt } from './text-check.js';

/**
 * `JSON.parse`'s error in plain words without echoing the input: `it ends before the JSON value is complete`,
 * `unexpected character "x"`, `expected ':' after property name at character 6`, `unexpected text after the JSON
 * value at character 8` (characters 1-based). V8's own messages quote the start of the input, which may be binary.
 * Given the parsed `text`, an error at its very end is said to be a cut (V8 calls some of those a missing `,`).
 */
export function describeJsonSyntaxError(error: unknown, text?: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/^Unexpected end of JSON input/.test(message)) return 'it ends before the JSON value is complete';
  const end = /at position (\d+)/.exec(message);
  if (end !== null && text !== undefined && Number(end[1]) >= text.length) return 'it ends before the JSON value is complete';
  const token = /^Unexpected token '([\s\S]*?)', /.exec(message) ?? /^Unexpected token ([\s\S]) in JSON/.exec(message);
  const position = /at position (\d+)/.exec(message);
  const at = position === null ? '' : ` at character ${Number(position[1]) + 1}`;
  if (token !== null) return `unexpected character ${quoteExcerpt(token[1] ?? '')}${at}`;
  if (/after JSON/.test(message)) return `unexpected text after the JSON value${at}`;
  const reason = /^(.*?) in JSON/.exec(message);
  if (reason !== null) return `${(reason[1] ?? '').replace(/^Unexpected/, 'unexpected').replace(/^Expected/, 'expected').replace(/^Bad/, 'bad')}${at}`;
  return `syntax error${at}`;
}
