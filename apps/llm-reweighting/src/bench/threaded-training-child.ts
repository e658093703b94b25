// Child process of the bench's `threaded` wasm mode (started by measureThreadedGptTraining in threaded-training.ts;
// not a module to import): initialises the wasm backend with the thread count it is given (tfjs-backend-wasm's
// threaded SIMD build), runs measureGptTraining without a worker pool and prints one JSON line, `{ training, simd }`,
// or `{ error }` (the message only: the wasm module prints its whole source on an uncaught error) with exit code 1.
// Argument: the JSON of a ThreadedGptTrainingOptions without `timeoutMs`.
import { errorText } from '@counterweight/bench-kit';
import { initBackend } from '@counterweight/runtime';

import type { ThreadedGptTrainingOptions } from './threaded-training.js';
import { measureGptTraining } from './training-throughput.js';

try {
  const { threads, ...options } = JSON.parse(process.argv[2] ?? '') as Omit<ThreadedGptTrainingOptions, 'timeoutMs'>;
  const info = await initBackend('wasm', { threads, log: null });
  const training = await measureGptTraining({ ...options, workers: 0 });
  process.stdout.write(`${JSON.stringify({ training, simd: info.simd === true })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: errorText(error) })}\n`);
  process.exitCode = 1;
}
