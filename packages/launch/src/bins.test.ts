import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

interface WorkspaceBin {
  readonly name: string;
  readonly packageDir: string;
  readonly target: string;
}

/** Every bin declared by a workspace package (the root package.json's workspace globs are `<dir>/*`). */
function workspaceBins(): WorkspaceBin[] {
  const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  const bins: WorkspaceBin[] = [];
  for (const pattern of rootPackage.workspaces) {
    const parent = join(root, pattern.replace(/\/\*$/, ''));
    for (const entry of existsSync(parent) ? readdirSync(parent) : []) {
      const manifest = join(parent, entry, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> };
      for (const [name, target] of Object.entries(pkg.bin ?? {})) {
        bins.push({ name, packageDir: join(parent, entry), target });
      }
    }
  }
  return bins;
}

const bins = workspaceBins();

describe('workspace bins', () => {
  it('finds the apps and tools that declare one', () => {
    expect(bins.map((b) => b.name)).toEqual(
      expect.arrayContaining(['imbalanced-vision', 'ctr-ranking', 'counterweight-quickstart', 'counterweight-parity']),
    );
  });

  it.each(bins)('$name points at a committed launcher, not at a build output', ({ packageDir, target }) => {
    expect(target).not.toMatch(/^\.?\/?dist\//);
    expect(existsSync(join(packageDir, target))).toBe(true);
  });

  it.each(bins)('$name is linked by npm into node_modules/.bin, where npx finds it', ({ name, packageDir, target }) => {
    expect(realpathSync(join(root, 'node_modules', '.bin', name))).toBe(realpathSync(join(packageDir, target)));
  });

  it.each(bins)(
    '$name --help answers through its launcher',
    async ({ name, packageDir, target }) => {
      const { stdout } = await run(process.execPath, [join(packageDir, target), '--help'], { cwd: root });
      expect(stdout).toContain(`Usage: ${name}`);
    },
    60_000,
  );

  // npm's own resolution, once (it is the same for every bin): with the registry unreachable, `npm exec` runs the
  // linked launcher and downloads nothing.
  it('answers through npm exec with the registry unreachable', async () => {
    const { stdout } = await run('npm', ['exec', '--offline', '--no', '--', 'counterweight-quickstart', '--help'], {
      cwd: root,
      env: { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
    });
    expect(stdout).toContain('Usage: counterweight-quickstart');
  }, 60_000);
});
