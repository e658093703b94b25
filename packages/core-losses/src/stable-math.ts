import * as tf from '@tensorflow/tfjs-core';

const FLOAT32_MAX = 3.4028234663852886e38;

const sigmoidWithGrad = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return {
    value: tf.sigmoid(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const s = saved[0] as tf.Tensor;
      return [tf.mul(dy, tf.mul(tf.sigmoid(s), tf.sigmoid(tf.neg(s))))];
    },
  };
});

const log1pWithGrad = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [z, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([z]);
  const u = tf.add(1, z);
  return {
    value: tf.where(tf.equal(u, 1), z, tf.mul(tf.log(u), tf.div(z, tf.sub(u, 1)))),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.div(dy, tf.add(1, saved[0] as tf.Tensor))],
  };
});

/**
 * `log(1 + z)` for z > −1, accurate to a few float32 ulps on every backend (tfjs-backend-wasm 4.22 evaluates
 * `log1p` as `log(1 + z)`, off by 1e-3 relative at z = 1e-5), via Goldberg's identity `log(u)·z/(u − 1)` with
 * `u = 1 + z` (and `z` itself where `u` rounds to 1). Gradient `1/(1 + z)`.
 */
export function log1p(z: tf.Tensor): tf.Tensor {
  return log1pWithGrad(z);
}

const stopGradientOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x] = args as [tf.Tensor];
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy)] };
});

/**
 * The identity with a zero gradient (tfjs has no `stopGradient`): what PyTorch computes under `torch.no_grad()` or
 * with `.detach()`, e.g. a focusing weight treated as a constant.
 */
export function stopGradient(x: tf.Tensor): tf.Tensor {
  return stopGradientOp(x);
}

const focusingPowWithGrad = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [base, exponent, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([base, exponent]);
  const positive = tf.greater(base, 0);
  const safeBase = tf.where(positive, base, tf.onesLike(base));
  const atZero = tf.cast(tf.equal(tf.broadcastTo(exponent, base.shape), 0), 'float32');
  return {
    value: tf.where(positive, tf.pow(safeBase, exponent), atZero),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [b, e] = saved as [tf.Tensor, tf.Tensor];
      const ePositive = tf.where(tf.greater(b, 0), b, tf.onesLike(b));
      const eFull = tf.broadcastTo(e, b.shape);
      // d/db b^e = e·b^{e−1} for b > 0, exactly 0 for e = 0, and capped at the largest float32 (b^{e−1} overflows for
      // e < 1 and a denormal b; a zero upstream gradient, e.g. from a `where`, must give 0, not 0·∞ = NaN). At b = 0:
      // 1 for e = 1, 0 otherwise (∞ or undefined for e < 1: the clamps that produce b = 0 have a zero gradient).
      const power = tf.minimum(tf.mul(eFull, tf.pow(ePositive, tf.sub(eFull, 1))), FLOAT32_MAX);
      const derivative = tf.where(
        tf.greater(b, 0),
        tf.where(tf.equal(eFull, 0), tf.zerosLike(power), power),
        tf.cast(tf.equal(eFull, 1), 'float32'),
      );
      return [tf.mul(dy, derivative), tf.zerosLike(e)];
    },
  };
});

/**
 * `base^exponent` for `base ≥ 0`, element by element, with PyTorch's conventions where tfjs' `pow` breaks: `0^0 = 1`
 * with gradient 0 (tfjs gives 0·∞ = NaN), and a gradient of 0 (not ∞) at `base = 0` for exponents in (0, 1). The
 * exponent (a scalar or a tensor broadcasting to `base`) gets no gradient. Used by the focusing weights of the ASL
 * losses.
 */
export function focusingPow(base: tf.Tensor, exponent: tf.Tensor): tf.Tensor {
  return focusingPowWithGrad(base, exponent);
}

/**
 * σ(x) with the gradient σ(x)·σ(−x). tfjs differentiates sigmoid as y·(1 − y), which is exactly 0 once σ(x) rounds
 * to 1 (x ≳ 17); this keeps the gradient's relative precision out to |x| = 88.
 */
export function sigmoid(x: tf.Tensor): tf.Tensor {
  return sigmoidWithGrad(x);
}


const softplusWithGrad = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  const value = tf.add(tf.relu(x), log1p(tf.exp(tf.neg(tf.abs(x)))));
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, tf.sigmoid(saved[0] as tf.Tensor))],
  };
});

/**
 * `softplus(x) = log(1 + exp(x))`, computed as `max(x, 0) + log1p(exp(−|x|))`: accurate to float32 precision for
 * every x on every backend (tfjs' own `softplus` forms `1 + exp(x)` and loses up to 1e-3 relative precision for x
 * in [−14, −3]), never overflows, and has the exact gradient `σ(x)` everywhere. (Differentiating the max/abs form
 * instead would give 0 rather than ½ at x = 0, where zero-initialised output layers start.)
 *
 * Shape: elementwise, any shape. Reference: the identity `log(1 + e^x) = max(x, 0) + log(1 + e^{−|x|})`.
 */
export function softplus(x: tf.Tensor): tf.Tensor {
  return softplusWithGrad(x);
}

const logSoftmaxOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const shifted = tf.sub(x, tf.max(x, -1, true));
  const isMax = tf.equal(shifted, 0);
  const others = tf.sum(tf.where(isMax, tf.zerosLike(shifted), tf.exp(shifted)), -1, true);
  const extraMaxima = tf.sub(tf.sum(tf.cast(isMax, 'float32'), -1, true), 1);
  const value = tf.sub(shifted, log1p(tf.add(extraMaxima, others)));
  save([value]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.sub(dy, tf.mul(tf.exp(saved[0] as tf.Tensor), tf.sum(dy, -1, true)))],
  };
});

/**
 * `log_softmax` over the last axis that keeps relative precision for the largest entry: `x − max − log1p(z)` with
 * `z = (k − 1) + Σ_{x_j < max} e^{x_j − max}` (k = number of maxima). tfjs' `logSoftmax` forms `log(1 + z)` and
 * returns exactly 0 for a well-classified row; this returns −3.9e-22 for logits [50, 0, 0], so the loss of a confident,
 * correct sample keeps its relative precision. Never overflows (max-shifted). Gradient `dy − softmax·Σ dy`.
 *
 * Shape: any rank ≥ 1, normalised over the last axis.
 */
export function logSoftmax(x: tf.Tensor): tf.Tensor {
  return logSoftmaxOp(x);
}
