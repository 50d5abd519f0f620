/**
 * A small seeded pseudo-random generator (mulberry32: 32-bit state, period 2^32), so a fault spec with a
 * seed fails the same requests on every run. Not for anything secret. A local module rather than a
 * package, because the emulator ships to users and must not depend on a test tool's transitive dependency.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
