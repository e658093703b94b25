import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CheckpointError } from '../errors.js';
import { fileSystemHandler, MODEL_JSON, WEIGHTS_BIN } from './file-io-handler.js';
import { useBackend } from './test-support/backends.js';

let root: string;
beforeAll(async () => {
  await useBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'cw-io-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

function mlp(seed: number): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [4], units: 8, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }),
      tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

async function bits(model: tfl.LayersModel): Promise<Buffer[]> {
  return Promise.all(model.getWeights().map(async (w) => Buffer.from((await w.data()).buffer)));
}

describe('fileSystemHandler', () => {
  it('saves model.json + weights.bin and loads an identical tfjs-layers model', async () => {
    const dir = join(root, 'mlp');
    const model = mlp(1);
    const result = await model.save(fileSystemHandler(dir));
    expect(result.modelArtifactsInfo.weightDataBytes).toBe((4 * 8 + 8 + 8 + 1) * 4);
    const json = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8')) as { weightsManifest: Array<{ paths: string[] }> };
    expect(json.weightsManifest[0]?.paths).toEqual(['./weights.bin']);

    const loaded = await tfl.loadLayersModel(fileSystemHandler(dir));
    expect(await bits(loaded)).toEqual(await bits(model));
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 5);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
  });

  it('overwrites an existing save in place', async () => {
    const dir = join(root, 'again');
    await mlp(1).save(fileSystemHandler(dir));
    const second = mlp(7);
    await second.save(fileSystemHandler(dir));
    const loaded = await tfl.loadLayersModel(fileSystemHandler(dir));
    expect(await bits(loaded)).toEqual(await bits(second));
  });

  it('names the path when model.json is missing or not JSON', async () => {
    const missing = join(root, 'nothing-here');
    await expect(tfl.loadLayersModel(fileSystemHandler(missing))).rejects.toThrow(join(missing, MODEL_JSON));
    const dir = join(root, 'bad-json');
    await mlp(1).save(fileSystemHandler(dir));
    await writeFile(join(dir, MODEL_JSON), '{"modelTopology": ');
    const error = await tfl.loadLayersModel(fileSystemHandler(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).path).toBe(join(dir, MODEL_JSON));
  });

  it('detects missing, truncated and altered weights', async () => {
    const dir = join(root, 'corrupt');
    await mlp(1).save(fileSystemHandler(dir));
    const weights = join(dir, WEIGHTS_BIN);
    const original = await readFile(weights);

    await truncate(weights, 10);
    await expect(tfl.loadLayersModel(fileSystemHandler(dir))).rejects.toThrow(/weights\.bin: does not match .*model\.json/);

    const altered = Buffer.from(original);
    altered[0] = (altered[0] ?? 0) ^ 0xff;
    await writeFile(weights, altered);
    await expect(tfl.loadLayersModel(fileSystemHandler(dir))).rejects.toThrow(CheckpointError);

    await rm(weights);
    await expect(tfl.loadLayersModel(fileSystemHandler(dir))).rejects.toThrow(/weights\.bin: weights file listed in/);
  });
});
