// Test-only: selects the tfjs backend for a test file. Importing tfjs-layers registers the gradient functions.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export type TestBackend = 'cpu' | 'wasm';

/** The backends every numeric test runs on. */
export const TEST_BACKENDS: readonly TestBackend[] = ['cpu', 'wasm'];

export async function useBackend(name: TestBackend): Promise<void> {
  // Silences the cpu backend's 'install tfjs-node' banner. (Not IS_TEST: that flag turns on a data-id leak check
  // that misfires for every customGrad on the wasm backend.)
  tf.env().set('PROD', true);
  if (!(await tf.setBackend(name))) throw new Error(`test backend ${name} did not initialise`);
  await tf.ready();
}
