/**
 * Tells the user that a run of a comparison continues from its checkpoint rather than from scratch — one line on
 * `stream` (stderr by default, so stdout stays the results): `run <method>/seed-<r>: resuming from its checkpoint at
 * step <step> of <steps>`. Every app prints it the same way, so a log or a test can rely on its form.
 */
export function announceResume(task: { readonly method: string; readonly repetition: number }, step: number, steps: number, stream: NodeJS.WritableStream = process.stderr): void {
  stream.write(`run ${task.method}/seed-${task.repetition}: resuming from its checkpoint at step ${step} of ${steps}\n`);
}
