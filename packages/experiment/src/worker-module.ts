/**
 * The URL of an app's run-worker module (the one that calls `serveRunner`) beside the module at `callerUrl`, for
 * `runComparison`'s `workerModule`: `<name>.ts` when the caller itself runs from its TypeScript source (tsx, vitest),
 * `<name>.js` when it runs from the build (`dist/`). Call it as `workerModuleBeside(import.meta.url)`.
 * @param name the module's file name without extension. Default `run-worker`.
 */
export function workerModuleBeside(callerUrl: string, name = 'run-worker'): URL {
  return new URL(`./${name}${callerUrl.endsWith('.ts') ? '.ts' : '.js'}`, callerUrl);
}
