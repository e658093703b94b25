import { makeRandom } from './random-inputs.js';

/** The float32 neighbour of `x` (one ulp) towards +∞ (`step` 1) or −∞ (`step` −1). */
export function nextFloat32(x: number, step: 1 | -1): number {
  const f = new Float32Array([Math.fround(x)]);
  const bits = new Int32Array(f.buffer);
  const value = f[0] ?? 0;
  if (value === 0) return step * 1.401298464324817e-45;
  bits[0] = (bits[0] ?? 0) + ((value > 0) === (step > 0) ? 1 : -1);
  return f[0] ?? Number.NaN;
}

/** For a bin lookup's `edges`: every float32 edge, one and two ulps either side, midpoints, far outside, ±∞, NaN and random values. */
export function adversarialValues(bins: { readonly edges: readonly number[] }, seed: number): number[] {
  const random = makeRandom(seed);
  const e = bins.edges;
  const first = e[0] ?? 0;
  const last = e[e.length - 1] ?? 0;
  const values: number[] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, first - 1e6, last + 1e6, first - 1, last + 1];
  e.forEach((edge, i) => {
    const f = Math.fround(edge);
    values.push(edge, f, nextFloat32(f, 1), nextFloat32(f, -1), nextFloat32(nextFloat32(f, 1), 1), nextFloat32(nextFloat32(f, -1), -1));
    if (i > 0) values.push(((e[i - 1] ?? 0) + edge) / 2);
  });
  for (let i = 0; i < 500; i += 1) values.push(first + (last - first) * (1.2 * random() - 0.1));
  return values.map(Math.fround);
}
