/**
 * A seeded uniform generator on [0, 1): mulberry32 (32-bit state, period 2³²). Small, fast and the same stream on
 * every platform and backend (it runs in JavaScript, not on a tfjs backend), which is what the seeded parts of the
 * losses need (the MD4 masking sampler's draws, the simplex ETF's random basis); not for cryptography. The seed is
 * taken as an unsigned 32-bit integer (`seed >>> 0`); callers check its range and name their own argument.
 */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
