import { readFile } from 'node:fs/promises';

import { ConfigError } from '@counterweight/runtime';

/**
 * Guards a resumable output directory: when `configPath` (a `config.json` written by an earlier run) exists, its
 * `settings` entry must equal `settings` key by key (JSON equality), so results of different settings never mix in
 * one directory. A missing or unreadable file means a new directory and passes.
 *
 * @throws ConfigError naming `argument` (e.g. `--out`) and every changed key with its old and new value.
 */
export async function assertSameSettings(configPath: string, settings: object, argument = '--out'): Promise<void> {
  let previous: { settings?: Record<string, unknown> } | undefined;
  try {
    previous = JSON.parse(await readFile(configPath, 'utf8')) as { settings?: Record<string, unknown> };
  } catch {
    return;
  }
  const before = previous.settings ?? {};
  const now = settings as Record<string, unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(now)]);
  const changed = [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(now[k]));
  if (changed.length > 0) {
    throw new ConfigError(
      argument,
      `${configPath} holds a comparison with other settings (${changed.map((k) => `${k}: ${JSON.stringify(before[k])} → ${JSON.stringify(now[k])}`).join('; ')}); ` +
        `use another ${argument} directory, or the same settings to resume`,
    );
  }
}
