import type { FileOutcome, FileResult } from './fetch-dataset.js';

/** How each outcome reads in the table. */
const OUTCOME_WORDS: Readonly<Record<FileOutcome, string>> = {
  cached: 'cached',
  downloaded: 'downloaded',
  local: 'local copy',
  missing: 'MISSING',
};

/** The reason of a failure line `<url or path>: <reason>` (URLs and paths hold no ": "). */
function reasonOf(failure: string): string {
  const at = failure.indexOf(': ');
  return at < 0 ? failure : failure.slice(at + 2);
}

/** What the table's last column says of a result: the path (and its origin, or why it was not downloaded), or why it is missing. */
function where(result: FileResult): string {
  if (result.outcome === 'missing') return result.failures.join('; ');
  if (result.outcome === 'downloaded') return `${result.path ?? ''} (from ${result.url ?? ''})`;
  if (result.outcome === 'local') {
    const first = result.failures[0];
    return `${result.path ?? ''} (${result.localCopy ?? ''}${first === undefined ? '' : `; not downloaded: ${reasonOf(first)}`})`;
  }
  return result.path ?? '';
}

/**
 * The results as an aligned plain-text table, one row per file: data set, file, outcome (`downloaded`, `cached`,
 * `local copy`, `MISSING`) and where it is (with its URL, or its local copy and why the download failed) or why it is
 * missing. Ends with a newline.
 */
export function formatResultsTable(results: readonly FileResult[]): string {
  const rows = [['data set', 'file', 'result', 'where (or why missing)'], ...results.map((r) => [r.dataset, r.file, OUTCOME_WORDS[r.outcome], where(r)])];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  return rows.map((row) => row.map((cell, c) => (c < 3 ? cell.padEnd(widths[c] ?? 0) : cell)).join('  ').trimEnd()).join('\n') + '\n';
}

/** One line counting the outcomes: `43 files: 41 available and verified (3 downloaded, 0 cached, 38 local copies), 2 missing`. */
export function summarizeResults(results: readonly FileResult[]): string {
  const count = (outcome: FileOutcome) => results.filter((r) => r.outcome === outcome).length;
  const missing = count('missing');
  return (
    `${results.length} file${results.length === 1 ? '' : 's'}: ${results.length - missing} available and verified ` +
    `(${count('downloaded')} downloaded, ${count('cached')} cached, ${count('local')} from local copies), ${missing} missing`
  );
}
