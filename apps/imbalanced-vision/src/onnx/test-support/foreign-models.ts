import { OnnxGraphBuilder } from '@counterweight/runtime/onnx';

// ONNX models that are not this app's exports, built in memory with the runtime's graph builder: what a user may
// hand to `predict --model` or `compare --teacher` by mistake or on purpose.

/** An ONNX model of another kind: a CTR-style scorer, 39 float features in, one probability out. */
export function ctrLikeModel(): Uint8Array {
  const g = new OnnxGraphBuilder();
  const w = g.initializer('w', new Float32Array(39).fill(0.01), [39, 1]);
  g.node('Sigmoid', [g.node('MatMul', ['features', w])], {}, 'probability');
  return g.encode({
    graphName: 'ctr',
    inputs: [{ name: 'features', shape: ['batch', 39] }],
    outputs: [{ name: 'probability', shape: ['batch', 1] }],
    opset: 13,
    irVersion: 7,
    producerName: 'ctr-ranking',
    metadata: { 'counterweight.model': 'ctr' },
  });
}

/** A PyTorch-style image classifier (NCHW 1×28×28 → 10 logits) without this app's metadata. */
export function foreignImageModel(): Uint8Array {
  const g = new OnnxGraphBuilder();
  const flat = g.node('Flatten', ['input'], { axis: { int: 1 } });
  g.node('Gemm', [flat, g.initializer('w', new Float32Array(784 * 10).fill(0.001), [784, 10]), g.initializer('b', new Float32Array(10), [10])], {}, 'logits');
  return g.encode({
    graphName: 'torch',
    inputs: [{ name: 'input', shape: ['batch', 1, 28, 28] }],
    outputs: [{ name: 'logits', shape: ['batch', 10] }],
    opset: 13,
    irVersion: 7,
    producerName: 'pytorch',
  });
}

/** A two-input model (images and a mask). */
export function twoInputModel(): Uint8Array {
  const g = new OnnxGraphBuilder();
  g.node('Mul', ['image', 'mask'], {}, 'out');
  return g.encode({
    graphName: 'two',
    inputs: [
      { name: 'image', shape: ['batch', 28, 28, 1] },
      { name: 'mask', shape: ['batch', 28, 28, 1] },
    ],
    outputs: [{ name: 'out', shape: ['batch', 28, 28, 1] }],
    opset: 13,
    irVersion: 7,
    producerName: 'test',
  });
}

/** A PyTorch-style teacher for 3 classes (NCHW 1×28×28 → 3 logits). */
export function threeClassTeacher(): Uint8Array {
  const g = new OnnxGraphBuilder();
  const flat = g.node('Flatten', ['input'], { axis: { int: 1 } });
  g.node('Gemm', [flat, g.initializer('w', new Float32Array(784 * 3).fill(0.001), [784, 3]), g.initializer('b', new Float32Array(3), [3])], {}, 'logits');
  return g.encode({
    graphName: 'teacher3',
    inputs: [{ name: 'input', shape: ['batch', 1, 28, 28] }],
    outputs: [{ name: 'logits', shape: ['batch', 3] }],
    opset: 13,
    irVersion: 7,
    producerName: 'pytorch',
  });
}
