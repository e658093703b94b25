#!/usr/bin/env node
import { resolve } from 'node:path';

import { initBackend, resolveBackendRequest, writeJsonAtomic } from '@counterweight/runtime';
import { backendOption, createProgram, positiveNumberArgument as positiveNumber, runProgram } from '@counterweight/experiment/cli';

import { DEFAULT_POLICY, formatReport, runParity } from './run.js';

const program = createProgram(
  'counterweight-parity',
  'Checks @counterweight/core-losses against reference loss vectors: per case the largest absolute and relative ' +
    'error of every loss value and gradient, then "N passed, N failed, N skipped". Exits 1 on any failure, 2 on an error.',
)
  .argument('[dir]', 'directory of vector files (schema: shared/parity/README.md)', '../shared/parity')
  .addOption(backendOption())
  .option('--rtol <x>', 'relative tolerance', positiveNumber, DEFAULT_POLICY.rtol)
  .option('--rtol-extreme <x>', 'relative tolerance for cases with inputs at |x| >= 29.5', positiveNumber, DEFAULT_POLICY.rtolExtreme)
  .option('--json <file>', 'also write the full report as JSON')
  .action(async (dir: string, opts: { backend?: string; rtol: number; rtolExtreme: number; json?: string }) => {
    await initBackend(resolveBackendRequest(opts.backend));
    const report = await runParity(resolve(dir), {
      policy: { ...DEFAULT_POLICY, rtol: opts.rtol, rtolExtreme: opts.rtolExtreme },
    });
    for (const line of formatReport(report)) process.stdout.write(`${line}\n`);
    if (opts.json !== undefined) await writeJsonAtomic(resolve(opts.json), report);
    process.exitCode = report.failed > 0 ? 1 : 0;
  });

await runProgram(program, { failureCode: 2 });
