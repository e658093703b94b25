import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

/** The Python module the PyTorch peer scripts share, and its unittest file beside it. */
const PYTHON_DIR = fileURLToPath(new URL('../python', import.meta.url));

describe('python/peer_support.py', () => {
  it('passes its unittest suite (option checks, BLAS fields, timed epochs, the single-run record) on python3', async () => {
    const { stderr } = await promisify(execFile)('python3', ['-m', 'unittest', '-v', 'test_peer_support'], {
      cwd: PYTHON_DIR,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(stderr).toMatch(/^Ran 10 tests in /m);
    expect(stderr).toMatch(/\nOK\n?$/);
  }, 60_000);
});
