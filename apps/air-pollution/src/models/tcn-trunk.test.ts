import { SeededRandom, VariableBuilder, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { applyCausalConvBlock, applyTcnTrunk, blockDilation, createTcnTrunk, receptiveSteps, type CausalConvBlock } from './tcn-trunk.js';

/** `y[b,t,h] = relu(bias[h] + Σ_j Σ_c x[b, t−(k−1−j)·d, c]·W[j,c,h])` with zeros before step 0, by loops (float64). */
function referenceBlock(block: CausalConvBlock, x: Float32Array, batch: number, steps: number): Float64Array {
  const w = block.kernel.dataSync();
  const bias = block.bias.dataSync();
  const [k = 0, cin = 0, cout = 0] = block.kernel.shape;
  const out = new Float64Array(batch * steps * cout);
  for (let b = 0; b < batch; b += 1) {
    for (let t = 0; t < steps; t += 1) {
      for (let h = 0; h < cout; h += 1) {
        let sum = bias[h] as number;
        for (let j = 0; j < k; j += 1) {
          const s = t - (k - 1 - j) * block.dilation;
          if (s < 0) continue;
          for (let c = 0; c < cin; c += 1) sum += (x[(b * steps + s) * cin + c] as number) * (w[(j * cin + c) * cout + h] as number);
        }
        const y = Math.max(sum, 0);
        out[(b * steps + t) * cout + h] = block.residual ? y + (x[(b * steps + t) * cin + h] as number) : y;
      }
    }
  }
  return out;
}

describe('blockDilation', () => {
  it('doubles per block while the kernel reach stays inside the history, then holds', () => {
    expect([0, 1, 2, 3, 4, 5].map((i) => blockDilation(i, 3, 24))).toEqual([1, 2, 4, 8, 8, 8]);
    expect([0, 1, 2].map((i) => blockDilation(i, 2, 4))).toEqual([1, 2, 2]);
    expect([0, 1, 2].map((i) => blockDilation(i, 5, 3))).toEqual([1, 1, 1]);
  });
});

describe('receptiveSteps', () => {
  beforeAll(async () => {
    await initBackend('cpu', { log: null });
  });

  it('follows the receptive field back from the last step, capped at the history', () => {
    const init = new VariableBuilder(SeededRandom.fromSeed(1, 'steps'));
    const other = new VariableBuilder(SeededRandom.fromSeed(2, 'steps'));
    try {
      // k 3, dilations 1, 2, 4: the last block outputs 1 step and reads 1 + 2·4 = 9; block 1 outputs 9 and reads 9 + 2·2 = 13; block 0 reads 15.
      expect(receptiveSteps(createTcnTrunk(init, 24, 2, { hidden: 3, layers: 3, kernelSize: 3 }))).toEqual({ inputSteps: 15, outputSteps: [13, 9, 1] });
      // A short history caps the counts (history 6, k 2, dilations 1, 2, 4: reads 5, then 5 + 2 = 7 → 6).
      expect(receptiveSteps(createTcnTrunk(other, 6, 2, { hidden: 3, layers: 3, kernelSize: 2 }))).toEqual({
        inputSteps: 6,
        outputSteps: [6, 5, 1],
      });
    } finally {
      init.dispose();
      other.dispose();
    }
  });
});

describe.each(['wasm', 'cpu'] as const)('TCN trunk on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend, { log: null });
  });

  it('each block equals the causal dilated convolution written as loops, residual where widths match', () => {
    const init = new VariableBuilder(SeededRandom.fromSeed(1, 'tcn-test'));
    const trunk = createTcnTrunk(init, 7, 3, { hidden: 4, layers: 3, kernelSize: 3 });
    try {
      expect(trunk.blocks.map((b) => [b.dilation, b.residual])).toEqual([
        [1, false],
        [2, true],
        [2, true],
      ]);
      const values = SeededRandom.fromSeed(2, 'x').normalArray(2 * 7 * 3);
      let input = tf.tensor3d(values, [2, 7, 3]);
      let expected: Float64Array = Float64Array.from(values);
      for (const block of trunk.blocks) {
        const reference = referenceBlock(block, Float32Array.from(expected), 2, 7);
        const output = applyCausalConvBlock(block, input);
        const actual = output.dataSync();
        reference.forEach((v, i) => expect(actual[i] as number).toBeCloseTo(v, 4));
        input.dispose();
        input = output;
        expected = reference;
      }
      input.dispose();
    } finally {
      init.dispose();
    }
  });

  it('is causal: the output at the last step ignores nothing before it, and a step never sees later steps', () => {
    const init = new VariableBuilder(SeededRandom.fromSeed(3, 'tcn-test'));
    const trunk = createTcnTrunk(init, 6, 2, { hidden: 5, layers: 2, kernelSize: 2 });
    try {
      const values = SeededRandom.fromSeed(4, 'x').normalArray(6 * 2);
      const changed = Float32Array.from(values);
      changed[5 * 2] = (changed[5 * 2] as number) + 3; // the last step
      tf.tidy(() => {
        const block = trunk.blocks[0] as CausalConvBlock;
        const a = applyCausalConvBlock(block, tf.tensor3d(values, [1, 6, 2])).arraySync()[0] as number[][];
        const b = applyCausalConvBlock(block, tf.tensor3d(changed, [1, 6, 2])).arraySync()[0] as number[][];
        expect(b.slice(0, 5)).toEqual(a.slice(0, 5));
        expect(b[5]).not.toEqual(a[5]);
        const last = applyTcnTrunk(trunk, tf.tensor2d(values, [1, 12]));
        expect(last.shape).toEqual([1, 5]);
      });
    } finally {
      init.dispose();
    }
  });

  it('computes only the receptive field: the same last step as convolving the whole window', () => {
    const init = new VariableBuilder(SeededRandom.fromSeed(5, 'tcn-test'));
    const trunk = createTcnTrunk(init, 24, 3, { hidden: 4, layers: 3, kernelSize: 3 });
    try {
      tf.tidy(() => {
        trunk.blocks.forEach((b) => b.bias.assign(tf.fill(b.bias.shape, 0.1)));
        const values = SeededRandom.fromSeed(6, 'x').normalArray(5 * 24 * 3);
        let full = tf.tensor3d(values, [5, 24, 3]);
        for (const block of trunk.blocks) full = applyCausalConvBlock(block, full);
        const expected = tf.reshape(tf.slice(full, [0, 23, 0], [5, 1, 4]), [5, 4]).dataSync();
        const actual = applyTcnTrunk(trunk, tf.tensor2d(values, [5, 72])).dataSync();
        expected.forEach((v, i) => expect(actual[i] as number).toBeCloseTo(v, 5));
        // A block asked for its last n steps gives the last n steps of its full output.
        const block = trunk.blocks[1] as CausalConvBlock;
        const input = tf.randomNormal<tf.Rank.R3>([2, 10, 4], 0, 1, 'float32', 7);
        const whole = applyCausalConvBlock(block, input).arraySync();
        const tail = applyCausalConvBlock(block, input, 3).arraySync();
        tail.forEach((rows, b) => rows.forEach((row, t) => row.forEach((v, h) => expect(v).toBeCloseTo(whole[b]?.[7 + t]?.[h] as number, 5))));
      });
    } finally {
      init.dispose();
    }
  });
});
