import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CheckpointError } from '../errors.js';
import {
  latestCheckpoint,
  listCheckpoints,
  loadCheckpoint,
  restoreCheckpoint,
  saveCheckpoint,
} from './checkpoint.js';
import { fromVariables, type TrainableModel } from './model.js';
import { createOptimizer, type TrainingOptimizer } from './optimizers.js';
import { useBackend } from './test-support/backends.js';
import { disposeModel, handWrittenMlp, readVariables } from './test-support/fixtures.js';

let root: string;
let counter = 0;
const freshDir = () => join(root, `ckpt-${(counter += 1)}`);

beforeAll(async () => {
  await useBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'cw-ckpt-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

function trainSteps(model: TrainableModel, optimizer: TrainingOptimizer, steps: number): void {
  const x = tf.tensor2d([[1, 2, 3], [-1, 0, 2]]);
  for (let i = 0; i < steps; i += 1) {
    const { value, grads } = tf.variableGrads(
      () => tf.mean(tf.square(model.predict(x, { training: true }))),
      [...model.trainableVariables],
    );
    optimizer.applyGradients(model.trainableVariables.map((variable) => ({ variable, gradient: grads[variable.name] as tf.Tensor })));
    tf.dispose([value, grads]);
  }
  x.dispose();
}

/** Optimizer state as (slot kind, bits) pairs; slot names embed tf.Variable names, which differ between models. */
async function stateBits(optimizer: TrainingOptimizer): Promise<Array<[string, string]>> {
  const state = await optimizer.getState();
  const out = state.map((s): [string, string] => [
    s.name.split('/').pop() ?? '',
    Buffer.from(s.tensor.dataSync().buffer).toString('hex'),
  ]);
  tf.dispose(state.map((s) => s.tensor));
  return out;
}

describe('saveCheckpoint / loadCheckpoint / restoreCheckpoint', () => {
  it('restores variables, optimizer state, extra tensors and JSON state exactly, without leaks', async () => {
    const dir = freshDir();
    const model = handWrittenMlp(3, 4, 1);
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
    trainSteps(model, optimizer, 3);
    const best = model.variables.map((v) => ({ name: v.name, tensor: tf.mul(v.variable, 2) }));
    const info = await saveCheckpoint({ dir, step: 3, model, optimizer, state: { epoch: 1, note: 'x' }, extra: { best } });
    expect(info).toEqual({ step: 3, path: join(dir, 'step-3') });
    expect((await readdir(info.path)).sort()).toEqual(['checkpoint.json', 'extra-best.bin', 'optimizer.bin', 'variables.bin']);
    expect(await latestCheckpoint(dir)).toEqual(info);

    const other = handWrittenMlp(3, 4, 99); // different initial weights, same architecture
    const otherOptimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
    const before = tf.memory().numTensors;
    const loaded = await loadCheckpoint<{ epoch: number; note: string }>(dir);
    expect(loaded.state).toEqual({ epoch: 1, note: 'x' });
    expect(loaded.step).toBe(3);
    await restoreCheckpoint(loaded, other, otherOptimizer);
    expect(Array.from(loaded.extra['best']?.['hidden/kernel']?.dataSync() ?? [])).toEqual(
      Array.from(best[0]?.tensor.dataSync() ?? []),
    );
    loaded.dispose();
    const optimizerSlots = 2 * model.trainableVariables.length; // new m and v per variable (accBeta1/2 already existed)
    expect(tf.memory().numTensors).toBe(before + optimizerSlots);

    expect(readVariables(other)).toEqual(readVariables(model));
    expect(await stateBits(otherOptimizer)).toEqual(await stateBits(optimizer));
    // and both continue identically
    trainSteps(model, optimizer, 2);
    trainSteps(other, otherOptimizer, 2);
    expect(readVariables(other)).toEqual(readVariables(model));
    tf.dispose(best.map((b) => b.tensor));
    for (const m of [model, other]) disposeModel(m);
    optimizer.dispose();
    otherOptimizer.dispose();
  });

  it('keeps the newest K checkpoints, switches latest.json, and clears temp dirs of dead writers', async () => {
    const dir = freshDir();
    const model = handWrittenMlp(2, 2, 1);
    await mkdir(dir, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid; // an exited process
    const stale = join(dir, `.0badc0ffee00.tmp-${dead}`);
    await mkdir(stale);
    for (const step of [10, 20, 30, 40]) await saveCheckpoint({ dir, step, model, state: { step }, keep: 2 });
    expect(await listCheckpoints(dir)).toEqual([30, 40]);
    expect((await latestCheckpoint(dir))?.step).toBe(40);
    expect((await readdir(dir)).sort()).toEqual(['latest.json', 'step-30', 'step-40']);
    const loaded = await loadCheckpoint<{ step: number }>(dir, 30);
    expect(loaded.state.step).toBe(30);
    loaded.dispose();
    disposeModel(model);
  });

  it('names the mismatching variable: wrong shape, unknown name, missing name', async () => {
    const dir = freshDir();
    const model = handWrittenMlp(3, 4, 1);
    await saveCheckpoint({ dir, step: 1, model, state: {} });
    const loaded = await loadCheckpoint(dir);

    const wider = handWrittenMlp(3, 5, 1);
    await expect(restoreCheckpoint(loaded, wider)).rejects.toThrow(
      'variable "hidden/kernel" has shape [3, 4] in the checkpoint but [3, 5] in the model',
    );
    const renamedVars = Object.fromEntries(model.variables.map((v) => [v.name === 'out/bias' ? 'head/bias' : v.name, v.variable]));
    const renamed = fromVariables({ variables: renamedVars, forward: (x) => x as tf.Tensor });
    const error = await restoreCheckpoint(loaded, renamed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).message).toMatch(/holds variable "out\/bias" that the model does not have/);
    const fewer = fromVariables({
      variables: Object.fromEntries(model.variables.slice(0, 3).map((v) => [v.name, v.variable])),
      forward: (x) => x as tf.Tensor,
    });
    await expect(restoreCheckpoint(loaded, fewer)).rejects.toThrow(/holds variable "out\/bias"/);
    const extended = fromVariables({
      variables: { ...Object.fromEntries(model.variables.map((v) => [v.name, v.variable])), extra: wider.variables[0]?.variable as tf.Variable },
      forward: (x) => x as tf.Tensor,
    });
    await expect(restoreCheckpoint(loaded, extended)).rejects.toThrow('has no value for the model\'s variable "extra"');
    // nothing was assigned by the failed restores
    expect(readVariables(wider)['out/kernel']).not.toEqual(readVariables(model)['out/kernel']);
    loaded.dispose();
    disposeModel(model);
    disposeModel(wider);
  });

  it('names optimizer slots that do not follow the trainable variables', async () => {
    const dir = freshDir();
    const model = handWrittenMlp(3, 4, 1);
    const optimizer = createOptimizer({ name: 'momentum', learningRate: 0.1 });
    trainSteps(model, optimizer, 1);
    await saveCheckpoint({ dir, step: 1, model, optimizer, state: {} });
    // same variables, different trainable order
    const vars = model.variables;
    const reordered = fromVariables({
      variables: Object.fromEntries([vars[1], vars[0], vars[2], vars[3]].map((v) => [v?.name as string, v?.variable as tf.Variable])),
      forward: (x) => x as tf.Tensor,
    });
    const loaded = await loadCheckpoint(dir);
    await expect(restoreCheckpoint(loaded, reordered, createOptimizer({ name: 'momentum', learningRate: 0.1 }))).rejects.toThrow(
      /"momentum" slots do not follow the model's trainable variables: position 0 holds "hidden\/kernel" but the model has "hidden\/bias"/,
    );
    loaded.dispose();
    optimizer.dispose();
    disposeModel(model);
  });

  it('names corrupt or missing files', async () => {
    const dir = freshDir();
    const model = handWrittenMlp(3, 4, 1);
    const info = await saveCheckpoint({ dir, step: 5, model, state: {} });
    const bin = join(info.path, 'variables.bin');
    const bytes = await readFile(bin);
    bytes[3] = (bytes[3] ?? 0) ^ 1;
    await writeFile(bin, bytes);
    await expect(loadCheckpoint(dir)).rejects.toThrow(`${bin}: is corrupt`);
    await writeFile(join(dir, 'latest.json'), '{"step": 9, "path": "step-9"}');
    await expect(loadCheckpoint(dir)).rejects.toThrow(`${join(dir, 'step-9')}: named by`);
    await writeFile(join(dir, 'latest.json'), '{"st');
    await expect(latestCheckpoint(dir)).rejects.toThrow(/latest.json: is not valid JSON/);
    await expect(loadCheckpoint(freshDir())).rejects.toThrow(/latest.json: not found/);
    expect(await latestCheckpoint(freshDir())).toBeUndefined();
    disposeModel(model);
  });
});
