import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { BACKEND_ENV, describeLoadError, formatBackendInfo, initBackend, resolveBackendRequest } from './backend.js';
import { ConfigError } from './errors.js';

describe('resolveBackendRequest', () => {
  it('prefers the CLI value, then the environment variable, then auto', () => {
    expect(resolveBackendRequest('cpu', { [BACKEND_ENV]: 'wasm' })).toBe('cpu');
    expect(resolveBackendRequest(undefined, { [BACKEND_ENV]: 'WASM' })).toBe('wasm');
    expect(resolveBackendRequest(undefined, {})).toBe('auto');
  });

  it('names the flag or the variable that holds an unknown backend', () => {
    expect(() => resolveBackendRequest('gpu', {})).toThrow("--backend: unknown backend \"gpu\"; use one of auto, tensorflow, wasm, cpu");
    expect(() => resolveBackendRequest(undefined, { [BACKEND_ENV]: 'webgl' })).toThrow(ConfigError);
    expect(() => resolveBackendRequest(undefined, { [BACKEND_ENV]: 'webgl' })).toThrow(/^COUNTERWEIGHT_BACKEND: unknown backend/);
  });
});

/** Whether @tensorflow/tfjs-node loads on this machine (it cannot where libtensorflow was not downloaded). */
async function tfjsNodeLoads(): Promise<boolean> {
  try {
    const name = '@tensorflow/tfjs-node';
    await import(name);
    return true;
  } catch {
    return false;
  }
}

describe('initBackend', () => {
  it('initialises a named backend and reports its threads', async () => {
    const lines: string[] = [];
    const info = await initBackend('cpu', { log: (line) => lines.push(line) });
    expect(tf.getBackend()).toBe('cpu');
    expect(info).toMatchObject({ name: 'cpu', threads: 1, skipped: [] });
    expect(lines).toEqual(['backend: cpu (1 thread)']);
  });

  it('with auto, falls through to the first backend that loads and says why it skipped the others', async () => {
    const info = await initBackend('auto', { log: null });
    expect(tf.getBackend()).toBe(info.name);
    if (await tfjsNodeLoads()) {
      expect(info.name).toBe('tensorflow');
    } else {
      expect(info.name).toBe('wasm');
      expect(info.simd).toBe(true);
      expect(info.threads).toBeGreaterThanOrEqual(1);
      expect(info.skipped[0]?.name).toBe('tensorflow');
      expect(formatBackendInfo(info)).toMatch(
        /^backend: wasm \(SIMD, \d+ threads?(; more with COUNTERWEIGHT_WASM_THREADS|; threaded SIMD build)?\), chosen because tensorflow is unavailable: @tensorflow\/tfjs-node is not installed \(its install step downloads libtensorflow/,
      );
      expect(formatBackendInfo(info)).not.toMatch(/\/(work|home|root|usr|tmp)\b|file:/);
    }
  });

  it('fails with the reason when a named backend cannot be used', async () => {
    if (await tfjsNodeLoads()) {
      await expect(initBackend('tensorflow', { log: null })).resolves.toMatchObject({ name: 'tensorflow' });
      return;
    }
    await expect(initBackend('tensorflow', { log: null })).rejects.toThrow(
      /^backend: no usable backend for request "tensorflow" \(tensorflow: @tensorflow\/tfjs-node is not installed/,
    );
  });
});

describe('describeLoadError', () => {
  it('keeps the first line and shortens absolute paths and file URLs to their last component', () => {
    const error = new Error(
      "Cannot find package '/work/main/node_modules/@tensorflow/tfjs-node/index.js' imported from file:///work/main/packages/runtime/src/backend.ts\nRequire stack:\n- /x",
    );
    expect(describeLoadError(error)).toBe("Cannot find package 'index.js' imported from backend.ts");
    expect(describeLoadError('libtensorflow.so.2: cannot open shared object file')).toBe('libtensorflow.so.2: cannot open shared object file');
  });
});
