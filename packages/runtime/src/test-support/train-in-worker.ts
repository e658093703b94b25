// Test-only worker for worker-imports.test.ts: records every module the worker resolves (ES module resolution hook,
// plus the CommonJS cache), then imports the runtime's main entry - and, when asked, another package - trains one
// step on wasm and posts what was loaded.
import { createRequire, register } from 'node:module';
import { MessageChannel, parentPort, workerData } from 'node:worker_threads';

import type { Tensor2D } from '@tensorflow/tfjs-core';

/** What the test asks for: extra module specifiers to import before training (the positive control). */
interface Request {
  readonly alsoImport: readonly string[];
}

/** Resolution hook run on Node's loader thread: sends every resolved URL back through the port it is given. */
const HOOKS = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port.postMessage(result.url);
  return result;
}`;

const resolved: string[] = [];
const { port1, port2 } = new MessageChannel();
port1.on('message', (url: string) => resolved.push(url));
register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { port: port2 }, transferList: [port2] });

const { alsoImport } = workerData as Request;
for (const specifier of alsoImport) await import(specifier);

const runtime = await import('@counterweight/runtime');
const tf = await import('@tensorflow/tfjs-core');
await runtime.initBackend('wasm', { log: null });
const w = tf.variable(tf.zeros([3, 1]));
const model = runtime.fromVariables({ variables: { w }, forward: (x) => tf.matMul(x as Tensor2D, w) });
const history = await runtime.train({
  model,
  loss: ({ targets, predictions }) => tf.losses.sigmoidCrossEntropy(targets, predictions),
  train: runtime.createDataset({ inputs: { values: Float32Array.of(1, 0, 0, 0, 1, 0), shape: [3] }, targets: { values: Float32Array.of(1, 0), shape: [1] } }),
  epochs: 1,
  batchSize: 2,
  seed: 1,
  optimizer: runtime.createOptimizer({ name: 'sgd', learningRate: 0.1 }),
  progress: { quiet: true },
});

// Let the last messages from the loader thread arrive.
await new Promise((resolve) => setTimeout(resolve, 100));
port1.close();
const commonJs = Object.keys(createRequire(import.meta.url).cache);
parentPort?.postMessage({ steps: history.globalStep, resolved, commonJs });
