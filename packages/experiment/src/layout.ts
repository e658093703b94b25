import { join } from 'node:path';

/**
 * The run-folder layout of every comparison:
 *
 * ```
 * <out>/config.json                 settings (guarded: a resumed comparison must have the same), base seed, app
 * <out>/report.md, metrics.json, *.png   written by the app's report at the end
 * <out>/runs/<method>/seed-<r>/     one run: checkpoints (the app's), result.json (the harness's)
 * ```
 *
 * `<r>` is the repetition index 0 … `--seeds` − 1 (the training seed comes from the seed rule and is recorded in
 * result.json); `<method>` is the method's name, a safe path segment.
 */
export const RUNS_FOLDER = 'runs';

/** A finished run's result file in its folder: `{ run: <identity>, result: <the app's result> }`, strict JSON. */
export const RESULT_FILE = 'result.json';

/** The comparison's configuration file in its output folder. */
export const CONFIG_FILE = 'config.json';

/** The folder of one run: `<out>/runs/<method>/seed-<repetition>`. */
export function runFolder(out: string, method: string, repetition: number): string {
  return join(out, RUNS_FOLDER, method, `seed-${repetition}`);
}
