/**
 * Child process for the kill-and-resume test: trains a small MLP with checkpoints, printing one line per event to
 * stdout (`checkpoint <globalStep> <epoch> <stepInEpoch>`, `done`), and writes the final weights and history as JSON.
 *
 * Usage: node --conditions=@counterweight/source --import tsx resume-child.ts <cpu|wasm> <checkpointDir> <outFile>
 *        [--resume] [--step-delay-ms N]
 */
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import { createOptimizer } from '../optimizers.js';
import { train } from '../trainer.js';
import { useBackend, type TestBackend } from './backends.js';
import { handWrittenMlp, syntheticClassification } from './fixtures.js';
import { sigmoidCrossEntropy } from './losses.js';

const [backend, dir, outFile, ...flags] = process.argv.slice(2);
if (backend === undefined || dir === undefined || outFile === undefined) {
  throw new Error('usage: resume-child.ts <cpu|wasm> <checkpointDir> <outFile> [--resume] [--step-delay-ms N]');
}
const delayAt = flags.indexOf('--step-delay-ms');
const stepDelayMs = delayAt >= 0 ? Number(flags[delayAt + 1]) : 0;

await useBackend(backend as TestBackend);
const data = syntheticClassification(240, 6, 1);
const trainSet = data.subset(Array.from({ length: 200 }, (_, i) => i));
const validation = data.subset(Array.from({ length: 40 }, (_, i) => 200 + i));
// Initial weights from another seed when resuming: everything must come from the checkpoint.
const model = handWrittenMlp(6, 16, flags.includes('--resume') ? 1234 : 3);
const history = await train({
  model,
  loss: sigmoidCrossEntropy,
  train: trainSet,
  validation,
  epochs: 3,
  batchSize: 8,
  seed: 42,
  optimizer: createOptimizer({ name: 'adam', learningRate: 0.01 }),
  schedule: { kind: 'warmup-cosine', learningRate: 0.01, warmupSteps: 10, totalSteps: 75 },
  checkpoint: { dir, everySteps: 5, keep: 2 },
  resume: flags.includes('--resume'),
  progress: { quiet: true },
  callbacks: {
    onCheckpoint: (e) => void process.stdout.write(`checkpoint ${e.globalStep} ${e.epoch} ${e.stepInEpoch}\n`),
    onStepEnd: async () => {
      if (stepDelayMs > 0) await sleep(stepDelayMs);
    },
  },
});
const weights = Object.fromEntries(
  model.variables.map((v) => [v.name, Buffer.from(v.variable.dataSync().buffer).toString('hex')]),
);
const epochs = history.epochs.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest);
await writeFile(outFile, JSON.stringify({ weights, epochs, globalStep: history.globalStep, resumedFromStep: history.resumedFromStep ?? null }));
process.stdout.write('done\n');
