// @ts-check
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The export condition under which workspace packages resolve to their TypeScript sources. */
export const SOURCE_CONDITION = '@counterweight/source';

/**
 * Runs a workspace program: `<packageRoot>/src/<entry>.ts` when the sources are there (a checkout of the repository:
 * TypeScript is loaded through tsx, and `@counterweight/*` packages resolve to their sources under the
 * `@counterweight/source` condition, so nothing needs building first), else `<packageRoot>/dist/<entry>.js` (an
 * installed build). Plain JavaScript, because it must run before anything is compiled.
 *
 * @param {URL} packageRoot the package's folder, with a trailing slash (`new URL('../', import.meta.url)` from `bin/`)
 * @param {string} [entry] the program's module name without extension; default `cli`
 * @returns {Promise<void>} settles once the program's module has been evaluated
 */
export async function launch(packageRoot, entry = 'cli') {
  const source = new URL(`src/${entry}.ts`, packageRoot);
  if (existsSync(fileURLToPath(source))) {
    register('./source-condition-hook.js', import.meta.url);
    const tsx = await import('tsx/esm/api');
    tsx.register();
    await import(source.href);
    return;
  }
  const built = new URL(`dist/${entry}.js`, packageRoot);
  if (!existsSync(fileURLToPath(built))) {
    throw new Error(`launch: neither ${fileURLToPath(source)} nor ${fileURLToPath(built)} exists; run \`npm run build\``);
  }
  await import(built.href);
}
