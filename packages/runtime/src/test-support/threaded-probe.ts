// Test-only child process for wasm-threads.test.ts: starts the wasm backend with the thread count given as the first
// argument, trains a small dense model for a few Adam steps (its products large enough for XNNPACK to split), and
// prints the backend's thread count, the losses and a checksum of the weights as one JSON line. It does not call
// process.exit: the test checks that the process ends by itself.
import * as tf from '@tensorflow/tfjs-core';

import { initBackend } from '../backend.js';

const threads = Number(process.argv[2]);
const info = await initBackend('wasm', { threads, log: null });
const data = tf.tidy(() => {
  const x = tf.randomNormal([256, 128], 0, 1, 'float32', 7);
  const y = tf.randomNormal([256, 16], 0, 1, 'float32', 8);
  return { x, y };
});
const w1 = tf.variable(tf.randomNormal([128, 512], 0, 0.05, 'float32', 1));
const w2 = tf.variable(tf.randomNormal([512, 16], 0, 0.05, 'float32', 2));
const optimizer = tf.train.adam(1e-3);
const losses: number[] = [];
for (let step = 0; step < 5; step += 1) {
  const loss = optimizer.minimize(() => tf.losses.meanSquaredError(data.y, tf.matMul(tf.relu(tf.matMul(data.x, w1)), w2)), true);
  losses.push((await loss!.data())[0] ?? Number.NaN);
  loss!.dispose();
}
const checksum = tf.tidy(() => tf.add(tf.sum(tf.abs(w1)), tf.sum(tf.abs(w2))));
process.stdout.write(`${JSON.stringify({ threads: info.threads, losses, checksum: (await checksum.data())[0] })}\n`);
