import { readFileSync } from 'node:fs';

/**
 * Resident set size of process `pid` in bytes, from `/proc/<pid>/status` (`VmRSS`); undefined when the process is
 * gone or /proc is not there (non-Linux). For the current process use `process.memoryUsage().rss`.
 */
export function residentMemoryBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}
