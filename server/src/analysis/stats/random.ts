/** A small seeded PRNG so that resampling results are reproducible run to run. */

/** mulberry32: 32-bit state, uniform doubles in [0, 1). Reproduced bit-for-bit by the test oracle. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
