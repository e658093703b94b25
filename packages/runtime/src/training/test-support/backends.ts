import { initBackend } from '../../backend.js';

/** Backends the training tests run on: cpu everywhere, wasm for the key tests. */
export const TEST_BACKENDS = ['cpu', 'wasm'] as const;

/** A backend used by the tests. */
export type TestBackend = (typeof TEST_BACKENDS)[number];

/** Selects a backend silently (for `beforeAll`). */
export async function useBackend(name: TestBackend): Promise<void> {
  await initBackend(name, { log: null });
}
