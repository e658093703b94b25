// Worker-thread entry of the run pool: trains the runs the main thread sends, one at a time, on its own backend.
import { parentPort, workerData } from 'node:worker_threads';

import { initBackend, type BackendName } from '@counterweight/runtime';

import type { RunSpec } from './options.js';
import type { FromRunWorker, ToRunWorker } from './run-messages.js';
import { runOne } from './run-one.js';

const port = parentPort;
if (port === null) throw new Error('run-worker must run in a worker thread');
const { backend } = workerData as { backend: BackendName };

const post = (message: FromRunWorker): void => port.postMessage(message);

const ready = initBackend(backend, { log: null });
port.on('message', (message: ToRunWorker) => {
  void (async () => {
    const spec: RunSpec = message.spec;
    try {
      await ready;
      const result = await runOne(spec, { onEpoch: (progress) => post({ kind: 'epoch', progress }) });
      post({ kind: 'done', result });
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      post({ kind: 'failed', message: text, stack: error instanceof Error ? (error.stack ?? '') : '' });
    }
  })();
});
