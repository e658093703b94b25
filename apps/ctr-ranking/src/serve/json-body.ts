import { describeNonText, firstNonTextByte, jsonSyntaxError } from '@counterweight/runtime';

/** Keys a request body may not hold anywhere: they could reach an object's prototype in careless code downstream. */
export const FORBIDDEN_JSON_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/**
 * Where the first forbidden key ({@link FORBIDDEN_JSON_KEYS}) is in a parsed JSON value, as a path like
 * `candidates[0].__proto__`, or undefined. Walks iteratively (no recursion), so any nesting depth is safe.
 */
export function findForbiddenKey(value: unknown): string | undefined {
  const stack: Array<readonly [unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop() as readonly [unknown, string];
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i -= 1) stack.push([node[i], `${path}[${i}]`]);
      continue;
    }
    const keys = Object.keys(node);
    for (const key of keys) if (FORBIDDEN_JSON_KEYS.includes(key)) return path === '' ? key : `${path}.${key}`;
    for (let k = keys.length - 1; k >= 0; k -= 1) {
      const key = keys[k] as string;
      stack.push([(node as Record<string, unknown>)[key], path === '' ? key : `${path}.${key}`]);
    }
  }
  return undefined;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a request body as JSON: strict UTF-8 (an invalid byte sequence is refused, not replaced), `JSON.parse`
 * (numbers beyond ±1.8e308 become ±Infinity and are refused later by the request checks), then no forbidden key
 * anywhere. Returns the value or a one-line problem that never echoes the body: `body has invalid UTF-8 at line 1,
 * column 23, byte offset 22 (byte 0xc3)`, `body is not valid JSON at line 1, column 5: expected a JSON
 * value, found "N"`, `forbidden key "__proto__" at candidates[0]`.
 */
export function parseJsonBody(body: Buffer | string): { readonly value: unknown } | { readonly problem: string } {
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    try {
      text = UTF8.decode(body);
    } catch {
      const found = firstNonTextByte(body, { binary: 'nul' });
      return { problem: found === undefined ? 'body is not valid UTF-8' : `body has ${describeNonText(found, true)}` };
    }
  }
  if (text.trim() === '') return { problem: 'body is empty; expected a JSON object { "candidates": [...] }' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const error = jsonSyntaxError(text);
    return { problem: `body is not valid JSON${error === undefined ? '' : ` at line ${error.line}, column ${error.column}: ${error.reason}`}` };
  }
  const forbidden = findForbiddenKey(value);
  if (forbidden !== undefined) {
    const cut = forbidden.lastIndexOf('.');
    const key = cut < 0 ? forbidden : forbidden.slice(cut + 1);
    const where = cut < 0 ? 'the top level' : forbidden.slice(0, cut);
    return { problem: `forbidden key ${JSON.stringify(key)} at ${where}` };
  }
  return { value };
}
