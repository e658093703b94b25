import { aircastAuxiliaryLoss, frequencyWeightedMae, parseTargetHistogram, type TargetHistogram } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import type { ParityAdapter } from './adapter.js';
import { assertKnownParams, CaseFormatError, inputTensor, listParam, numberParam, valueAndGradient, values } from './common.js';

function stringList(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new CaseFormatError(`params.${name} must be a list of names`);
  return value;
}

function perVariable(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CaseFormatError(`params.${name} must map variable names to lists`);
  return value as Record<string, unknown>;
}

/**
 * AirCast's `freq_lat_weighted_mae` (`loss`, `grad`; with the `[H, W]` land mask: `loss_masked`, `grad_masked`), its
 * `lat_weighted_mae` and `auxillary_loss`: the frequency bin from the detached prediction with AirCast's quirks, one
 * histogram per variable named in `freq_weighted_vars` (the others unweighted), latitudes along H. The per-variable
 * dictionaries (`per_var`, `per_var_masked`) are diagnostics of the reference, not loss outputs, and stay uncompared.
 */
export const aircastFreqMaeAdapter: ParityAdapter = {
  loss: 'aircast_freq_mae',
  implementation: 'frequencyWeightedMae, aircastAuxiliaryLoss',
  run(testCase) {
    assertKnownParams(testCase, ['vars', 'lat', 'bins', 'counts', 'beta', 'freq_weighted_vars']);
    const vars = stringList(testCase.params['vars'], 'vars');
    const weighted = stringList(testCase.params['freq_weighted_vars'], 'freq_weighted_vars');
    const bins = perVariable(testCase.params['bins'], 'bins');
    const counts = perVariable(testCase.params['counts'], 'counts');
    const latitudes = listParam(testCase, 'lat');
    if (latitudes === undefined) throw new CaseFormatError('params.lat is missing');
    const beta = numberParam(testCase, 'beta');
    const histogram: (TargetHistogram | null)[] = vars.map((name) =>
      weighted.includes(name) ? parseTargetHistogram({ edges: bins[name], counts: counts[name] }) : null,
    );
    const options = { histogram, beta, latitudes, binBy: 'prediction' as const, aircastQuirks: true, variableAxis: 1, latitudeAxis: 2 };
    return tf.tidy(() => {
      const pred = inputTensor(testCase, 'pred');
      const y = inputTensor(testCase, 'y');
      if (pred.rank !== 4 || pred.shape[1] !== vars.length) throw new CaseFormatError(`inputs.pred must be [B, ${vars.length}, H, W]`);
      const [, , h, w] = pred.shape as [number, number, number, number];
      const grid = inputTensor(testCase, 'mask');
      const mask = tf.broadcastTo(tf.reshape(grid, [1, 1, h, w]), pred.shape);
      const plain = valueAndGradient((x) => frequencyWeightedMae(y, x, options), pred);
      const masked = valueAndGradient((x) => frequencyWeightedMae(y, x, { ...options, mask }), pred);
      return {
        loss: plain.value,
        grad: plain.grad,
        loss_masked: masked.value,
        grad_masked: masked.grad,
        lat_weighted_mae_loss: values(() => frequencyWeightedMae(y, pred, { ...options, histogram: null })),
        auxillary_loss: values(() => aircastAuxiliaryLoss(y, pred, options)),
      };
    });
  },
};
