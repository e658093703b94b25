import { initBackend } from '@counterweight/runtime';

/** Backends the workload tests run on: cpu everywhere, wasm for the key tests. */
export const TEST_BACKENDS = ['cpu', 'wasm'] as const;

/** A backend used by the tests. */
export type TestBackend = (typeof TEST_BACKENDS)[number];

/** Selects a backend silently through the runtime's `initBackend` (for `beforeAll`). */
export async function useBackend(name: TestBackend): Promise<void> {
  await initBackend(name, { log: null });
}
