import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ConfigError } from '@counterweight/runtime/base';

/**
 * The file of an installed package's bin, found as Node finds packages: `node_modules/<packageName>` in this
 * module's folder or the nearest one above it (in this repository, the workspace link to `apps/<app>`), then the
 * `bin` entry of its package.json (the committed launcher, e.g. `apps/ctr-ranking/bin/ctr-ranking.js`).
 *
 * @throws ConfigError naming the package when it is not installed or declares no such bin.
 */
export function appBinPath(packageName: string, bin: string, from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', packageName, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> | string };
      const target = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.[bin];
      if (target === undefined) throw new ConfigError(packageName, `${manifest} declares no bin "${bin}"`);
      return join(dirname(manifest), target);
    }
    if (dirname(dir) === dir) throw new ConfigError(packageName, `not installed (no node_modules/${packageName} at or above ${from}); run npm ci`);
  }
}
