/** Characters a message must not print as they are: controls, U+FFFD, invisible and line-breaking ones, lone surrogates. */
// eslint-disable-next-line no-control-regex -- escaping control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\ufeff\ufffd"\\]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A short, escaped excerpt of `text` for an error message: its first `max` characters (code points; default 24, then
 * `…`), in double quotes, with `"` and `\` escaped and control characters, U+FFFD, lone surrogates and invisible or
 * line-breaking characters written as `\uXXXX`, so a message never echoes the raw bytes of a binary file and stays on
 * one line. `quoteExcerpt('a\u0000b')` is `"a\u0000b"`.
 */
export function quoteExcerpt(text: string, max = 24): string {
  const characters = [...text];
  const cut = characters.slice(0, max).join('');
  const escaped = cut.replace(UNPRINTABLE, (c) => (c === '"' || c === '\\' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return `"${escaped}${characters.length > max ? '…' : ''}"`;
}
