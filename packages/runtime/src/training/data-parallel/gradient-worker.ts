// Worker-thread entry of the data-parallel trainer: builds a replica of the model, then, for every step message,
// loads the main thread's weights from the shared weight arena, computes the loss gradient on its shard of the batch,
// writes it into its own shared gradient arena and posts back the shard's loss.
import { parentPort } from 'node:worker_threads';

import * as tf from '@tensorflow/tfjs-core';

import { initBackend } from '../../backend.js';
import { SeededRandom } from '../../random.js';
import { InMemoryDataset, disposeBatch } from '../dataset.js';
import { checkExtras } from '../loss-inputs.js';
import type { FromWorker, InitMessage, StepMessage, ToWorker } from './messages.js';
import { loadReplica, trainableSignature, type Replica } from './replica.js';
import { rowCouplingOf } from './row-coupling.js';
import { SharedArena } from './shared-arena.js';

if (parentPort === null) throw new Error('gradient-worker.ts must run in a worker thread');
const port = parentPort;

let replica: Replica | undefined;
let data: InMemoryDataset | undefined;
let random: SeededRandom | undefined;
let buffers: { readonly weights: SharedArrayBuffer; readonly gradients: SharedArrayBuffer } | undefined;
let arenas: { readonly weights: SharedArena; readonly gradients: SharedArena } | undefined;

function post(message: FromWorker): void {
  port.postMessage(message);
}

/** The arenas over this replica's trainable variables (made at the first step: a replica that does not match the main model is rejected before). */
function sharedArenas(trainable: readonly tf.Variable[]): { readonly weights: SharedArena; readonly gradients: SharedArena } {
  if (arenas !== undefined) return arenas;
  if (buffers === undefined) throw new Error('step before init');
  const sizes = trainable.map((v) => v.size);
  arenas = { weights: new SharedArena(sizes, buffers.weights), gradients: new SharedArena(sizes, buffers.gradients) };
  return arenas;
}

async function init(message: InitMessage): Promise<void> {
  await initBackend(message.backend, { log: null, threads: 1 });
  replica = await loadReplica(message.replica);
  data = new InMemoryDataset(message.dataset);
  checkExtras(replica.loss, data.extraNames, { argument: 'parallel.replica', dataset: 'train' });
  random = SeededRandom.fromSeed(message.seed, 'data-parallel-worker', message.worker);
  buffers = { weights: message.weights, gradients: message.gradients };
  const rowCoupling = rowCouplingOf(replica.loss);
  post({ kind: 'ready', signature: trainableSignature(replica.model), ...(rowCoupling === undefined ? {} : { rowCoupling }) });
}

function step(message: StepMessage): void {
  if (replica === undefined || data === undefined) throw new Error('step before init');
  const { model, loss } = replica;
  const trainable = model.trainableVariables;
  const { weights, gradients } = sharedArenas(trainable);
  trainable.forEach((variable, i) => weights.assignTo(i, variable));
  const batch = data.gather(message.rows);
  try {
    const { value, grads } = tf.variableGrads(() => {
      const predictions = model.predict(batch.inputs, { training: true, ...(random === undefined ? {} : { random }) });
      const base = loss({ predictions, targets: batch.targets, sampleWeights: batch.weights, extras: batch.extras });
      const penalty = model.regularizationLoss?.();
      return penalty === undefined ? base : tf.add(base, penalty);
    }, [...trainable]);
    try {
      const loss = value.dataSync()[0] ?? Number.NaN;
      trainable.forEach((v, i) => {
        const g = grads[v.name];
        if (g === undefined) gradients.view(i).fill(0);
        else gradients.writeSlot(i, g);
      });
      post({ kind: 'gradients', id: message.id, loss });
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
