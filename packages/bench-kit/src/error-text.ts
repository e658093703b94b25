/** The first line of an error's message (or of `String(error)` for a non-Error), for a bench record's `skipped`/`error` field. */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
