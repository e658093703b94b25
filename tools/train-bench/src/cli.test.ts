import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = resolve(import.meta.dirname, 'cli.ts');

async function bench(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, ['--conditions=@counterweight/source', '--import', 'tsx', CLI, ...args]);
    return { code: 0, stderr };
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  }
}

describe('train-bench CLI', () => {
  it('prints a bad flag as one line naming it and the options, not a stack trace, and exits 1', async () => {
    const unknown = await bench('--bogus');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`train-bench: Unknown option '--bogus' (options: --workloads, --backends, --no-torch)\n`);
    const value = await bench('--workloads', 'vit');
    expect(value.code).toBe(1);
    expect(value.stderr).toMatch(/^train-bench: --workloads: unknown or empty value "vit"; .* \(options: --workloads, --backends, --no-torch\)\n$/);
  });
});
