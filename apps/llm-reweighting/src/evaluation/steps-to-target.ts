import { ConfigError } from '@counterweight/runtime';

/** One point of a validation curve: the loss after `step` optimiser steps. */
export interface CurveSample {
  readonly step: number;
  readonly loss: number;
}

/**
 * The first evaluated step at which the curve is at or below `target`: the smallest `step` among the points with
 * `loss ≤ target` (points in any order; NaN losses never qualify), or null when no evaluated point reaches it. The
 * convention counts evaluations only: the true crossing lies between the previous evaluated step and the returned
 * one, so the resolution is the evaluation interval; a curve whose step-0 point is already at the target gives 0.
 * @throws ConfigError naming `target` (not finite) or `curve[i].step` (not an integer ≥ 0).
 */
export function stepsToTarget(curve: readonly CurveSample[], target: number): number | null {
  if (!Number.isFinite(target)) throw new ConfigError('target', `must be a finite number, got ${String(target)}`);
  let best: number | null = null;
  curve.forEach((point, i) => {
    if (!Number.isSafeInteger(point.step) || point.step < 0) throw new ConfigError(`curve[${i}].step`, `must be an integer >= 0, got ${String(point.step)}`);
    if (point.loss <= target && (best === null || point.step < best)) best = point.step;
  });
  return best;
}
