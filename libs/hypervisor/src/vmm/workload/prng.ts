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

/**
 * What a source of standard normals keeps: its generator, and the second normal of the last pair
 * (`spare`, while `hasSpare`). A demand cursor keeps these in itself (one object fewer per VM).
 */
export interface NormalState {
  readonly rng: RandomGenerator;
  spare: number;
  hasSpare: boolean;
}

/** The next standard normal of `s`, by Box–Muller: each pair of uniforms gives two normals, used in order. */
export function nextNormal(s: NormalState): number {
  if (s.hasSpare) {
    s.hasSpare = false;
    return s.spare;
  }
  const u1 = 1 - nextUniform(s.rng); // (0, 1]: log(0) would be -Infinity
  const u2 = nextUniform(s.rng);
  const r = Math.sqrt(-2 * Math.log(u1));
  const theta = 2 * Math.PI * u2;
  s.spare = r * Math.sin(theta);
  s.hasSpare = true;
  return r * Math.cos(theta);
}

/** Standard normals from a seed (`nextNormal` on a state of its own). */
export class NormalSource implements NormalState {
  readonly rng: RandomGenerator;
  /** A number field always (0.5: a double from the start), so a store allocates no box. */
  spare = 0.5;
  hasSpare = false;

  constructor(seed: number) {
    this.rng = seededGenerator(seed);
  }

  next(): number {
    return nextNormal(this);
  }
}
