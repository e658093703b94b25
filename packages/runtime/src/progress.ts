import cliProgress from 'cli-progress';

/** Environment variable that turns progress bars off (`1`, `true`); CI sets it. */
export const QUIET_ENV = 'COUNTERWEIGHT_QUIET';

/** True when progress output should be suppressed: `COUNTERWEIGHT_QUIET` is set to 1/true, or `CI` is set. */
export function quietFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const flag = (env[QUIET_ENV] ?? '').toLowerCase();
  if (flag === '1' || flag === 'true') return true;
  if (flag === '0' || flag === 'false') return false;
  return env['CI'] !== undefined && env['CI'] !== '' && env['CI'] !== 'false';
}

export interface ProgressOptions {
  /** Total number of units (steps, files, rows). */
  readonly total: number;
  /** Shown before the bar, e.g. `epoch 3/10`. */
  readonly label: string;
  /** Suppress all output. Defaults to {@link quietFromEnv}. */
  readonly quiet?: boolean;
  /** Where the bar is drawn; stderr by default so stdout stays machine-readable. */
  readonly stream?: NodeJS.WriteStream;
}

/** A progress bar for one piece of long work. */
export interface Progress {
  /** Advances by `units` (default 1) and shows the given key/value pairs after the bar. */
  tick(units?: number, status?: Readonly<Record<string, string | number>>): void;
  /** Finishes the bar (idempotent). */
  stop(): void;
}

function formatStatus(status: Readonly<Record<string, string | number>>): string {
  return Object.entries(status)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? formatNumber(v) : v}`)
    .join('  ');
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e5) ? value.toExponential(3) : value.toFixed(4);
}

/**
 * A cli-progress bar with ETA and a status field. When the stream is not a terminal (logs, CI) the bar is replaced by
 * plain lines, at most one per 10 % of the work and per 5 seconds, plus a final line; in quiet mode nothing is written.
 */
export function createProgress(options: ProgressOptions): Progress {
  const quiet = options.quiet ?? quietFromEnv();
  const stream = options.stream ?? process.stderr;
  if (quiet) return { tick: () => undefined, stop: () => undefined };
  if (stream.isTTY !== true) {
    // Logs and CI: a line at most every 10 % of the work and every 5 seconds, plus the final line.
    let done = 0;
    let nextReport = Math.max(1, Math.ceil(options.total / 10));
    const started = Date.now();
    let lastReport = started;
    return {
      tick(units = 1, status = {}) {
        done += units;
        const now = Date.now();
        if (done >= options.total || (done >= nextReport && now - lastReport >= 5000)) {
          const seconds = ((now - started) / 1000).toFixed(1);
          stream.write(`${options.label} ${done}/${options.total} (${seconds}s) ${formatStatus(status)}\n`);
          nextReport = done + Math.max(1, Math.ceil(options.total / 10));
          lastReport = now;
        }
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label} {bar} {value}/{total} | {duration_formatted} eta {eta_formatted} | {status}`,
      stream,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(options.total, 0, { status: '' });
  let stopped = false;
  return {
    tick(units = 1, status = {}) {
      bar.increment(units, { status: formatStatus(status) });
    },
    stop() {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}
