import * as tf from '@tensorflow/tfjs-core';
import { disposeBatch } from '@counterweight/runtime';

import type { Workload } from './workload.js';

/** The loss and the gradient of every trainable variable of a workload on one fixed batch. */
export interface WorkloadGradients {
  readonly loss: number;
  /** Gradient values by the variable's checkpoint name, in the model's trainable-variable order. */
  readonly gradients: ReadonlyMap<string, Float32Array>;
}

/**
 * Computes the training loss and the gradients of every trainable variable of `workload` on the batch made of the
 * given data-set rows (forward pass in training mode), on the current backend. Leaves no tensors behind.
 */
export async function workloadGradients(workload: Workload, rows: ArrayLike<number>): Promise<WorkloadGradients> {
  const { model } = workload;
  const names = new Map(model.variables.map((v) => [v.variable, v.name]));
  const trainable = [...model.trainableVariables];
  const batch = workload.data.gather(Int32Array.from(rows));
  try {
    const { value, grads } = tf.variableGrads(
      () =>
        workload.loss({
          predictions: model.predict(batch.inputs, { training: true }),
          targets: batch.targets,
          sampleWeights: batch.weights,
          extras: batch.extras,
        }),
      trainable,
    );
    try {
      const loss = (await value.data())[0] ?? Number.NaN;
      const gradients = new Map<string, Float32Array>();
      for (const variable of trainable) {
        const gradient = grads[variable.name];
        const name = names.get(variable) ?? variable.name;
        gradients.set(name, gradient === undefined ? new Float32Array(variable.size) : Float32Array.from(await gradient.data()));
      }
      return { loss, gradients };
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  } finally {
    disposeBatch(batch);
  }
}

/** Tolerances of {@link compareGradients}: element `i` matches when `|c − r| ≤ relative·|r| + floor·max|r|`. */
export interface GradientTolerance {
  /** Relative tolerance (default 1e-3). */
  readonly relative?: number;
  /** Absolute floor as a fraction of the variable's largest reference magnitude (default 1e-3). */
  readonly floor?: number;
}

/** A variable whose gradients differ beyond tolerance (or whose shapes differ), with its worst element. */
export interface GradientMismatch {
  readonly variable: string;
  /** Elements beyond tolerance, out of `size`. */
  readonly mismatched: number;
  readonly size: number;
  readonly worstIndex: number;
  readonly reference: number;
  readonly candidate: number;
  /** Largest `|c − r| / (relative·|r| + floor·max|r|)`; above 1 is a mismatch. */
  readonly worstRatio: number;
  /** Set when the variable is missing from one side or the sizes differ. */
  readonly problem?: string;
}

/**
 * Compares two {@link WorkloadGradients} (e.g. cpu as reference, wasm as candidate), variable by variable and element
 * by element. A NaN or infinite value on either side is a mismatch.
 * @returns one entry per variable beyond tolerance; empty when they all match.
 */
export function compareGradients(
  reference: WorkloadGradients,
  candidate: WorkloadGradients,
  tolerance: GradientTolerance = {},
): GradientMismatch[] {
  const relative = tolerance.relative ?? 1e-3;
  const floorFraction = tolerance.floor ?? 1e-3;
  const mismatches: GradientMismatch[] = [];
  const names = new Set([...reference.gradients.keys(), ...candidate.gradients.keys()]);
  for (const variable of names) {
    const r = reference.gradients.get(variable);
    const c = candidate.gradients.get(variable);
    if (r === undefined || c === undefined || r.length !== c.length) {
      const problem =
        r === undefined ? 'missing from the reference' : c === undefined ? 'missing from the candidate' : `size ${c.length} vs ${r.length}`;
      mismatches.push({ variable, mismatched: Number.NaN, size: r?.length ?? 0, worstIndex: -1, reference: Number.NaN, candidate: Number.NaN, worstRatio: Number.POSITIVE_INFINITY, problem });
      continue;
    }
    let scale = 0;
    for (const value of r) scale = Math.max(scale, Math.abs(value));
    const floor = floorFraction * scale;
    let mismatched = 0;
    let worstIndex = -1;
    let worstRatio = 0;
    for (let i = 0; i < r.length; i += 1) {
      const a = r[i] as number;
      const b = c[i] as number;
      const allowed = relative * Math.abs(a) + floor;
      const error = Math.abs(b - a);
      // An all-zero gradient allows no error at all: compare exactly.
      const ratio = Number.isFinite(a) && Number.isFinite(b) ? (allowed > 0 ? error / allowed : error > 0 ? Infinity : 0) : Infinity;
      if (ratio > 1) mismatched += 1;
      if (ratio > worstRatio || worstIndex < 0) {
        worstRatio = ratio;
        worstIndex = i;
      }
    }
    if (mismatched > 0) {
      mismatches.push({
        variable,
        mismatched,
        size: r.length,
        worstIndex,
        reference: r[worstIndex] as number,
        candidate: c[worstIndex] as number,
        worstRatio,
      });
    }
  }
  return mismatches;
}
