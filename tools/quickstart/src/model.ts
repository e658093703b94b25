import { SeededRandom, fromLayersModel, type TrainableModel } from '@counterweight/runtime';
import * as tfl from '@tensorflow/tfjs-layers';

/** A one-hidden-layer MLP `features → hidden (ReLU) → 1 logit`, Glorot-initialised from `seed` (same seed, same weights). */
export function createMlp(features: number, hidden: number, seed: number): { model: TrainableModel; dispose: () => void } {
  const random = SeededRandom.fromSeed(seed, 'quickstart-init');
  const net = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [features],
        units: hidden,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: random.nextSeed() }),
      }),
      tfl.layers.dense({
        units: 1,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: random.nextSeed() }),
      }),
    ],
  });
  return { model: fromLayersModel(net), dispose: () => net.dispose() };
}
