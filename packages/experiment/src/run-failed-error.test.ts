import { describe, expect, it } from 'vitest';

import { RunFailedError } from './run-failed-error.js';

describe('RunFailedError', () => {
  it('advises resuming after a failure of the run itself', () => {
    const error = new RunFailedError('ce', 0, 11, '/out/runs/ce/seed-0', 'Error: worker crashed');
    expect(error.message).toBe('run ce (seed 11) failed: Error: worker crashed; its checkpoints in /out/runs/ce/seed-0 are kept, so the same command resumes it');
  });

  it.each(['DataFileError', 'ConfigError', 'OnnxModelError', 'CheckpointError', 'CorpusInputError'])(
    'gives a %s as it is, without advising a resume that cannot help',
    (name) => {
      const error = new RunFailedError('ce', 1, 12, '/out/runs/ce/seed-1', `${name}: teacher.onnx: is a folder, not an ONNX model file`);
      expect(error.message).toBe('run ce (seed 12) failed: teacher.onnx: is a folder, not an ONNX model file');
    },
  );
});
