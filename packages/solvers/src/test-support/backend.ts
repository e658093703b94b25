// Test-only: selects the tfjs backend for the tests that check a fit against core-losses' tfjs cumulative-logit loss.
// Importing tfjs-layers registers the gradient functions.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export type TestBackend = 'cpu' | 'wasm';

/** The backends the tfjs cross-checks run on. */
export const TEST_BACKENDS: readonly TestBackend[] = ['cpu', 'wasm'];

export async function useBackend(name: TestBackend): Promise<void> {
  tf.env().set('PROD', true); // silences the cpu backend's 'install tfjs-node' banner
  if (!(await tf.setBackend(name))) throw new Error(`test backend ${name} did not initialise`);
  await tf.ready();
}
