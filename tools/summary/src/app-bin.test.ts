import { existsSync } from 'node:fs';

import { ConfigError } from '@counterweight/runtime/base';
import { describe, expect, it } from 'vitest';

import { appBinPath } from './app-bin.js';
import { DOMAINS } from './domains.js';

describe('appBinPath', () => {
  it.each(DOMAINS.map((d) => [d.id, d.app.packageName, d.app.bin] as const))('%s: finds the committed launcher of %s', (_id, packageName, bin) => {
    const path = appBinPath(packageName, bin);
    expect(path.replace(/\\/g, '/')).toMatch(new RegExp(`/bin/${bin}\\.js$`));
    expect(existsSync(path)).toBe(true);
  });

  it('names a package that is not installed, or a bin it does not declare', () => {
    expect(() => appBinPath('@counterweight/no-such-app', 'x')).toThrow(ConfigError);
    expect(() => appBinPath('@counterweight/no-such-app', 'x')).toThrow(/^@counterweight\/no-such-app: not installed \(no node_modules\/@counterweight\/no-such-app at or above .*\); run npm ci$/);
    expect(() => appBinPath('@counterweight/ctr-ranking', 'no-such-bin')).toThrow(/^@counterweight\/ctr-ranking: .*package\.json declares no bin "no-such-bin"$/);
  });
});
