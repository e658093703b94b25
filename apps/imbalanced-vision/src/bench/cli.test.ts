import { resolve } from 'node:path';

import { runSourceCli } from '@counterweight/experiment/cli';
import { describe, expect, it } from 'vitest';

const BENCH = resolve(import.meta.dirname, 'cli.ts');

describe('imbalanced-vision bench CLI', () => {
  it('prints a bad flag as one line naming it and the options, not a stack trace, and exits 1', async () => {
    const unknown = await runSourceCli(BENCH, ['--bogus']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`imbalanced-vision bench: Unknown option '--bogus' (options: --backends, --archs, --quick)\n`);
    const value = await runSourceCli(BENCH, ['--archs', 'vit']);
    expect(value.code).toBe(1);
    expect(value.stderr).toMatch(/^imbalanced-vision bench: --archs: unknown or empty value "vit"; .* \(options: --backends, --archs, --quick\)\n$/);
  });
});
