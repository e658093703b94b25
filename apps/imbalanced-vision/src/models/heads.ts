import { deriveSeed } from '@counterweight/runtime';

import type { LayerSpec } from './layers.js';
import type { AuxiliaryHeadKind, HeadKind } from './options.js';

/** Name prefix of the main head's variables (`head/kernel`, `head/bias`, `head/etf`). */
export const HEAD_NAME = 'head';
/** Name prefix of the auxiliary head's variables (`auxiliary/…`). */
export const AUXILIARY_NAME = 'auxiliary';
/** Hidden width of DHKD's non-linear auxiliary head (`NonLinearClassifier`). */
export const AUXILIARY_HIDDEN = 200;
/** Dropout rate of DHKD's non-linear auxiliary head. */
export const AUXILIARY_DROPOUT = 0.1;

/**
 * The main classifier head on `features` penultimate features:
 * - `linear`: dense `C` (Glorot-uniform kernel; bias `headBias`, default 0);
 * - `cosine`: `NormedLinear` of LDAM-DRW (unit features × unit class columns, no bias, cosines in [−1, 1]);
 * - `etf`: a fixed simplex ETF (`simplexEtf` of core-losses, seeded from `seed`) plus a trainable bias, initialised
 *   uniform in ±1/d like Hasegawa & Sato's code unless `headBias` is given.
 */
export function mainHead(kind: HeadKind, features: number, numClasses: number, seed: number, headBias?: number): LayerSpec[] {
  switch (kind) {
    case 'linear':
      return [{ kind: 'dense', name: HEAD_NAME, units: numClasses, activation: 'linear', biasInit: { constant: headBias ?? 0 } }];
    case 'cosine':
      return [{ kind: 'cosine', name: HEAD_NAME, units: numClasses }];
    case 'etf':
      return [
        {
          kind: 'etf',
          name: HEAD_NAME,
          units: numClasses,
          seed: deriveSeed(seed, 'imbalanced-vision', 'etf') >>> 0,
          biasInit: headBias === undefined ? { uniform: 1 / features } : { constant: headBias },
        },
      ];
  }
}

/**
 * The auxiliary head of Dual-Head KD (`penghui-yang/DHKD`, `models/resnet.py` `fc2`): `linear` is a second dense `C`;
 * `mlp` is its `NonLinearClassifier`: dense 200 → dropout 0.1 → batch norm → ReLU → dense `C`.
 */
export function auxiliaryHead(kind: AuxiliaryHeadKind, numClasses: number): LayerSpec[] {
  const out = (name: string): LayerSpec => ({ kind: 'dense', name, units: numClasses, activation: 'linear', biasInit: { constant: 0 } });
  if (kind === 'linear') return [out(AUXILIARY_NAME)];
  return [
    { kind: 'dense', name: `${AUXILIARY_NAME}/dense1`, units: AUXILIARY_HIDDEN, activation: 'linear', biasInit: { constant: 0 } },
    { kind: 'dropout', rate: AUXILIARY_DROPOUT },
    { kind: 'batchNorm', name: `${AUXILIARY_NAME}/bn` },
    { kind: 'relu' },
    out(`${AUXILIARY_NAME}/dense2`),
  ];
}
