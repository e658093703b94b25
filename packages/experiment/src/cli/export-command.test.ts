import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';

import { addExportCommand } from './export-command.js';

describe('addExportCommand', () => {
  it('starts the backend, exports the run folder to the file and prints one line', async () => {
    const calls: Array<[string, string]> = [];
    const program = new Command().exitOverride();
    addExportCommand(program, {
      description: 'writes a run as ONNX',
      exportRun: (run, out) => {
        calls.push([run, out]);
        return Promise.resolve({ path: out, method: 'welfare', nodes: 12, opset: 13, bytes: 345 });
      },
    });
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await program.parseAsync(['export', '--run', 'out/runs/welfare/seed-0', '--out', 'w.onnx', '--backend', 'cpu'], { from: 'user' });
    } finally {
      spy.mockRestore();
    }
    expect(calls).toEqual([['out/runs/welfare/seed-0', 'w.onnx']]);
    expect(written).toEqual(['w.onnx: welfare, 12 nodes, opset 13, 345 bytes\n']);
  });

  it('requires --run and --out', async () => {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
    addExportCommand(program, { description: 'd', exportRun: () => Promise.reject(new Error('not called')) });
    program.commands[0]?.exitOverride().configureOutput({ writeErr: () => undefined });
    await expect(program.parseAsync(['export', '--out', 'w.onnx'], { from: 'user' })).rejects.toThrow(/--run/);
    await expect(program.parseAsync(['export', '--run', 'r'], { from: 'user' })).rejects.toThrow(/--out/);
  });
});
