import type { Command } from 'commander';

import { backendOption } from './program.js';

/** What an app's export of one run gives back (the ONNX file written). */
export interface ExportedRun {
  readonly path: string;
  /** The run's method (loss, recipe), printed with the file. */
  readonly method: string;
  readonly nodes: number;
  readonly opset: number;
  readonly bytes: number;
}

/** Options of {@link addExportCommand}. */
export interface ExportCommandOptions {
  /** The command's help text (say what the ONNX model takes and gives). */
  readonly description: string;
  /** Writes the model of the run folder `run` as ONNX to `out` (the tfjs backend is started before). */
  readonly exportRun: (run: string, out: string) => Promise<ExportedRun>;
}

/**
 * Adds the `export` command every comparison app has: `export --run <out>/runs/<method>/seed-<r> --out model.onnx
 * [--backend]` starts the backend (quietly), calls the app's `exportRun` and prints one line,
 * `<file>: <method>, <n> nodes, opset <k>, <bytes> bytes`.
 */
export function addExportCommand(program: Command, options: ExportCommandOptions): Command {
  return program
    .command('export')
    .description(options.description)
    .requiredOption('--run <dir>', 'run folder (<out>/runs/<method>/seed-<r>)')
    .requiredOption('--out <model.onnx>', 'ONNX file to write')
    .addOption(backendOption())
    .action(async (flags: { run: string; out: string; backend?: string }) => {
      // Loaded here, not at the top: `--help` and flag errors need no tfjs.
      const { initBackend, resolveBackendRequest } = await import('@counterweight/runtime');
      await initBackend(resolveBackendRequest(flags.backend), { log: null });
      const r = await options.exportRun(flags.run, flags.out);
      process.stdout.write(`${r.path}: ${r.method}, ${r.nodes} nodes, opset ${r.opset}, ${r.bytes} bytes\n`);
    });
}
