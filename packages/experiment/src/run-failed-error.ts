/** Errors that say the input is wrong (a file, a flag, a model): running the same command again cannot help. */
const INPUT_ERROR = /^(DataFileError|ConfigError|OnnxModelError|CheckpointError|[A-Za-z]+InputError): /;

/**
 * One run of a comparison failed. Names the method and seed (and the repetition and run folder) and keeps the
 * cause. When the cause is an input error (a bad file, flag or model, by its error name), the message is that error's
 * own; otherwise it adds that the run's checkpoints stay in its folder, so the same command resumes it.
 */
export class RunFailedError extends Error {
  override readonly name = 'RunFailedError';

  constructor(
    /** The method's name. */
    readonly method: string,
    /** Repetition index (0-based; the folder `seed-<repetition>`). */
    readonly repetition: number,
    /** The run's training seed. */
    readonly seed: number,
    /** The run's folder. */
    readonly dir: string,
    /** What went wrong: `Name: message` of the error the run threw (in a worker thread, its text). */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      INPUT_ERROR.test(reason)
        ? `run ${method} (seed ${seed}) failed: ${reason.replace(INPUT_ERROR, '')}`
        : `run ${method} (seed ${seed}) failed: ${reason}; its checkpoints in ${dir} are kept, so the same command resumes it`,
      options,
    );
  }
}
