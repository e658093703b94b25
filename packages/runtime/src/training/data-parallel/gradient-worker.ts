// Worker-thread entry of the data-parallel trainer: builds a replica of the model, then, for every step message,
// loads the main thread's weights, computes the loss gradient on its shard of the batch and posts it back.
import { parentPort } from 'node:worker_threads';

import * as tf from '@tensorflow/tfjs-core';

import { initBackend } from '../../backend.js';
import { SeededRandom } from '../../random.js';
import { InMemoryDataset, disposeBatch } from '../dataset.js';
import { checkExtras } from '../loss-inputs.js';
import type { FromWorker, InitMessage, StepMessage, ToWorker } from './messages.js';
import { loadReplica, trainableSignature, type Replica } from './replica.js';

if (parentPort === null) throw new Error('gradient-worker.ts must run in a worker thread');
const port = parentPort;

let replica: Replica | undefined;
let data: InMemoryDataset | undefined;
let random: SeededRandom | undefined;

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function init(message: InitMessage): Promise<void> {
  await initBackend(message.backend, { log: null });
  replica = await loadReplica(message.replica);
  data = new InMemoryDataset(message.dataset);
  checkExtras(replica.loss, data.extraNames, { argument: 'parallel.replica', dataset: 'train' });
  random = SeededRandom.fromSeed(message.seed, 'data-parallel-worker', message.worker);
  post({ kind: 'ready', signature: trainableSignature(replica.model) });
}

function step(message: StepMessage): void {
  if (replica === undefined || data === undefined) throw new Error('step before init');
  const { model, loss } = replica;
  const trainable = model.trainableVariables;
  trainable.forEach((variable, i) => {
    const values = message.weights[i];
    if (values === undefined) throw new Error(`missing weights for trainable variable ${i}`);
    tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, 'float32')));
  });
  const batch = data.gather(message.rows);
  try {
    const { value, grads } = tf.variableGrads(() => {
      const predictions = model.predict(batch.inputs, { training: true, ...(random === undefined ? {} : { random }) });
      const base = loss({ predictions, targets: batch.targets, sampleWeights: batch.weights, extras: batch.extras });
      const penalty = model.regularizationLoss?.();
      return penalty === undefined ? base : tf.add(base, penalty);
    }, [...trainable]);
    try {
      // The wasm backend's dataSync already returns a fresh copy of the heap, which can be transferred as is;
      // other backends may hand out their own buffer, so copy there.
      const fresh = tf.getBackend() === 'wasm';
      const out = trainable.map((v) => {
        const g = grads[v.name];
        if (g === undefined) return new Float32Array(v.size);
        const values = g.dataSync() as Float32Array<ArrayBuffer>;
        return fresh ? values : values.slice();
      });
      post({ kind: 'gradients', id: message.id, loss: value.dataSync()[0] ?? Number.NaN, grads: out }, out.map((g) => g.buffer));
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  } finally {
    disposeBatch(batch);
  }
}

port.on('message', (message: ToWorker) => {
  if (message.kind === 'close') {
    port.close();
    return;
  }
  const id = message.kind === 'step' ? message.id : null;
  const run = message.kind === 'init' ? init(message) : Promise.resolve().then(() => step(message));
  run.catch((error: unknown) => {
    post({ kind: 'error', id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});
