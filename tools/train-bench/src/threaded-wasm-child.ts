// Child process of the train-bench's `threaded` wasm mode (started by measureThreadedWasm in threaded-wasm.ts; not a
// module to import): initialises the wasm backend with the thread count it is given (tfjs-backend-wasm's threaded
// SIMD build), measures one workload with its own loss and prints one JSON line, `{ threads, samplesPerSec, record }`,
// or `{ error }` (the message only: the wasm module prints its whole source on an uncaught error) with exit code 1.
// Argument: the JSON of a ThreadedWasmOptions.
import { errorText } from '@counterweight/bench-kit';
import { initBackend } from '@counterweight/runtime';

import { measureWorkload } from './measure.js';
import { checkThreadedWasmOptions, type ThreadedWasmOptions } from './threaded-wasm.js';
import { throughputRecord } from './throughput-record.js';
import { WORKLOADS } from './workloads.js';

try {
  const options = checkThreadedWasmOptions(JSON.parse(process.argv[2] ?? '') as ThreadedWasmOptions);
  const { threads } = await initBackend('wasm', { threads: options.threads, log: null });
  const workload = WORKLOADS[options.workload]({
    seed: options.seed,
    batches: options.batches,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  });
  try {
    const sample = await measureWorkload(workload, {
      repetitions: options.repetitions,
      seed: options.seed,
      ...(options.budgetSeconds === undefined ? {} : { budgetSeconds: options.budgetSeconds }),
    });
    const record = throughputRecord(workload, 'wasm', threads, workload.lossName, sample, 'threaded');
    process.stdout.write(`${JSON.stringify({ threads, samplesPerSec: sample.samplesPerSec, record })}\n`);
  } finally {
    workload.dispose();
  }
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: errorText(error) })}\n`);
  process.exitCode = 1;
}
