import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

import { describe, expect, it } from 'vitest';

import * as base from './base.js';
import * as runtime from './index.js';

const SRC = import.meta.dirname;

/** Every module specifier `file` imports or re-exports (static and dynamic). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1] as string);
}

/** The files of this package reachable from `entry`, and the packages they import. */
function reachable(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of specifiers(file)) {
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));
    }
  };
  visit(entry);
  return { files: [...files].map((f) => relative(SRC, f)).sort(), packages: [...packages].sort() };
}

describe('@counterweight/runtime/base', () => {
  it('reaches no tfjs, no wasm kernels and no chart or image library, so a CLI can start without them', () => {
    const { files, packages } = reachable(join(SRC, 'base.ts'));
    expect(files).toContain('errors.ts');
    expect(packages.filter((p) => !p.startsWith('node:'))).toEqual(['cli-progress', 'pure-rand']);
  });

  it('exports the same classes and functions as the main entry', () => {
    for (const [name, value] of Object.entries(base)) expect((runtime as Record<string, unknown>)[name], name).toBe(value);
  });
});
