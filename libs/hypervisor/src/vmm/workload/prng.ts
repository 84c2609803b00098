import { RandomGenerator, xoroshiro128plus } from 'pure-rand';

/**
 * Seeded randomness for workload models: xoroshiro128+ (pure-rand), uniforms from its high bits,
 * normals by Box–Muller. Same seed → the same sequence, bit for bit (V8's Math.log/cos/sin are
 * fdlibm ports, identical on every platform).
 */

/** murmur3's 32-bit finalizer: a bijection on int32 that spreads every input bit over the output. */
function fmix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}

/**
 * A generator for any safe-integer seed. pure-rand's own seeding keeps only 32 bits and puts
 * `~seed` straight into the state, so seeds 1 and 2 would start almost alike; here both 32-bit
 * halves of the seed (two's complement) are scrambled. (s00, s10) alone determine the seed, so
 * distinct seeds give distinct states, and s00 = s01 = 0 would need lo = 0 and lo = 0x85ebca6b at
 * once, so the all-zero state (a fixed point) is impossible.
 */
export function seededGenerator(seed: number): RandomGenerator {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const lo = seed | 0;
  const hi = Math.floor(seed / 0x1_0000_0000) | 0;
  // pure-rand's state order is [s01, s00, s11, s10].
  return xoroshiro128plus.fromState([fmix32(lo ^ 0x85ebca6b), fmix32(lo), fmix32(hi ^ 0xc2b2ae35), fmix32(hi ^ 0x9e3779b9)]);
}

/** Uniform in [0, 1) with 53 random bits (the top 27 + 26 bits of two outputs; + generators' low bits are weak). */
export function nextUniform(rng: RandomGenerator): number {
  const a = rng.unsafeNext() >>> 5;
  const b = rng.unsafeNext() >>> 6;
  return (a * 0x400_0000 + b) / 0x20_0000_0000_0000;
}

/** Standard normals by Box–Muller; each pair of uniforms gives two normals, used in order. */
export class NormalSource {
  private readonly rng: RandomGenerator;
  private spare: number | undefined;

  constructor(seed: number) {
    this.rng = seededGenerator(seed);
  }

  next(): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return z;
    }
    const u1 = 1 - nextUniform(this.rng); // (0, 1]: log(0) would be -Infinity
    const u2 = nextUniform(this.rng);
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}
