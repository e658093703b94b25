import type { LayerSpec } from './layers.js';

function conv(name: string, filters: number, kernelSize: number, stride: number): LayerSpec {
  return { kind: 'conv', name, filters, kernelSize, stride, padding: 'same', bias: false, activation: 'linear', init: 'he-normal-fan-out' };
}

/**
 * One basic block (He et al. 2016): conv 3×3 (stride `s`) → BN → ReLU → conv 3×3 → BN, plus the shortcut — the
 * identity, or a 1×1 convolution with stride `s` and BN where the shape changes (option B, as the CIFAR ResNets of
 * RepDistiller/DHKD) — then ReLU.
 */
export function basicBlock(name: string, inChannels: number, filters: number, stride: number): LayerSpec[] {
  const projection = stride !== 1 || inChannels !== filters;
  return [
    {
      kind: 'residual',
      body: [
        conv(`${name}/conv1`, filters, 3, stride),
        { kind: 'batchNorm', name: `${name}/bn1` },
        { kind: 'relu' },
        conv(`${name}/conv2`, filters, 3, 1),
        { kind: 'batchNorm', name: `${name}/bn2` },
      ],
      shortcut: projection ? [conv(`${name}/shortcut`, filters, 1, stride), { kind: 'batchNorm', name: `${name}/shortcut-bn` }] : [],
    },
    { kind: 'relu' },
  ];
}

/**
 * The small ResNet backbone: a CIFAR-style ResNet-`depth` (`depth = 6n + 2`): stem conv 3×3 `w` → BN → ReLU, three
 * stages of `n` basic blocks with `w, 2w, 4w` channels and strides 1, 2, 2, then global average pooling. Convolutions
 * have no bias and He-normal (fan-out) initialisation; batch norm starts at γ = 1, β = 0 (the CIFAR ResNets of the
 * LDAM-DRW and DHKD code). Default `w = 16`: 64 penultimate features; 28×28 inputs give 28, 14, 7 pixels per stage,
 * 56×56 mosaics 56, 28, 14.
 *
 * Batch norm was chosen over a batch-independent norm (group/layer norm) because it is what the papers' ResNets use,
 * costs two reductions per layer on wasm (closed-form custom gradient), and folds into the convolution for
 * inference; at the recipes' batch of 128 (64 per data-parallel shard) its batch statistics are stable.
 */
export function resnetBackbone(width: number, depth: number): LayerSpec[] {
  const blocks = (depth - 2) / 6;
  const layers: LayerSpec[] = [conv('stem/conv', width, 3, 1), { kind: 'batchNorm', name: 'stem/bn' }, { kind: 'relu' }];
  let channels = width;
  [width, 2 * width, 4 * width].forEach((filters, stage) => {
    for (let b = 0; b < blocks; b += 1) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      layers.push(...basicBlock(`stage${stage + 1}/block${b + 1}`, channels, filters, stride));
      channels = filters;
    }
  });
  layers.push({ kind: 'globalAveragePool' });
  return layers;
}
